#include "emulator/push/definition.h"
#include "emulator/core/text.h"

#include <nlohmann/json.hpp>
#include <set>


namespace eventfabric::push {

namespace {

using json = nlohmann::json;

const std::set<std::string, std::less<>> kFields = {
    "name",        "topic",           "group",        "start",      "queue",          "url",
    "initial_delay_ms", "multiplier", "max_delay_ms", "max_attempts", "jitter",       "jitter_fraction",
    "blocking",    "quarantine_after", "quarantine_after_same_failures", "timeout_ms", "read_ahead", "$comment"};

std::unexpected<core::error> bad(std::string_view pointer, const std::string& field, const std::string& msg) {
  const std::string where = pointer.empty() ? std::string() : std::string(pointer) + "/" + field + ": ";
  return core::fail(core::errc::invalid_argument, where + msg, {{"field", field}});
}

// Reads an optional field of one JSON type; the error names the field.
struct reader {
  const json& obj;
  std::string_view pointer;

  core::result<std::optional<std::string>> str(const char* f) const {
    if (!obj.contains(f)) return std::nullopt;
    if (!obj[f].is_string()) return bad(pointer, f, std::string(f) + " must be a string");
    return obj[f].get<std::string>();
  }
  core::result<std::optional<int64_t>> integer(const char* f, int64_t lo, int64_t hi) const {
    if (!obj.contains(f)) return std::nullopt;
    const json& v = obj[f];
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
      return bad(pointer, f, std::string(f) + " must be an integer within [" + std::to_string(lo) + ", " +
                                 std::to_string(hi) + "]");
    return v.get<int64_t>();
  }
  core::result<std::optional<double>> number(const char* f) const {
    if (!obj.contains(f)) return std::nullopt;
    if (!obj[f].is_number()) return bad(pointer, f, std::string(f) + " must be a number");
    return obj[f].get<double>();
  }
  core::result<std::optional<bool>> boolean(const char* f) const {
    if (!obj.contains(f)) return std::nullopt;
    if (!obj[f].is_boolean()) return bad(pointer, f, std::string(f) + " must be true or false");
    return obj[f].get<bool>();
  }
};

std::string_view jitter_name(delivery::jitter_mode m) {
  switch (m) {
    case delivery::jitter_mode::full: return "full";
    case delivery::jitter_mode::proportional: return "proportional";
    case delivery::jitter_mode::none: break;
  }
  return "none";
}

// Fills `d` from `r`; every error names its field.
core::result<void> read_fields(const reader& r, definition& d) {
  auto name = r.str("name");
  if (!name) return std::unexpected(name.error());
  if (!*name || (*name)->empty()) return bad(r.pointer, "name", "a subscription needs a non-empty name");
  if ((*name)->size() > 200 ||
      (*name)->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos)
    return bad(r.pointer, "name", "name must be 1 to 200 characters among letters, digits, '.', '_' and '-'");
  d.name = **name;
  auto topic = r.str("topic");
  auto queue = r.str("queue");
  auto group = r.str("group");
  auto start = r.str("start");
  auto url = r.str("url");
  for (auto* s : {&topic, &queue, &group, &start, &url})
    if (!*s) return std::unexpected(s->error());
  if (topic->has_value() == queue->has_value())
    return bad(r.pointer, topic->has_value() ? "queue" : "topic", "give exactly one of topic and queue");
  if (topic->has_value()) {
    d.kind = delivery::source_kind::topic;
    d.source = **topic;
    d.group = group->value_or(d.name);
    if (d.group.empty()) return bad(r.pointer, "group", "group must not be empty");
    const std::string s = start->value_or("latest");
    if (s != "earliest" && s != "latest") return bad(r.pointer, "start", "start must be \"earliest\" or \"latest\"");
    d.start_earliest = s == "earliest";
  } else {
    if (group->has_value()) return bad(r.pointer, "group", "group applies to topic subscriptions only");
    if (start->has_value()) return bad(r.pointer, "start", "start applies to topic subscriptions only");
    d.kind = delivery::source_kind::queue;
    d.source = **queue;
  }
  if (d.source.empty()) return bad(r.pointer, d.kind == delivery::source_kind::topic ? "topic" : "queue", "the source name is empty");
  if (!url->has_value()) return bad(r.pointer, "url", "url (the webhook, http://host:port/path) is required");
  d.url = **url;
  if (auto u = core::parse_http_url(d.url); !u) return bad(r.pointer, "url", u.error().message);

  auto& o = d.options;
  o.name = d.name;
  o.consumer = d.name;
  auto& p = o.retry;
  auto initial = r.integer("initial_delay_ms", 0, delivery::kMaxDelayLimitMs);
  auto max_delay = r.integer("max_delay_ms", 0, delivery::kMaxDelayLimitMs);
  auto attempts = r.integer("max_attempts", 1, delivery::kMaxAttemptsLimit);
  auto q_after = r.integer("quarantine_after", 0, 1'000'000);
  auto q_same = r.integer("quarantine_after_same_failures", 0, 1'000'000);
  auto timeout = r.integer("timeout_ms", 1, kMaxTimeoutMs);
  auto ahead = r.integer("read_ahead", 1, kMaxReadAhead);
  for (auto* v : {&initial, &max_delay, &attempts, &q_after, &q_same, &timeout, &ahead})
    if (!*v) return std::unexpected(v->error());
  auto multiplier = r.number("multiplier");
  if (!multiplier) return std::unexpected(multiplier.error());
  auto fraction = r.number("jitter_fraction");
  if (!fraction) return std::unexpected(fraction.error());
  auto jitter = r.str("jitter");
  if (!jitter) return std::unexpected(jitter.error());
  auto blocking = r.boolean("blocking");
  if (!blocking) return std::unexpected(blocking.error());

  if (*initial) p.initial_delay_ms = **initial;
  if (*max_delay) p.max_delay_ms = **max_delay;
  if (*attempts) p.max_attempts = static_cast<int32_t>(**attempts);
  if (*multiplier) p.multiplier = **multiplier;
  if (*fraction) p.jitter_fraction = **fraction;
  if (*jitter) {
    if (**jitter == "none") p.jitter = delivery::jitter_mode::none;
    else if (**jitter == "full") p.jitter = delivery::jitter_mode::full;
    else if (**jitter == "proportional") p.jitter = delivery::jitter_mode::proportional;
    else return bad(r.pointer, "jitter", "jitter must be \"none\", \"full\" or \"proportional\"");
  }
  if (*blocking) o.blocking = **blocking;
  if (*q_after) o.quarantine_after = static_cast<int32_t>(**q_after);
  if (*q_same) o.quarantine_after_same_failures = static_cast<int32_t>(**q_same);
  if (*timeout) d.timeout_ms = **timeout;
  if (*ahead) d.read_ahead = static_cast<int32_t>(**ahead);
  if (auto ok = delivery::validate(o); !ok) {
    const std::string field = ok.error().details.empty() ? "retry" : ok.error().details.front().second;
    return bad(r.pointer, field, ok.error().message);
  }
  return {};
}

}  // namespace

bool definition::operator==(const definition& o) const { return to_json(*this) == to_json(o); }

core::result<definition> parse_definition(std::string_view json_text, std::string_view pointer) {
  const json obj = json::parse(json_text, nullptr, false);
  if (obj.is_discarded() || !obj.is_object())
    return core::fail(core::errc::invalid_argument,
                      std::string(pointer) + (pointer.empty() ? "" : ": ") + "a subscription is a JSON object");
  for (const auto& [k, v] : obj.items())
    if (!kFields.contains(k)) return bad(pointer, k, "unknown field '" + k + "'");
  definition d;
  if (auto ok = read_fields(reader{obj, pointer}, d); !ok) return std::unexpected(ok.error());
  return d;
}

std::string to_json(const definition& d) {
  json j = {{"name", d.name}};
  if (d.kind == delivery::source_kind::topic) {
    j["topic"] = d.source;
    j["group"] = d.group;
    j["start"] = d.start_earliest ? "earliest" : "latest";
  } else {
    j["queue"] = d.source;
  }
  const auto& p = d.options.retry;
  j["url"] = d.url;
  j["initial_delay_ms"] = p.initial_delay_ms;
  j["multiplier"] = p.multiplier;
  j["max_delay_ms"] = p.max_delay_ms;
  j["max_attempts"] = p.max_attempts;
  j["jitter"] = jitter_name(p.jitter);
  j["jitter_fraction"] = p.jitter_fraction;
  j["blocking"] = d.options.blocking;
  j["quarantine_after"] = d.options.quarantine_after;
  j["quarantine_after_same_failures"] = d.options.quarantine_after_same_failures;
  j["timeout_ms"] = d.timeout_ms;
  j["read_ahead"] = d.read_ahead;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace eventfabric::push
