// `eventfabric test [CONTRACT...]`: the contract-test harness. Runs each
// consumer contract (contracts/consumers/*.json by default) against its
// consumer over HTTP, on the in-process engine and a manual clock, and
// reports schema, idempotency, output and error-contract violations with
// minimal fault schedules. Exit codes: 0 every contract holds, 1 a violation
// was found, 2 usage or configuration error.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/schema_cmds.h"
#include "emulator/fixtures/format.h"
#include "emulator/harness/check.h"
#include "emulator/harness/inputs.h"
#include "emulator/harness/report.h"
#include "emulator/harness_http/endpoint.h"
#include "emulator/harness_http/http_consumer.h"
#include "emulator/schema/contracts.h"
#include "emulator/schema/envelope_validator.h"

namespace eventfabric::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct test_opts {
  std::vector<std::string> contracts;
  std::optional<uint64_t> seed;
  std::optional<int32_t> runs;
  std::string schedule, report, junit, workdir;
  std::string schemas = "contracts";
  std::string schedules_dir = ".eventfabric/test";
  int64_t timeout_ms = 0;
  int max_shrink_tries = 200;
  bool no_shrink = false;
};

struct loaded {
  harness::contract contract;
  std::vector<delivery::message> messages;
  std::vector<std::string> notes;
};

std::optional<loaded> load(const std::string& file, io streams) {
  auto c = harness::load_contract(file);
  if (!c) {
    streams.err << "eventfabric test: " << c.error().message << "\n";
    return std::nullopt;
  }
  loaded l{std::move(*c), {}, {}};
  std::vector<harness::input> inputs;
  std::size_t skipped = 0;
  for (const auto& f : l.contract.fixtures) {
    auto fx = fixtures::read_file(f);
    if (!fx) {
      streams.err << "eventfabric test: " << file << ": fixture " << fx.error().message << "\n";
      return std::nullopt;
    }
    for (const auto& m : fx->messages) {
      const bool topic = m.topic.has_value();
      const std::string& name = topic ? *m.topic : *m.queue;
      if (topic ? !l.contract.consumes_topic(name) : !l.contract.consumes_queue(name)) {
        ++skipped;
        continue;
      }
      inputs.push_back({topic, name, m.partition, m.offset, m.key, m.envelope, f.string() + ":" + std::to_string(m.line)});
    }
  }
  if (skipped > 0)
    l.notes.push_back(std::to_string(skipped) + " fixture message(s) of topics or queues the contract does not consume "
                                                "were skipped");
  if (inputs.empty()) {
    streams.err << "eventfabric test: " << file << ": no fixture messages for what the contract consumes"
                << (l.contract.fixtures.empty() ? " (\"fixtures\" is empty)" : "") << "\n";
    return std::nullopt;
  }
  auto msgs = harness::to_messages(inputs);
  if (!msgs) {
    streams.err << "eventfabric test: " << msgs.error().message << "\n";
    return std::nullopt;
  }
  l.messages = std::move(*msgs);
  return l;
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string describe_diff(const std::string& diff) {
  const json d = json::parse(diff, nullptr, false);
  if (d.is_discarded()) return diff;
  std::ostringstream out;
  if (d.contains("state")) {
    for (const auto& x : d["state"])
      out << "      " << x["pointer"].get<std::string>() << ": expected " << x["expected"].dump() << ", actual "
          << x["actual"].dump() << "\n";
    return out.str();
  }
  std::string s = d.dump(2);
  std::string indented;
  std::istringstream lines(s);
  for (std::string line; std::getline(lines, line);) indented += "      " + line + "\n";
  return indented;
}

void print_result(const harness::reported_contract& rc, std::ostream& out) {
  const auto& r = rc.result;
  if (r.error) {
    out << r.name << " (" << rc.file << "): ERROR " << r.error->message << "\n";
    return;
  }
  out << r.name << " (" << rc.file << "): " << (r.passed ? "PASS" : "FAIL") << " - " << r.runs << " faulty run(s), "
      << r.deliveries << " deliveries, " << r.violations.size() << " violation(s)\n";
  std::map<std::string, std::vector<int>> more;
  for (std::size_t i = 0; i < r.violations.size(); ++i) {
    const auto& v = r.violations[i];
    if (more.contains(v.check)) {
      more[v.check].push_back(v.run);
      continue;
    }
    more[v.check];
    out << "  " << v.check << ", " << (v.run == 0 ? std::string("clean run / fixtures") : "run " + std::to_string(v.run));
    if (v.seed) out << " (seed " << *v.seed << ")";
    out << ": " << v.message << "\n";
    if (v.minimal)
      out << "    minimal schedule (" << v.minimal->size() << " of " << v.schedule.size() << " fault(s), "
          << v.shrink_tries << " tries): " << faults::to_json(*v.minimal) << "\n";
    out << "    diff:\n" << describe_diff(v.diff);
    if (i < rc.reproduce.size() && !rc.reproduce[i].empty()) out << "    reproduce: " << rc.reproduce[i] << "\n";
  }
  for (const auto& [check, runs] : more) {
    if (runs.empty()) continue;
    out << "  " << check << " also failed in run(s)";
    for (std::size_t i = 0; i < runs.size() && i < 20; ++i) out << " " << runs[i];
    if (runs.size() > 20) out << " ... (" << runs.size() << " in all)";
    out << "\n";
  }
  for (const auto& n : r.notes) out << "  note: " << n << "\n";
}

bool write_file(const fs::path& p, const std::string& text, io streams) {
  std::error_code ec;
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    streams.err << "eventfabric test: cannot write " << p.string() << "\n";
    return false;
  }
  return true;
}

std::vector<std::string> default_contracts() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("contracts/consumers", ec))
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  std::ranges::sort(out);
  return out;
}

int run_tests(test_opts o, io streams) {
  if (o.contracts.empty()) o.contracts = default_contracts();
  if (o.contracts.empty()) {
    streams.err << "eventfabric test: no contract given, and none in contracts/consumers/*.json\n";
    return 2;
  }
  std::optional<faults::schedule> schedule;
  if (!o.schedule.empty()) {
    if (o.contracts.size() != 1) {
      streams.err << "eventfabric test: --schedule replays one contract's schedule; give exactly one CONTRACT\n";
      return 2;
    }
    auto text = read_text_file(o.schedule);
    if (!text) {
      streams.err << "eventfabric test: cannot read --schedule " << o.schedule << "\n";
      return 2;
    }
    auto s = faults::schedule_from_json(*text);
    if (!s) {
      streams.err << "eventfabric test: " << o.schedule << ": " << s.error().message << "\n";
      return 2;
    }
    schedule = std::move(*s);
  }

  // Schemas: the default folder is optional; an explicit one must load.
  std::shared_ptr<schema::envelope_validator> validator;
  std::error_code ec;
  if (fs::exists(o.schemas, ec)) {
    auto c = schema::load_contracts(o.schemas);
    if (!c) {
      streams.err << "eventfabric test: " << c.error().message << "\n";
      return 2;
    }
    validator = std::make_shared<schema::envelope_validator>(std::make_shared<const schema::contracts>(std::move(*c)));
  } else if (o.schemas != "contracts") {
    streams.err << "eventfabric test: --contracts " << o.schemas << " does not exist\n";
    return 2;
  }

  std::vector<loaded> all;
  for (const auto& f : o.contracts) {
    auto l = load(f, streams);
    if (!l) return 2;
    all.push_back(std::move(*l));
  }

  fs::path workroot = o.workdir;
  bool temporary = false;
  if (workroot.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "eventfabric-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      streams.err << "eventfabric test: cannot create a temporary folder\n";
      return 2;
    }
    workroot = tmpl;
    temporary = true;
  }

  auto ep = harness_http::endpoint::start();
  if (!ep) {
    streams.err << "eventfabric test: cannot start the harness endpoint: " << ep.error().message << "\n";
    return 2;
  }

  std::vector<harness::reported_contract> reports;
  bool config_error = false;
  const bool tty = isatty(2);
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto& l = all[i];
    harness_http::http_consumer_options ho;
    ho.consumer = l.contract.consumer;
    ho.workroot = workroot / l.contract.name;
    ho.eventfabric_url = (*ep)->url();
    ho.timeout = std::chrono::milliseconds(o.timeout_ms > 0 ? o.timeout_ms : l.contract.timeout_ms);
    ho.collect = [e = ep->get()] { return e->collect(); };
    auto cons = harness_http::http_consumer::create(std::move(ho));
    harness::reported_contract rc;
    rc.file = o.contracts[i];
    if (!cons) {
      rc.result.name = l.contract.name;
      rc.result.error = cons.error();
      config_error = true;
      reports.push_back(std::move(rc));
      continue;
    }
    harness::check_options co;
    co.seed = o.seed;
    co.runs = o.runs;
    co.schedule = schedule;
    co.shrink = !o.no_shrink;
    co.max_shrink_tries = o.max_shrink_tries;
    co.validator = validator.get();
    int last_printed = -1;
    co.on_progress = [&](const harness::progress& p) {
      const int step = std::max(1, p.total / 10);
      const bool final = p.done == p.total;
      if (!tty && !final && p.done % step != 0) return;
      if (!tty && p.done == last_printed && p.phase != "shrinking") return;
      last_printed = p.done;
      streams.err << (tty ? "\r" : "") << p.contract << ": " << p.phase << " " << p.done << "/" << p.total
                  << " runs, " << p.violations << " violation(s)" << (tty ? "   " : "\n") << std::flush;
    };
    rc.result = harness::check_contract(l.contract, l.messages, **cons, co);
    if (tty) streams.err << "\n";
    rc.result.notes.insert(rc.result.notes.begin(), l.notes.begin(), l.notes.end());
    if ((*cons)->unexpected_exits() > 0)
      rc.result.notes.push_back("the consumer process exited on its own and was restarted");
    if (rc.result.error) config_error = true;
    // Save each shrunk schedule and say how to re-run it.
    for (const auto& v : rc.result.violations) {
      std::string command;
      if (v.minimal) {
        const fs::path file = fs::path(o.schedules_dir) / (l.contract.name + "." + v.check + ".schedule.json");
        if (write_file(file, faults::to_json(*v.minimal) + "\n", streams)) {
          command = "eventfabric test " + shell_quote(o.contracts[i]) + " --schedule " + shell_quote(file.string());
          if (o.schemas != "contracts") command += " --contracts " + shell_quote(o.schemas);
        }
      } else if (v.seed) {
        command = "eventfabric test " + shell_quote(o.contracts[i]) + " --seed " + std::to_string(*v.seed) + " --runs 1";
      }
      rc.reproduce.push_back(command);
    }
    print_result(rc, streams.out);
    reports.push_back(std::move(rc));
  }

  if (!o.report.empty() && !write_file(o.report, harness::report_json(reports), streams)) return 2;
  if (!o.junit.empty() && !write_file(o.junit, harness::report_junit(reports), streams)) return 2;
  bool violations = false;
  for (const auto& r : reports) violations = violations || !r.result.violations.empty();
  if (temporary && !violations && !config_error) fs::remove_all(workroot, ec);
  else streams.out << "consumer logs and working folders: " << workroot.string() << "\n";
  if (config_error) return 2;
  return violations ? 1 : 0;
}

}  // namespace

void add_test(CLI::App& app, io streams, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "test",
      "Prove consumers idempotent and schema-conformant: run each consumer contract's fixtures through the\n"
      "consumer once cleanly and then under seeded faults (duplicates, reordering, failures, lost acks,\n"
      "crashes), compare state and output, and shrink any failure to a minimal fault schedule.\n"
      "Exit codes: 0 every contract holds, 1 a violation was found, 2 usage or configuration error.");
  auto o = std::make_shared<test_opts>();
  cmd->add_option("contracts", o->contracts, "Consumer contract files (default: contracts/consumers/*.json)");
  cmd->add_option("--seed", o->seed, "Base seed of the faulty runs (run N uses seed+N-1; default: the contract's)");
  cmd->add_option("--runs", o->runs, "Number of faulty runs (default: the contract's)")->check(CLI::Range(0, 100000));
  cmd->add_option("--schedule", o->schedule, "Replay exactly this saved fault schedule (JSON) in one faulty run");
  cmd->add_option("--report", o->report, "Write the JSON report to FILE");
  cmd->add_option("--junit", o->junit, "Write a JUnit XML report to FILE");
  cmd->add_option("--contracts", o->schemas, "The schema folder (envelope.schema.json and <type>.json)")
      ->capture_default_str();
  cmd->add_option("--workdir", o->workdir, "Where consumer working folders and logs go (default: a temporary folder, "
                                           "removed when everything passes)");
  cmd->add_option("--schedules-dir", o->schedules_dir, "Where minimal schedules are saved")->capture_default_str();
  cmd->add_option("--timeout-ms", o->timeout_ms, "Per-delivery timeout (default: the contract's delivery.timeout_ms)")
      ->check(CLI::Range(int64_t{1}, int64_t{600'000}));
  cmd->add_option("--max-shrink-tries", o->max_shrink_tries, "Re-runs allowed when shrinking one violation")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_flag("--no-shrink", o->no_shrink, "Report violations without shrinking their schedules");
  cmd->callback([o, streams, &exit_code] { exit_code = run_tests(*o, streams); });
}

}  // namespace eventfabric::cli
