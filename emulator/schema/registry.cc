#include "emulator/schema/registry.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "emulator/core/codec.h"

namespace eventfabric::schema {
namespace {

using core::errc;
using json = nlohmann::json;

std::unexpected<core::error> confluent(errc code, int confluent_code, std::string message) {
  return core::fail(code, std::move(message), {{"confluent_code", std::to_string(confluent_code)}});
}

std::string version_key(std::string_view subject, int32_t version) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010d", version);
  return std::string(subject) + '\0' + buf;
}

std::string id_key(int32_t id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010d", id);
  return buf;
}

std::unexpected<core::error> subject_not_found(std::string_view s) {
  return confluent(errc::not_found, 40401, "Subject '" + std::string(s) + "' not found.");
}

}  // namespace

registry::registry(core::storage* store, compat_mode default_level)
    : store_(store), default_level_(default_level), global_level_(default_level) {}

core::result<std::string> registry::canonical(std::string_view schema_text) const {
  json j = json::parse(schema_text, nullptr, false);
  if (j.is_discarded())
    return confluent(errc::validation_failed, 42201, "Invalid schema: the schema is not valid JSON");
  if (!j.is_object() && !j.is_boolean())
    return confluent(errc::validation_failed, 42201, "Invalid schema: a JSON Schema must be an object or a boolean");
  if (auto loaded = diff(j, j); !loaded)
    return confluent(errc::validation_failed, 42201, "Invalid schema: " + loaded.error().message);
  return j.dump();
}

const registry::subject_entry* registry::find_subject(std::string_view subject, bool include_deleted) const {
  auto it = subjects_.find(subject);
  if (it == subjects_.end()) return nullptr;
  if (include_deleted) return &it->second;
  for (const auto& [_, v] : it->second.versions)
    if (!v.deleted) return &it->second;
  return nullptr;
}

int32_t registry::id_for(const std::string& text) {
  if (auto it = ids_.find(text); it != ids_.end()) return it->second;
  const int32_t id = next_id_++;
  ids_.emplace(text, id);
  schemas_.emplace(id, text);
  if (store_) {
    core::byte_writer w;
    w.str("JSON");
    w.str(text);
    store_->put("sr_schema", id_key(id), w.view());
  }
  return id;
}

void registry::persist_version(std::string_view subject, int32_t version, const version_entry& v) {
  if (!store_) return;
  core::byte_writer w;
  w.i32(v.id);
  w.boolean(v.deleted);
  store_->put("sr_version", version_key(subject, version), w.view());
}

core::result<registered> registry::register_schema(std::string_view subject, std::string_view schema_text,
                                                   std::string_view schema_type) {
  if (subject.empty() || subject.size() > 255)
    return confluent(errc::invalid_argument, 42201, "Invalid subject name");
  if (!schema_type.empty() && schema_type != "JSON")
    return confluent(errc::validation_failed, 42201,
                     "Invalid schema: schemaType " + std::string(schema_type) + " is not supported; use JSON");
  auto text = canonical(schema_text);
  if (!text) return std::unexpected(text.error());
  if (auto existing = lookup(subject, schema_text); existing) return existing;
  if (auto verdict = test(subject, std::nullopt, schema_text); verdict && !verdict->compatible) {
    std::string message = "Schema being registered is incompatible with an earlier schema for subject \"" +
                          std::string(subject) + "\"";
    for (const auto& m : verdict->messages) message += "; " + m;
    return confluent(errc::already_exists, 409, message);
  }
  auto& entry = subjects_[std::string(subject)];
  const int32_t version = entry.versions.empty() ? 1 : entry.versions.rbegin()->first + 1;
  version_entry v{id_for(*text), false};
  entry.versions[version] = v;
  persist_version(subject, version, v);
  return registered{std::string(subject), version, v.id, *text, "JSON"};
}

core::result<registered> registry::lookup(std::string_view subject, std::string_view schema_text,
                                          bool include_deleted) const {
  const auto* s = find_subject(subject, include_deleted);
  if (!s) return subject_not_found(subject);
  auto text = canonical(schema_text);
  if (!text) return std::unexpected(text.error());
  auto id = ids_.find(*text);
  if (id != ids_.end())
    for (auto it = s->versions.rbegin(); it != s->versions.rend(); ++it)
      if (it->second.id == id->second && (include_deleted || !it->second.deleted))
        return registered{std::string(subject), it->first, id->second, *text, "JSON"};
  return confluent(errc::not_found, 40403, "Schema not found");
}

std::vector<std::string> registry::subjects(bool include_deleted) const {
  std::vector<std::string> out;
  for (const auto& [name, _] : subjects_)
    if (find_subject(name, include_deleted)) out.push_back(name);
  return out;
}

core::result<std::vector<int32_t>> registry::versions(std::string_view subject, bool include_deleted) const {
  const auto* s = find_subject(subject, include_deleted);
  if (!s) return subject_not_found(subject);
  std::vector<int32_t> out;
  for (const auto& [v, e] : s->versions)
    if (include_deleted || !e.deleted) out.push_back(v);
  return out;
}

core::result<registered> registry::get(std::string_view subject, int32_t version, bool include_deleted) const {
  const auto* s = find_subject(subject, include_deleted);
  if (!s) return subject_not_found(subject);
  if (version != kLatest && version < 1)
    return confluent(errc::invalid_argument, 42202,
                     "The specified version '" + std::to_string(version) + "' is not a valid version id. Allowed "
                     "values are between [1, 2^31-1] and the string \"latest\"");
  for (auto it = s->versions.rbegin(); it != s->versions.rend(); ++it) {
    if (it->second.deleted && !include_deleted) continue;
    if (version == kLatest || it->first == version)
      return registered{std::string(subject), it->first, it->second.id, schemas_.at(it->second.id), "JSON"};
  }
  return confluent(errc::not_found, 40402, "Version " + std::to_string(version) + " not found.");
}

core::result<registered> registry::by_id(int32_t id) const {
  auto it = schemas_.find(id);
  if (it == schemas_.end()) return confluent(errc::not_found, 40403, "Schema " + std::to_string(id) + " not found");
  return registered{"", 0, id, it->second, "JSON"};
}

std::vector<std::pair<std::string, int32_t>> registry::usages(int32_t id) const {
  std::vector<std::pair<std::string, int32_t>> out;
  for (const auto& [name, s] : subjects_)
    for (const auto& [v, e] : s.versions)
      if (e.id == id && !e.deleted) out.emplace_back(name, v);
  return out;
}

core::result<std::vector<int32_t>> registry::delete_subject(std::string_view subject, bool permanent) {
  auto it = subjects_.find(subject);
  if (it == subjects_.end()) return subject_not_found(subject);
  std::vector<int32_t> out;
  if (!permanent) {
    if (!find_subject(subject, false))
      return confluent(errc::not_found, 40404, "Subject '" + std::string(subject) + "' was soft deleted. Set permanent=true to delete permanently");
    for (auto& [v, e] : it->second.versions)
      if (!e.deleted) {
        e.deleted = true;
        persist_version(subject, v, e);
        out.push_back(v);
      }
    return out;
  }
  if (find_subject(subject, false))
    return confluent(errc::precondition_failed, 40405,
                     "Subject '" + std::string(subject) + "' was not deleted first before being permanently deleted");
  for (const auto& [v, _] : it->second.versions) {
    out.push_back(v);
    if (store_) store_->erase("sr_version", version_key(subject, v));
  }
  subjects_.erase(it);
  return out;
}

core::result<int32_t> registry::delete_version(std::string_view subject, int32_t version, bool permanent) {
  auto it = subjects_.find(subject);
  if (it == subjects_.end()) return subject_not_found(subject);
  if (version == kLatest) {
    auto latest = get(subject, kLatest, false);
    if (!latest) return std::unexpected(latest.error());
    version = latest->version;
  }
  auto v = it->second.versions.find(version);
  if (v == it->second.versions.end())
    return confluent(errc::not_found, 40402, "Version " + std::to_string(version) + " not found.");
  if (!permanent) {
    if (v->second.deleted)
      return confluent(errc::not_found, 40406, "Version " + std::to_string(version) + " was soft deleted. Set permanent=true to delete permanently");
    v->second.deleted = true;
    persist_version(subject, version, v->second);
    return version;
  }
  if (!v->second.deleted)
    return confluent(errc::precondition_failed, 40407,
                     "Version " + std::to_string(version) + " was not deleted first before being permanently deleted");
  if (store_) store_->erase("sr_version", version_key(subject, version));
  it->second.versions.erase(v);
  if (it->second.versions.empty()) subjects_.erase(it);
  return version;
}

core::result<compat_result> registry::test(std::string_view subject, std::optional<int32_t> version,
                                           std::string_view schema_text) const {
  auto text = canonical(schema_text);
  if (!text) return std::unexpected(text.error());
  const json candidate = json::parse(*text);
  auto level = subject_level(subject, true);
  std::vector<json> previous;
  if (const auto* s = find_subject(subject, false)) {
    if (version) {
      auto one = get(subject, *version, false);
      if (!one) return std::unexpected(one.error());
      previous.push_back(json::parse(one->schema));
      compat_mode m = *level;
      // Against a single version the transitive modes reduce to their base.
      if (m == compat_mode::backward_transitive) m = compat_mode::backward;
      if (m == compat_mode::forward_transitive) m = compat_mode::forward;
      if (m == compat_mode::full_transitive) m = compat_mode::full;
      return check_compatibility(candidate, previous, m);
    }
    for (const auto& [v, e] : s->versions)
      if (!e.deleted) previous.push_back(json::parse(schemas_.at(e.id)));
  } else if (version) {
    return subject_not_found(subject);
  }
  if (previous.empty()) return compat_result{};
  return check_compatibility(candidate, previous, *level);
}

void registry::set_global_level(compat_mode m) {
  global_level_ = m;
  if (store_) store_->put("sr_config", "", to_string(m));
}

core::result<compat_mode> registry::subject_level(std::string_view subject, bool fallback) const {
  if (auto it = subject_levels_.find(subject); it != subject_levels_.end()) return it->second;
  if (fallback) return global_level_;
  return confluent(errc::not_found, 40408, "Subject '" + std::string(subject) + "' does not have subject-level compatibility configured");
}

void registry::set_subject_level(std::string_view subject, compat_mode m) {
  subject_levels_[std::string(subject)] = m;
  if (store_) store_->put("sr_config", subject, to_string(m));
}

core::result<void> registry::delete_subject_level(std::string_view subject) {
  auto it = subject_levels_.find(subject);
  if (it == subject_levels_.end()) return subject_not_found(subject);
  subject_levels_.erase(it);
  if (store_) store_->erase("sr_config", subject);
  return {};
}

core::result<bool> registry::restore(std::string_view space, std::string_view key, std::string_view value) {
  if (space == "sr_schema") {
    core::byte_reader r(value);
    (void)r.str();
    std::string text = r.str();
    const int32_t id = std::atoi(std::string(key).c_str());
    if (!r.ok() || id <= 0) return core::fail(errc::storage_error, "corrupt registry schema in the store");
    ids_[text] = id;
    schemas_[id] = std::move(text);
    next_id_ = std::max(next_id_, id + 1);
    return true;
  }
  if (space == "sr_version") {
    const auto nul = key.find('\0');
    core::byte_reader r(value);
    version_entry v{r.i32(), r.boolean()};
    if (nul == std::string_view::npos || !r.ok()) return core::fail(errc::storage_error, "corrupt registry version in the store");
    subjects_[std::string(key.substr(0, nul))].versions[std::atoi(std::string(key.substr(nul + 1)).c_str())] = v;
    return true;
  }
  if (space == "sr_config") {
    auto m = parse_compat_mode(value);
    if (!m) return core::fail(errc::storage_error, "corrupt registry configuration in the store");
    if (key.empty())
      global_level_ = *m;
    else
      subject_levels_[std::string(key)] = *m;
    return true;
  }
  return false;
}

void registry::clear() {
  global_level_ = default_level_;
  subjects_.clear();
  subject_levels_.clear();
  schemas_.clear();
  ids_.clear();
  next_id_ = 1;
}

}  // namespace eventfabric::schema
