// The realised schedule as JSON: a list of faults (see fault.h).
#include <nlohmann/json.hpp>

#include "emulator/faults/fault.h"

namespace eventfabric::faults {

namespace {

using json = nlohmann::json;

json fault_json(const fault& f) {
  json j = {{"kind", kind_name(f.kind)},
            {"target", {{"type", target_type_name(f.tgt.type)}, {"name", f.tgt.name}}},
            {"position", f.position},
            {"message_id", f.message_id},
            {"time_ms", f.time_ms}};
  if (f.occurrence > 0) j["occurrence"] = f.occurrence;
  json params = json::object();
  if (f.kind == fault_kind::reorder) {
    params["lag"] = f.params.lag;
    params["allow_same_key"] = f.params.allow_same_key;
  }
  if (f.kind == fault_kind::delay) params["delay_ms"] = f.params.delay_ms;
  if (f.kind == fault_kind::produce_error) params["after_append"] = f.params.after_append;
  if (!params.empty()) j["params"] = std::move(params);
  return j;
}

core::result<fault> parse_fault(const json& j, const std::string& at) {
  if (!j.is_object()) return core::fail_at(at, "a fault must be an object");
  fault f;
  bool has_kind = false, has_target = false, has_position = false;
  for (const auto& [key, v] : j.items()) {
    const std::string p = at + "/" + key;
    if (key == "kind") {
      auto k = v.is_string() ? parse_kind(v.get_ref<const std::string&>()) : std::nullopt;
      if (!k) return core::fail_at(p, "unknown fault kind");
      f.kind = *k;
      has_kind = true;
    } else if (key == "target") {
      if (!v.is_object() || !v.contains("type") || !v.contains("name") || v.size() != 2)
        return core::fail_at(p, "target must be {\"type\", \"name\"}");
      auto t = v["type"].is_string() ? parse_target_type(v["type"].get_ref<const std::string&>()) : std::nullopt;
      if (!t) return core::fail_at(p + "/type", "unknown target type");
      if (!v["name"].is_string() || v["name"].get_ref<const std::string&>().empty())
        return core::fail_at(p + "/name", "name must be a non-empty string");
      f.tgt = {*t, v["name"].get<std::string>()};
      has_target = true;
    } else if (key == "position") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1) return core::fail_at(p, "position must be an integer >= 1");
      f.position = v.get<int64_t>();
      has_position = true;
    } else if (key == "message_id") {
      if (!v.is_string()) return core::fail_at(p, "message_id must be a string");
      f.message_id = v.get<std::string>();
    } else if (key == "occurrence") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1)
        return core::fail_at(p, "occurrence must be an integer >= 1");
      f.occurrence = v.get<int64_t>();
    } else if (key == "time_ms") {
      if (!v.is_number_integer()) return core::fail_at(p, "time_ms must be an integer");
      f.time_ms = v.get<int64_t>();
    } else if (key == "params") {
      if (!v.is_object()) return core::fail_at(p, "params must be an object");
      for (const auto& [pk, pv] : v.items()) {
        const std::string pp = p + "/" + pk;
        if (pk == "lag") {
          if (!pv.is_number_integer() || pv.get<int64_t>() < 0 || pv.get<int64_t>() > 1'000'000)
            return core::fail_at(pp, "lag must be a non-negative integer");
          f.params.lag = pv.get<int32_t>();
        } else if (pk == "delay_ms") {
          if (!pv.is_number_integer() || pv.get<int64_t>() < 0) return core::fail_at(pp, "delay_ms must be >= 0");
          f.params.delay_ms = pv.get<int64_t>();
        } else if (pk == "allow_same_key" || pk == "after_append") {
          if (!pv.is_boolean()) return core::fail_at(pp, pk + " must be a boolean");
          (pk == "allow_same_key" ? f.params.allow_same_key : f.params.after_append) = pv.get<bool>();
        } else {
          return core::fail_at(pp, "unknown parameter \"" + pk + "\"");
        }
      }
    } else {
      return core::fail_at(p, "unknown field \"" + key + "\"");
    }
  }
  if (!has_kind) return core::fail_at(at, "missing \"kind\"");
  if (!has_target) return core::fail_at(at, "missing \"target\"");
  if (!has_position) return core::fail_at(at, "missing \"position\"");
  return f;
}

}  // namespace

std::string to_json(const schedule& s) {
  json j = json::array();
  for (const auto& f : s) j.push_back(fault_json(f));
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

core::result<schedule> schedule_from_json(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return core::fail_at("", "not valid JSON");
  if (!j.is_array()) return core::fail_at("", "a schedule is an array of faults");
  schedule s;
  for (std::size_t i = 0; i < j.size(); ++i) {
    auto f = parse_fault(j[i], "/" + std::to_string(i));
    if (!f) return std::unexpected(f.error());
    s.push_back(std::move(*f));
  }
  return s;
}

}  // namespace eventfabric::faults
