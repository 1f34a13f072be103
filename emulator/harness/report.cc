#include "emulator/harness/report.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

namespace eventfabric::harness {

namespace {

using json = nlohmann::json;

json schedule_json(const faults::schedule& s) { return json::parse(faults::to_json(s)); }

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') out += "?";
        else out += ch;
    }
  }
  return out;
}

const char* const kChecks[] = {"schema", "idempotency", "output", "error-contract"};

// A check fails when it has a violation, or when the contract could not run at all.
bool failed(const contract_result& r, std::string_view check) {
  return r.error.has_value() || std::ranges::any_of(r.violations, [&](const violation& v) { return v.check == check; });
}

std::size_t failures_of(const contract_result& r) {
  return static_cast<std::size_t>(std::ranges::count_if(kChecks, [&](const char* c) { return failed(r, c); }));
}

}  // namespace

std::string report_json(const std::vector<reported_contract>& contracts) {
  json list = json::array();
  for (const auto& rc : contracts) {
    const auto& r = rc.result;
    json violations = json::array();
    for (std::size_t i = 0; i < r.violations.size(); ++i) {
      const auto& v = r.violations[i];
      json d = json::parse(v.diff, nullptr, false);
      json one = {{"check", v.check},
                  {"run", v.run},
                  {"seed", v.seed ? json(*v.seed) : json(nullptr)},
                  {"message", v.message},
                  {"schedule", schedule_json(v.schedule)},
                  {"minimal_schedule", v.minimal ? schedule_json(*v.minimal) : json(nullptr)},
                  {"shrink_tries", v.shrink_tries},
                  {"diff", d.is_discarded() ? json(v.diff) : d}};
      if (i < rc.reproduce.size() && !rc.reproduce[i].empty()) one["reproduce"] = rc.reproduce[i];
      violations.push_back(std::move(one));
    }
    json c = {{"name", r.name},         {"file", rc.file},           {"passed", r.passed && !r.error},
              {"runs", r.runs},         {"deliveries", r.deliveries}, {"notes", r.notes},
              {"violations", violations}};
    if (r.error) c["error"] = r.error->message;
    list.push_back(std::move(c));
  }
  return json{{"contracts", std::move(list)}}.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string report_junit(const std::vector<reported_contract>& contracts) {
  std::ostringstream x;
  std::size_t tests = 0, failures = 0;
  for (const auto& rc : contracts) {
    tests += std::size(kChecks);
    failures += failures_of(rc.result);
  }
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"eventfabric test\" tests=\"" << tests << "\" failures=\"" << failures << "\">\n";
  for (const auto& rc : contracts) {
    const auto& r = rc.result;
    x << "  <testsuite name=\"" << xml_escape(r.name) << "\" tests=\"" << std::size(kChecks) << "\" failures=\""
      << failures_of(r) << "\" file=\"" << xml_escape(rc.file) << "\">\n";
    for (const char* check : kChecks) {
      x << "    <testcase classname=\"" << xml_escape(r.name) << "\" name=\"" << check << "\">";
      std::ostringstream body;
      std::size_t n = 0;
      if (r.error) {
        ++n;
        body << r.error->message << "\n";
      }
      for (std::size_t i = 0; i < r.violations.size(); ++i) {
        const auto& v = r.violations[i];
        if (v.check != check) continue;
        ++n;
        body << "run " << v.run;
        if (v.seed) body << " (seed " << *v.seed << ")";
        body << ": " << v.message << "\n";
        if (v.minimal) body << "minimal schedule: " << faults::to_json(*v.minimal) << "\n";
        body << "diff: " << v.diff << "\n";
        if (i < rc.reproduce.size() && !rc.reproduce[i].empty()) body << "reproduce: " << rc.reproduce[i] << "\n";
      }
      if (n > 0) {
        x << "\n      <failure message=\"" << n << " violation(s) of " << check << "\">" << xml_escape(body.str())
          << "</failure>\n    ";
      }
      x << "</testcase>\n";
    }
    if (!r.notes.empty()) {
      x << "    <system-out>";
      for (const auto& note : r.notes) x << xml_escape(note) << "\n";
      x << "</system-out>\n";
    }
    x << "  </testsuite>\n";
  }
  x << "</testsuites>\n";
  return x.str();
}

}  // namespace eventfabric::harness
