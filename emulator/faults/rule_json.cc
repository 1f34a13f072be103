// Rule JSON (see rule.h): parsing with errors that name the JSON pointer of
// the offending value, and the canonical rendering.
#include <nlohmann/json.hpp>

#include "emulator/core/text.h"
#include "emulator/faults/rule.h"

namespace eventfabric::faults {

namespace {

using json = nlohmann::json;

bool is_param_of(std::string_view field, fault_kind k) {
  if (field == "window" || field == "allow_same_key") return k == fault_kind::reorder;
  if (field == "delay_ms") return k == fault_kind::delay;
  if (field == "after_append") return k == fault_kind::produce_error;
  return false;
}

core::result<rule> parse_rule(const json& j, const std::string& at) {
  if (!j.is_object()) return core::fail_at(at, "a rule must be an object");
  rule r;
  // kind first: which parameters are allowed depends on it.
  auto k = j.find("kind");
  if (k == j.end()) return core::fail_at(at, "missing \"kind\"");
  if (!k->is_string()) return core::fail_at(at + "/kind", "kind must be a string");
  auto kind = parse_kind(k->get_ref<const std::string&>());
  if (!kind) return core::fail_at(at + "/kind", "unknown fault kind \"" + k->get<std::string>() + "\"");
  r.kind = *kind;
  bool has_target = false;
  for (const auto& [key, v] : j.items()) {
    const std::string p = at + "/" + core::escape_pointer_token(key);
    if (key == "kind") continue;
    if (key == "id") {
      if (!v.is_string()) return core::fail_at(p, "id must be a string");
      r.id = v.get<std::string>();
    } else if (auto t = parse_target_type(key)) {
      if (has_target) return core::fail_at(p, "a rule has exactly one target (topic, queue, subscription or consumer)");
      if (!v.is_string() || v.get_ref<const std::string&>().empty())
        return core::fail_at(p, "the target must be a non-empty name or \"*\"");
      has_target = true;
      r.on = *t;
      r.name = v.get<std::string>();
    } else if (key == "probability") {
      if (!v.is_number()) return core::fail_at(p, "probability must be a number");
      const double d = v.get<double>();
      if (!(d >= 0.0 && d <= 1.0)) return core::fail_at(p, "probability must be within [0, 1]");
      r.probability = d;
    } else if (key == "positions") {
      if (!v.is_array() || v.empty()) return core::fail_at(p, "positions must be a non-empty array of integers >= 1");
      if (v.size() > kMaxPositions) return core::fail_at(p, "too many positions");
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number_integer() || v[i].get<int64_t>() < 1)
          return core::fail_at(p + "/" + std::to_string(i), "a position must be an integer >= 1");
        r.positions.push_back(v[i].get<int64_t>());
      }
    } else if (is_param_of(key, r.kind)) {
      if (key == "window") {
        if (!v.is_number_integer()) return core::fail_at(p, "window must be an integer");
        const int64_t w = v.get<int64_t>();
        if (w < 1 || w > kMaxWindow)
          return core::fail_at(p, "window must be within [1, " + std::to_string(kMaxWindow) + "]");
        r.window = static_cast<int32_t>(w);
      } else if (key == "delay_ms") {
        if (!v.is_number_integer()) return core::fail_at(p, "delay_ms must be an integer");
        const int64_t d = v.get<int64_t>();
        if (d < 0 || d > kMaxDelayMs)
          return core::fail_at(p, "delay_ms must be within [0, " + std::to_string(kMaxDelayMs) + "]");
        r.delay_ms = d;
      } else {
        if (!v.is_boolean()) return core::fail_at(p, key + " must be a boolean");
        (key == "allow_same_key" ? r.allow_same_key : r.after_append) = v.get<bool>();
      }
    } else if (key == "window" || key == "allow_same_key" || key == "delay_ms" || key == "after_append") {
      return core::fail_at(p, "\"" + key + "\" is not a parameter of kind " + std::string(kind_name(r.kind)));
    } else {
      return core::fail_at(p, "unknown field \"" + key + "\"");
    }
  }
  if (!has_target) return core::fail_at(at, "missing target: one of topic, queue, subscription or consumer");
  if (r.probability.has_value() == !r.positions.empty())
    return core::fail_at(at, "a rule needs exactly one of probability or positions");
  if (auto ok = validate(r); !ok) {
    const std::string field(ok.error().detail("field"));
    return core::fail_at(at + "/" + field, ok.error().message);
  }
  return r;
}

core::result<std::vector<rule>> parse_rules(const json& j, const std::string& at) {
  if (!j.is_array()) return core::fail_at(at, "rules must be an array");
  std::vector<rule> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    auto r = parse_rule(j[i], at + "/" + std::to_string(i));
    if (!r) return std::unexpected(r.error());
    out.push_back(std::move(*r));
  }
  return out;
}

json rule_json(const rule& r) {
  json j = json::object();
  if (!r.id.empty()) j["id"] = r.id;
  j["kind"] = kind_name(r.kind);
  j[std::string(target_type_name(r.on))] = r.name;
  if (r.probability)
    j["probability"] = *r.probability;
  else
    j["positions"] = r.positions;
  if (r.kind == fault_kind::reorder) {
    j["window"] = r.window;
    j["allow_same_key"] = r.allow_same_key;
  }
  if (r.kind == fault_kind::delay) j["delay_ms"] = r.delay_ms;
  if (r.kind == fault_kind::produce_error) j["after_append"] = r.after_append;
  return j;
}

}  // namespace

core::result<fault_config> config_from_json(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return core::fail_at("", "not valid JSON");
  fault_config c;
  if (j.is_array()) {
    auto rules = parse_rules(j, "");
    if (!rules) return std::unexpected(rules.error());
    c.rules = std::move(*rules);
    return c;
  }
  if (!j.is_object()) return core::fail_at("", "expected an object {\"seed\", \"rules\"} or an array of rules");
  for (const auto& [key, v] : j.items()) {
    if (key == "seed") {
      if (!v.is_number_unsigned()) return core::fail_at("/seed", "seed must be a non-negative integer");
      c.seed = v.get<uint64_t>();
    } else if (key == "rules") {
      auto rules = parse_rules(v, "/rules");
      if (!rules) return std::unexpected(rules.error());
      c.rules = std::move(*rules);
    } else {
      return core::fail_at("/" + core::escape_pointer_token(key), "unknown field \"" + key + "\"");
    }
  }
  return c;
}

std::string to_json(const fault_config& c) {
  json j = json::object();
  if (c.seed) j["seed"] = *c.seed;
  json rules = json::array();
  for (const auto& r : c.rules) rules.push_back(rule_json(r));
  j["rules"] = std::move(rules);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace eventfabric::faults
