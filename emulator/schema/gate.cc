#include "emulator/schema/gate.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "emulator/core/names.h"
#include "emulator/schema/pii.h"
#include "emulator/schema/validator.h"

namespace eventfabric::schema {
namespace {

using json = nlohmann::json;
constexpr std::string_view kEnvelopeFile = "envelope.schema.json";

struct loaded {
  std::string file;
  std::string type;
  json doc;
  bool ok = false;
};

// "a.b.c.v3" -> {"a.b.c", 3}; {"", 0} when there is no version suffix.
std::pair<std::string, int> split_version(const std::string& type) {
  const auto dot = type.rfind('.');
  if (dot == std::string::npos || dot + 2 > type.size() || type[dot + 1] != 'v') return {"", 0};
  int n = 0;
  const char* first = type.data() + dot + 2;
  const char* last = type.data() + type.size();
  auto [p, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || p != last) return {"", 0};
  return {type.substr(0, dot), n};
}

std::string type_of(const std::string& file) {
  if (file == kEnvelopeFile) return "envelope";
  return file.size() > 5 && file.ends_with(".json") ? file.substr(0, file.size() - 5) : file;
}

// The platform rule for event types, as load_contracts applies it: dotted lower
// case with a version suffix (domain.entity.event.vN; more segments allowed).
core::result<void> check_type_name(const std::string& type) { return core::check_event_type(type); }

std::string join_changes(const std::vector<change>& changes, bool with_version) {
  std::string out;
  for (const auto& c : changes) {
    out += "\n  " + c.to_string();
    if (with_version && c.against_version > 0)
      out += " (" + c.direction + ", against base version " + std::to_string(c.against_version) + ")";
    if (!c.explanation.empty()) out += ": " + c.explanation;
  }
  return out;
}

}  // namespace

gate_report run_gate(const std::vector<contract_file>& current,
                     const std::optional<std::vector<contract_file>>& base, const gate_options& options) {
  gate_report report;
  const bool strict = options.strict;

  // 1. Load the folder.
  std::map<std::string, loaded> folder;  // by type
  bool have_envelope = false;
  for (const auto& f : current) {
    const std::string type = type_of(f.name);
    gate_type t{type, f.name, "new", std::nullopt, {}, 0};
    if (f.name == kEnvelopeFile) have_envelope = true;
    if (f.name != kEnvelopeFile) {
      if (auto ok = check_type_name(type); !ok) {
        report.errors.push_back(
            {"BAD_NAME", f.name, "", "",
             "the file name must be <event type>.json (or envelope.schema.json): " + ok.error().message});
        continue;
      }
    }
    loaded l{f.name, type, json::parse(f.text, nullptr, /*allow_exceptions=*/false), false};
    if (l.doc.is_discarded()) {
      report.errors.push_back({"LOAD_FAILED", f.name, type, "", f.name + " is not valid JSON (or not UTF-8)"});
      t.status = "invalid";
    } else if (auto compiled = compiled_schema::compile(l.doc); !compiled) {
      report.errors.push_back(
          {"LOAD_FAILED", f.name, type, "", f.name + " does not compile: " + compiled.error().message});
      t.status = "invalid";
    } else {
      l.ok = true;
      for (auto& p : find_unclassified_pii(l.doc)) {
        gate_finding finding{"PII_UNCLASSIFIED", f.name, type, p.pointer,
                             p.message + "; add \"x-pii\": true (personal data) or \"x-pii\": false"};
        (strict ? report.errors : report.warnings).push_back(std::move(finding));
      }
    }
    report.types.push_back(std::move(t));
    folder.emplace(type, std::move(l));
  }
  if (!have_envelope)
    report.errors.push_back({"MISSING_ENVELOPE", std::string(kEnvelopeFile), "envelope", "",
                             "the contracts folder has no envelope.schema.json"});

  // 2. Load the base: every parsable version of every file, oldest first.
  std::map<std::string, std::vector<json>> base_versions;  // by type
  std::map<std::string, std::string> base_files;           // type -> file name
  if (base) {
    for (const auto& f : *base) {
      const std::string type = type_of(f.name);
      if (f.name != kEnvelopeFile && !check_type_name(type)) continue;  // not a contract in the base either
      base_files[type] = f.name;
      json doc = json::parse(f.text, nullptr, false);
      if (doc.is_discarded()) {
        report.warnings.push_back({"BASE_UNREADABLE", f.name, type, "",
                                   "a base version of " + f.name + " is not valid JSON; it is not compared"});
        continue;
      }
      auto& versions = base_versions[type];
      if (versions.empty() || versions.back() != doc) versions.push_back(std::move(doc));
    }
  }

  // 3. Compare each loaded schema with its base versions.
  for (auto& t : report.types) {
    const loaded& l = folder.at(t.type);
    if (!l.ok || !base) continue;
    auto it = base_versions.find(t.type);
    if (it == base_versions.end() || it->second.empty()) continue;  // new
    const auto& previous = it->second;
    t.base_versions = static_cast<int>(previous.size());
    t.status = previous.back() == l.doc ? "unchanged" : "changed";
    if (t.status == "unchanged") {  // judged when it was introduced; an old break in the history is not this change's
      t.compatible = true;
      continue;
    }
    compat_result r = check_compatibility(l.doc, previous, options.mode, options.lenient);
    t.compatible = r.compatible;
    for (const auto& c : r.changes) t.changes.push_back(c.to_string());
    if (r.compatible) continue;
    std::string message;
    if (t.type == "envelope") {
      message = "envelope.schema.json breaks compatibility with the base (" +
                std::string(to_string(options.mode)) + "):" + join_changes(r.changes, true) +
                "\nThe envelope is shared by every event: make the change additive and backward compatible.";
    } else {
      const auto [stem, n] = split_version(t.type);
      const std::string next = stem + ".v" + std::to_string(n + 1);
      message = t.type + " breaks compatibility with the base (" + std::string(to_string(options.mode)) +
                "):" + join_changes(r.changes, true) + "\nA breaking change needs a new version: publish it as " +
                next + " (contracts/" + next + ".json) and keep " + t.type + " unchanged until its consumers move.";
    }
    report.errors.push_back({"INCOMPATIBLE_CHANGE", t.file, t.type,
                             r.changes.empty() ? "" : r.changes.front().pointer, std::move(message)});
  }

  // 4. Types removed since the base.
  if (base) {
    for (const auto& [type, file] : base_files) {
      if (folder.contains(type)) continue;
      report.types.push_back({type, file, "removed", std::nullopt, {}, 0});
      if (type == "envelope") continue;  // MISSING_ENVELOPE says it
      report.errors.push_back(
          {"TYPE_REMOVED", file, type, "",
           type + " exists in the base but was removed; consumers may still depend on it. Keep " + file +
               " until no consumer reads the type (a breaking change is a new .vN, not a removal)."});
    }
  }

  // 5. New major versions: information about what changed since the previous one.
  for (const auto& t : report.types) {
    if (t.status != "new" || t.type == "envelope") continue;
    const loaded& l = folder.at(t.type);
    const auto [stem, n] = split_version(t.type);
    if (!l.ok || n <= 1) continue;
    const std::string prev = stem + ".v" + std::to_string(n - 1);
    const json* previous = nullptr;
    if (auto f = folder.find(prev); f != folder.end() && f->second.ok) previous = &f->second.doc;
    else if (auto b = base_versions.find(prev); b != base_versions.end() && !b->second.empty())
      previous = &b->second.back();
    if (!previous) {
      report.warnings.push_back({"VERSION_GAP", t.file, t.type, "",
                                 t.type + " is new but there is no " + prev + " to succeed"});
      continue;
    }
    compat_result r = check_compatibility(l.doc, {*previous}, options.mode, options.lenient);
    std::string message = r.compatible
                              ? t.type + " is compatible with " + prev + " (" + std::string(to_string(options.mode)) +
                                    "); a new version was not required"
                              : t.type + " is a new version of " + prev + "; its breaking changes are allowed:" +
                                    join_changes(r.changes, false);
    report.info.push_back({"NEW_VERSION_CHANGES", t.file, t.type, "", std::move(message)});
  }

  std::sort(report.types.begin(), report.types.end(), [](const gate_type& a, const gate_type& b) {
    if ((a.type == "envelope") != (b.type == "envelope")) return a.type == "envelope";
    return a.type < b.type;
  });
  return report;
}

}  // namespace eventfabric::schema
