#include "emulator/core/envelope.h"

#include <nlohmann/json.hpp>

#include "emulator/core/names.h"

namespace eventfabric::core {
namespace {

using json = nlohmann::json;

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int digits(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool all_digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i)
    if (!is_digit(s[i])) return false;
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

using kind = envelope_view::kind;

// True when `f` is a non-empty string; otherwise records why not.
bool require_string(const envelope_view::field& f, const char* field, std::vector<violation>& out) {
  if (f.k == kind::missing || f.k == kind::null) {
    out.push_back({field, std::string("Missing field ") + field});
  } else if (f.k != kind::string) {
    out.push_back({field, std::string("Field ") + field + " must be a string"});
  } else if (f.text.empty()) {
    out.push_back({field, std::string("Field ") + field + " must not be empty"});
  } else {
    return true;
  }
  return false;
}

void check_metadata(const envelope_view& view, std::vector<violation>& out) {
  if (view.metadata.k == kind::missing || view.metadata.k == kind::null) {
    out.push_back({"metadata", "Missing field metadata"});
    return;
  }
  if (view.metadata.k != kind::object) {
    out.push_back({"metadata", "Field metadata must be an object"});
    return;
  }
  for (const char* f : {"partition_key", "tenant_id"}) {
    const bool key = std::string_view(f) == "partition_key";
    const auto& v = key ? view.partition_key : view.tenant_id;
    if (v.k == kind::missing || v.k == kind::null) continue;
    if (v.k != kind::string || v.text.empty()) {
      const std::string path = std::string("metadata.") + f;
      out.push_back({path, "Field " + path + " must be a non-empty string"});
    }
  }
}

envelope_view::field field_of(const json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end()) return {};
  if (it->is_null()) return {kind::null, {}};
  if (it->is_string()) return {kind::string, it->get_ref<const std::string&>()};
  return {it->is_object() ? kind::object : kind::other, {}};
}

}  // namespace

bool is_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

bool is_trace_id(std::string_view s) noexcept {
  if (s.size() != 32) return false;
  bool nonzero = false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    nonzero = nonzero || c != '0';
  }
  return nonzero;
}

bool is_rfc3339(std::string_view s) noexcept {
  // full-date "T" full-time; time-offset "Z" / ("+" / "-") HH:MM  (RFC 3339 section 5.6)
  if (s.size() < 20 || !all_digits(s, 0, 4) || s[4] != '-' || !all_digits(s, 5, 2) || s[7] != '-' ||
      !all_digits(s, 8, 2) || (s[10] != 'T' && s[10] != 't') || !all_digits(s, 11, 2) || s[13] != ':' ||
      !all_digits(s, 14, 2) || s[16] != ':' || !all_digits(s, 17, 2))
    return false;
  const int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  const int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i >= s.size()) return false;
  if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
  if ((s[i] != '+' && s[i] != '-') || s.size() != i + 6 || !all_digits(s, i + 1, 2) || s[i + 3] != ':' ||
      !all_digits(s, i + 4, 2))
    return false;
  return digits(s, i + 1, 2) <= 23 && digits(s, i + 4, 2) <= 59;
}

envelope_check check_envelope(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    envelope_check out;
    out.violations.push_back({"", "The message is not valid JSON (or not valid UTF-8)"});
    return out;
  }
  return check_parsed_envelope(j);
}

envelope_check check_parsed_envelope(const json& j) {
  envelope_view view;
  view.object = j.is_object();
  if (view.object) {
    view.id = field_of(j, "id");
    view.type = field_of(j, "type");
    view.occurred_at = field_of(j, "occurred_at");
    view.source = field_of(j, "source");
    view.correlation_id = field_of(j, "correlation_id");
    view.trace_id = field_of(j, "trace_id");
    view.payload = field_of(j, "payload");
    view.metadata = field_of(j, "metadata");
    if (view.metadata.k == kind::object) {
      const json& md = j["metadata"];
      view.partition_key = field_of(md, "partition_key");
      view.tenant_id = field_of(md, "tenant_id");
    }
  }
  return check_envelope_view(view);
}

std::vector<violation> envelope_violations(const envelope_view& view) {
  std::vector<violation> v;
  if (!view.object) {
    v.push_back({"", "The envelope must be a JSON object"});
    return v;
  }
  if (require_string(view.id, "id", v) && !is_uuid(view.id.text)) v.push_back({"id", "Field id must be a UUID"});
  if (require_string(view.type, "type", v))
    if (auto ok = check_event_type(view.type.text); !ok) v.push_back({"type", ok.error().message});
  if (require_string(view.occurred_at, "occurred_at", v) && !is_rfc3339(view.occurred_at.text))
    v.push_back({"occurred_at", "Field occurred_at must be an RFC 3339 date-time, e.g. 2024-05-01T12:00:00Z"});
  require_string(view.source, "source", v);
  require_string(view.correlation_id, "correlation_id", v);
  if (require_string(view.trace_id, "trace_id", v) && !is_trace_id(view.trace_id.text))
    v.push_back({"trace_id", "Field trace_id must be a W3C trace id: 32 lower-case hex digits, not all zero"});
  if (view.payload.k == kind::missing || view.payload.k == kind::null)
    v.push_back({"payload", "Missing field payload"});
  else if (view.payload.k != kind::object)
    v.push_back({"payload", "Field payload must be an object"});
  check_metadata(view, v);
  return v;
}

envelope_check check_envelope_view(const envelope_view& view) {
  envelope_check out;
  out.violations = envelope_violations(view);
  if (!out.violations.empty()) return out;
  // Valid: every required field is a non-empty string, and the metadata
  // strings present are non-empty.
  envelope env;
  env.id = view.id.text;
  env.type = view.type.text;
  env.occurred_at = view.occurred_at.text;
  env.source = view.source.text;
  env.correlation_id = view.correlation_id.text;
  env.trace_id = view.trace_id.text;
  if (view.partition_key.k == kind::string) env.partition_key = std::string(view.partition_key.text);
  if (view.tenant_id.k == kind::string) env.tenant_id = std::string(view.tenant_id.text);
  out.value = std::move(env);
  return out;
}

error to_error(const std::vector<violation>& violations) {
  std::string message;
  for (const auto& v : violations) {
    if (!message.empty()) message += "; ";
    message += v.message;
  }
  std::vector<std::pair<std::string, std::string>> details;
  if (!violations.empty() && !violations.front().field.empty()) details.emplace_back("field", violations.front().field);
  if (violations.size() > 1) details.emplace_back("violations", std::to_string(violations.size()));
  return error{errc::validation_failed, message, std::move(details)};
}

result<envelope> parse_envelope(std::string_view json_text) {
  auto c = check_envelope(json_text);
  if (!c.ok()) return std::unexpected(to_error(c.violations));
  return std::move(*c.value);
}

}  // namespace eventfabric::core
