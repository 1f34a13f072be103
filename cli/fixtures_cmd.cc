// eventfabric fixtures check | stats.
#include <filesystem>
#include <map>
#include <ostream>

#include "cli/client_util.h"
#include "cli/fixtures_cmds.h"
#include "emulator/fixtures/format.h"
#include "emulator/fixtures/redact.h"
#include "emulator/schema/envelope_validator.h"

namespace eventfabric::cli {
namespace {

using json = nlohmann::json;

struct check_opts {
  std::vector<std::string> files;
  std::string contracts = "contracts";
  bool contracts_given = false;
};

// Format and envelopes (the reader), payloads against the contracts, and the
// header's schema hashes against today's schemas (a warning when they differ).
int check(const check_opts& o, io s) {
  std::shared_ptr<const schema::contracts> contracts;
  if (auto c = schema::load_contracts(o.contracts)) {
    contracts = std::make_shared<const schema::contracts>(std::move(*c));
  } else if (o.contracts_given) {
    s.err << "eventfabric fixtures check: " << c.error().message << "\n";
    return 2;
  } else {
    s.err << "eventfabric fixtures check: note: no contracts folder at '" << o.contracts
          << "' (--contracts DIR): payloads are not checked against schemas\n";
  }
  const std::optional<schema::envelope_validator> validator =
      contracts ? std::optional(schema::envelope_validator(contracts)) : std::nullopt;
  const fixtures::redactor hashes(contracts, "");
  int exit_code = 0;
  for (const auto& path : o.files) {
    auto r = fixtures::read_file_all(path);
    std::size_t problems = r.errors.size();
    for (const auto& e : r.errors) {
      s.err << e.message << "\n";
      if (e.code == core::errc::not_found || e.code == core::errc::storage_error) exit_code = 2;
    }
    if (validator)
      for (const auto& m : r.value.messages)
        for (const auto& e : validator->validate(std::string_view(m.envelope))) {
          s.err << path << ":" << m.line << ": envelope" << e.path << ": " << e.message << " (" << e.keyword << ")\n";
          ++problems;
        }
    if (contracts)
      for (const auto& [type, hash] : r.value.head.schemas) {
        const std::string now = hashes.schema_hash(type);
        if (now.empty())
          s.err << path << ":1: warning: no schema for " << type << " in " << o.contracts << "\n";
        else if (now != hash)
          s.err << path << ":1: warning: the schema of " << type << " changed since recording (sha256 " << hash.substr(0, 12)
                << "… then, " << now.substr(0, 12) << "… now)\n";
      }
    if (problems) {
      if (exit_code == 0) exit_code = 1;
      s.out << path << ": " << problems << " problem(s)\n";
    } else {
      s.out << path << ": ok, " << r.value.messages.size() << " message(s)\n";
    }
  }
  return exit_code;
}

struct stats_opts {
  std::string file;
  bool as_json = false;
  std::size_t top = 10;
};

int stats(const stats_opts& o, io s) {
  auto r = fixtures::read_file_all(o.file);
  for (const auto& e : r.errors) {
    s.err << e.message << "\n";
    if (e.code == core::errc::not_found || e.code == core::errc::storage_error) return 2;
  }
  std::map<std::string, std::size_t> topics, queues, types, keys;
  for (const auto& m : r.value.messages) {
    ++(m.topic ? topics[*m.topic] : queues[*m.queue]);
    ++types[m.type];
    ++keys[m.key.value_or("(none)")];
  }
  const auto& h = r.value.head;
  if (o.as_json) {
    s.out << line({{"file", o.file}, {"messages", r.value.messages.size()}, {"recorded_at", h.recorded_at},
                   {"source", h.source}, {"topics", topics}, {"queues", queues}, {"types", types}, {"keys", keys},
                   {"bad_lines", r.errors.size()}})
          << "\n";
  } else {
    s.out << o.file << ": " << r.value.messages.size() << " message(s)";
    if (!h.recorded_at.empty()) s.out << ", recorded " << h.recorded_at;
    if (!h.source.empty()) s.out << " from " << h.source;
    s.out << "\n";
    auto table = [&](const char* title, const std::map<std::string, std::size_t>& counts, std::size_t limit) {
      std::vector<std::pair<std::size_t, std::string>> rows;
      for (const auto& [k, n] : counts) rows.emplace_back(n, k);
      std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      s.out << title << " (" << counts.size() << (rows.size() > limit ? ", top " + std::to_string(limit) : "") << "):\n";
      for (std::size_t i = 0; i < rows.size() && i < limit; ++i) s.out << "  " << rows[i].first << "  " << rows[i].second << "\n";
    };
    table("topics", topics, SIZE_MAX);
    table("queues", queues, SIZE_MAX);
    table("types", types, SIZE_MAX);
    table("keys", keys, o.top);
  }
  return r.ok() ? 0 : 1;
}

}  // namespace

void add_fixtures(CLI::App& app, io streams, int& exit_code) {
  auto* fx = app.add_subcommand("fixtures", "Check fixture files or count what they hold.");
  fx->require_subcommand(1);
  auto co = std::make_shared<check_opts>();
  auto* chk = fx->add_subcommand("check",
                                 "Validate fixture files: the format (every bad line, with its number), the\n"
                                 "envelopes, the payloads against the contracts, and the header's schema hashes.\n"
                                 "Exit 0 when all are valid, 1 when a file has problems, 2 when one cannot be read.");
  chk->add_option("FILE", co->files, "Fixture files")->required();
  auto* opt = chk->add_option("--contracts", co->contracts, "Contracts folder")->capture_default_str();
  chk->callback([co, opt, streams, &exit_code] {
    co->contracts_given = opt->count() > 0;
    exit_code = check(*co, streams);
  });
  auto so = std::make_shared<stats_opts>();
  auto* st = fx->add_subcommand("stats", "Count the messages of a fixture by topic, queue, type and key.");
  st->add_option("FILE", so->file, "Fixture file")->required();
  st->add_flag("--json", so->as_json, "One JSON object instead of tables");
  st->add_option("--top", so->top, "Keys to list (by count)")->capture_default_str();
  st->callback([so, streams, &exit_code] { exit_code = stats(*so, streams); });
}

}  // namespace eventfabric::cli
