// `eventfabric schema validate | compat | register` (check is in schema_check.cc).
// Exit codes: 0 ok, 1 the data failed the check (an invalid instance, an
// incompatible schema, a schema the registry refused), 2 usage, I/O or
// schema error (including an unreachable registry).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <functional>
#include <filesystem>
#include <fstream>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "cli/client_util.h"
#include "cli/schema_cmds.h"
#include "emulator/schema/compat.h"
#include "emulator/schema/contracts.h"
#include "emulator/schema/envelope_validator.h"
#include "emulator/schema/validator.h"

namespace eventfabric::cli {

std::optional<std::string> read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

namespace {

using json = nlohmann::json;
using ordered = nlohmann::ordered_json;

std::string compact(const ordered& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A schema file as JSON; on failure prints why (naming the file) and returns nullopt.
std::optional<json> read_schema_json(const std::string& path, const char* command, io streams) {
  auto text = read_text_file(path);
  if (!text) {
    streams.err << "eventfabric schema " << command << ": cannot read schema file '" << path << "'\n";
    return std::nullopt;
  }
  try {
    return json::parse(*text);
  } catch (const json::exception& e) {
    streams.err << "eventfabric schema " << command << ": schema file '" << path << "' is not valid JSON: " << e.what()
                << "\n";
    return std::nullopt;
  }
}

// ---- validate ----------------------------------------------------------------

struct validate_opts {
  std::string schema, instances = "-", contracts = "contracts";
  bool envelope = false;
};

int validate_lines(std::istream& in, io streams,
                   const std::function<std::vector<schema::validation_error>(const json&)>& check) {
  std::string text;
  std::size_t number = 0;
  int code = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines are not instances
    std::vector<schema::validation_error> errors;
    try {
      errors = check(json::parse(text));
    } catch (const json::exception& e) {
      errors.push_back({"", "json", "line " + std::to_string(number) + " is not valid JSON: " + e.what()});
    }
    ordered errs = ordered::array();
    for (const auto& e : errors) errs.push_back({{"path", e.path}, {"keyword", e.keyword}, {"message", e.message}});
    streams.out << compact({{"valid", errors.empty()}, {"errors", std::move(errs)}, {"line", number}}) << "\n";
    if (!errors.empty()) code = 1;
  }
  if (in.bad()) {
    streams.err << "eventfabric schema validate: reading the instances failed\n";
    return 2;
  }
  return code;
}

int validate(const validate_opts& o, io streams) {
  std::function<std::vector<schema::validation_error>(const json&)> check;
  if (o.envelope) {
    auto loaded = schema::load_contracts(o.contracts);
    if (!loaded) {
      streams.err << "eventfabric schema validate: " << loaded.error().message << "\n";
      return 2;
    }
    auto validator = std::make_shared<schema::envelope_validator>(
        std::make_shared<const schema::contracts>(std::move(*loaded)));
    check = [validator](const json& doc) { return validator->validate(doc); };
  } else {
    if (o.schema.empty()) {
      streams.err << "eventfabric schema validate: --schema FILE is required (or --envelope --contracts DIR)\n";
      return 2;
    }
    auto doc = read_schema_json(o.schema, "validate", streams);
    if (!doc) return 2;
    auto compiled = schema::compiled_schema::compile(*doc);
    if (!compiled) {
      streams.err << "eventfabric schema validate: schema file '" << o.schema
                  << "' is not a usable JSON Schema: " << compiled.error().message << "\n";
      return 2;
    }
    for (const auto& w : compiled->warnings()) streams.err << "eventfabric schema validate: note: " << w << "\n";
    check = [s = std::move(*compiled)](const json& instance) { return s.validate(instance); };
  }
  if (o.instances == "-") return validate_lines(streams.in, streams, check);
  std::ifstream in(o.instances, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(o.instances, ec)) {
    streams.err << "eventfabric schema validate: cannot read instances file '" << o.instances << "'\n";
    return 2;
  }
  return validate_lines(in, streams, check);
}

// ---- compat ------------------------------------------------------------------

struct compat_opts {
  std::string old_file, new_file, mode = "BACKWARD";
  bool json_out = false, lenient = false;
};

int compat(const compat_opts& o, io streams) {
  auto mode = schema::parse_compat_mode(o.mode);
  if (!mode) {
    streams.err << "eventfabric schema compat: unknown --mode '" << o.mode
                << "' (BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE)\n";
    return 2;
  }
  auto old_doc = read_schema_json(o.old_file, "compat", streams);
  if (!old_doc) return 2;
  auto new_doc = read_schema_json(o.new_file, "compat", streams);
  if (!new_doc) return 2;
  // A schema that cannot be loaded is an error naming its file, not a verdict.
  for (const auto* f : {&o.old_file, &o.new_file}) {
    const json& doc = f == &o.old_file ? *old_doc : *new_doc;
    if (auto loads = schema::diff(doc, doc); !loads) {
      streams.err << "eventfabric schema compat: schema file '" << *f
                  << "' cannot be loaded: " << loads.error().message << "\n";
      return 2;
    }
  }
  const auto r = schema::check_compatibility(*new_doc, {*old_doc}, *mode, o.lenient);
  const bool both_directions = *mode == schema::compat_mode::full || *mode == schema::compat_mode::full_transitive;
  if (o.json_out) {
    ordered changes = ordered::array();
    for (const auto& c : r.changes) changes.push_back(c.to_string());
    streams.out << compact({{"compatible", r.compatible},
                            {"changes", std::move(changes)},
                            {"mode", std::string(schema::to_string(*mode))}})
                << "\n";
  } else {
    streams.out << (r.compatible ? "compatible" : "incompatible") << " (" << schema::to_string(*mode)
                << (o.lenient ? ", lenient" : "") << "): " << o.old_file << " -> " << o.new_file << "\n";
    if (!r.changes.empty())
      streams.out << r.changes.size() << " breaking change" << (r.changes.size() == 1 ? "" : "s") << ":\n";
    for (const auto& c : r.changes) {
      streams.out << "  " << c.to_string();
      if (both_directions) streams.out << " (" << c.direction << ")";
      streams.out << "\n      " << c.explanation << "\n";
    }
  }
  return r.compatible ? 0 : 1;
}

// ---- register ----------------------------------------------------------------

struct register_opts {
  std::string url, contracts = "contracts", suffix = "-value", envelope_subject;
};

std::string encode_path_segment(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

int register_all(const register_opts& o, io streams) {
  // Load first: a folder that does not pass the load rules is not sent anywhere.
  auto loaded = schema::load_contracts(o.contracts);
  if (!loaded) {
    streams.err << "eventfabric schema register: " << loaded.error().message << "\n";
    return 2;
  }
  std::vector<std::pair<std::string, std::filesystem::path>> subjects;  // subject, file
  if (!o.envelope_subject.empty())
    subjects.emplace_back(o.envelope_subject, loaded->dir() / "envelope.schema.json");
  for (const auto& type : loaded->types()) subjects.emplace_back(type + o.suffix, loaded->dir() / (type + ".json"));

  auto c = connect_or_report(o.url, "schema register", streams);
  if (!c) return 2;
  int code = 0;
  for (const auto& [subject, file] : subjects) {
    auto text = read_text_file(file.string());
    if (!text) {
      streams.err << "eventfabric schema register: cannot read '" << file.string() << "'\n";
      return 2;
    }
    const std::string body = compact(ordered{{"schemaType", "JSON"}, {"schema", *text}});
    auto r = c->call("POST", "/subjects/" + encode_path_segment(subject) + "/versions", body,
                     "application/vnd.schemaregistry.v1+json");
    if (!r) {
      streams.err << "eventfabric schema register: " << r.error().message << "\n";
      return 2;
    }
    auto reply = json::parse(r->body, nullptr, false);
    if (r->status >= 200 && r->status < 300 && reply.is_object() && reply.contains("id")) {
      streams.out << compact({{"subject", subject}, {"id", reply["id"]}, {"file", file.filename().string()}}) << "\n";
      continue;
    }
    // Confluent's error body is {"error_code":N,"message":".."}; ours on other routes is the error contract.
    std::string message = r->body;
    if (reply.is_object() && reply.contains("message") && reply["message"].is_string())
      message = reply["message"].get<std::string>();
    else if (reply.is_object() && reply.contains("error") && reply["error"].is_object())
      message = reply["error"].value("message", r->body);
    streams.err << "eventfabric schema register: " << subject << " (" << file.filename().string()
                << ") refused: HTTP " << r->status << " " << message << "\n";
    if (r->status >= 500 || r->status < 400 || r->status == 404) return 2;  // not a verdict on the schema
    code = 1;
  }
  return code;
}

}  // namespace

void add_schema(CLI::App& app, io streams, int& exit_code) {
  auto* group = app.add_subcommand(
      "schema",
      "JSON Schema tools: validate instances, check compatibility, the CI schema gate, register with a registry.");
  group->require_subcommand(1);

  // validate
  auto vo = std::make_shared<validate_opts>();
  auto* v = group->add_subcommand(
      "validate",
      "Validate JSON instances (JSON Lines, one per line; blank lines skipped) against a JSON Schema.\n"
      "Prints one JSON line per instance: {\"valid\":bool,\"errors\":[{\"path\",\"keyword\",\"message\"}],\"line\":N}.\n"
      "A line that is not JSON is an invalid instance (keyword \"json\").\n"
      "Exit 0 when all are valid, 1 when any is invalid, 2 on a usage, I/O or schema error.");
  auto* schema_opt = v->add_option("--schema", vo->schema, "The JSON Schema file (draft-07, or 2020-12 via $schema)");
  auto* env_opt = v->add_flag("--envelope", vo->envelope,
                              "Each instance is a platform envelope: validate it and its payload against the contracts "
                              "folder (envelope.schema.json and <type>.json)");
  v->add_option("--contracts", vo->contracts, "Contracts folder for --envelope")->capture_default_str();
  schema_opt->excludes(env_opt);
  v->add_option("INSTANCES", vo->instances, "JSON Lines file of instances, or - for standard input")
      ->capture_default_str();
  v->callback([vo, streams, &exit_code] { exit_code = validate(*vo, streams); });

  // compat
  auto co = std::make_shared<compat_opts>();
  auto* c = group->add_subcommand(
      "compat",
      "May NEW replace OLD? Checks two JSON Schemas as Confluent Schema Registry does and explains each breaking\n"
      "change (TYPE #/pointer and a sentence). Exit 0 compatible, 1 incompatible, 2 error.\n"
      "--json prints {\"compatible\":bool,\"changes\":[\"TYPE #/pointer\",...],\"mode\":\"BACKWARD\"}.");
  c->add_option("OLD", co->old_file, "The registered (previous) schema file")->required();
  c->add_option("NEW", co->new_file, "The candidate schema file")->required();
  c->add_option("--mode", co->mode,
                "Compatibility mode, Confluent names, any case: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, "
                "FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE")
      ->capture_default_str();
  c->add_flag("--json", co->json_out, "Print one JSON object instead of the readable report");
  c->add_flag("--lenient", co->lenient, "Use Confluent's lenient compatible set (e.g. open content model additions)");
  c->callback([co, streams, &exit_code] { exit_code = compat(*co, streams); });

  add_schema_check(*group, streams, exit_code);

  // register
  auto ro = std::make_shared<register_opts>();
  auto* r = group->add_subcommand(
      "register",
      "Register every contracts/<type>.json as subject <type>-value (as `serve --contracts` does) with a running\n"
      "eventfabric or any Confluent-compatible schema registry (POST /subjects/{subject}/versions, schemaType JSON).\n"
      "Prints one JSON line per subject: {\"subject\",\"id\",\"file\"}. The envelope is registered only with\n"
      "--envelope-subject. Exit 0 all registered, 1 the registry refused one (e.g. 409 incompatible),\n"
      "2 usage, contracts or connection error.");
  add_url_option(r, ro->url);
  r->add_option("--contracts", ro->contracts, "Contracts folder")->capture_default_str();
  r->add_option("--subject-suffix", ro->suffix, "Appended to each event type to form its subject")
      ->capture_default_str();
  r->add_option("--envelope-subject", ro->envelope_subject,
                "Also register envelope.schema.json under this subject (e.g. envelope)");
  r->callback([ro, streams, &exit_code] { exit_code = register_all(*ro, streams); });
}

}  // namespace eventfabric::cli
