#pragma once
// The schema registry: subjects, versions and global ids, as Confluent Schema
// Registry keeps them (the same schema text gets the same id in every
// subject), soft and hard deletes, and a compatibility level globally and per
// subject, checked with Confluent-faithful verdicts (compat.h) on every
// registration. Kept in the broker's store as a core::extension, so it
// commits with broker::sync() and survives restarts.
//
// Errors carry Confluent's error code in details["confluent_code"] (40401
// subject not found, 40402 version not found, 40403 schema not found, 409
// incompatible, 42201 invalid schema, 42202 invalid version, 42203 invalid
// compatibility level, 40404/40405 soft-delete rules) so the HTTP layer can
// answer in Confluent's shape. Single-threaded: the broker's strand.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/broker.h"
#include "emulator/core/storage.h"
#include "emulator/schema/compat.h"

namespace eventfabric::schema {

struct registered {
  std::string subject;
  int32_t version = 0;
  int32_t id = 0;
  std::string schema;  // canonical text (compact JSON)
  std::string schema_type = "JSON";
};

inline constexpr int32_t kLatest = -1;

class registry final : public core::extension {
 public:
  // `store` may be null (not persisted); it must outlive the registry.
  explicit registry(core::storage* store, compat_mode default_level = compat_mode::backward);

  // Registers `schema_text` under `subject`: the existing version when the
  // same schema is already there, else a new version after the compatibility
  // check (409 on failure, with the changes in the message).
  core::result<registered> register_schema(std::string_view subject, std::string_view schema_text,
                                           std::string_view schema_type = "JSON");
  // The version of `subject` holding this schema (POST /subjects/{s}).
  core::result<registered> lookup(std::string_view subject, std::string_view schema_text,
                                  bool include_deleted = false) const;

  std::vector<std::string> subjects(bool include_deleted = false) const;
  core::result<std::vector<int32_t>> versions(std::string_view subject, bool include_deleted = false) const;
  core::result<registered> get(std::string_view subject, int32_t version, bool include_deleted = false) const;
  core::result<registered> by_id(int32_t id) const;
  // Subjects and versions that use schema `id`.
  std::vector<std::pair<std::string, int32_t>> usages(int32_t id) const;

  // Soft delete first; permanent=true afterwards removes it for good.
  core::result<std::vector<int32_t>> delete_subject(std::string_view subject, bool permanent);
  core::result<int32_t> delete_version(std::string_view subject, int32_t version, bool permanent);

  // Would `schema_text` be accepted? Against one version (or kLatest), or
  // against what the subject's level requires when `version` is nullopt.
  core::result<compat_result> test(std::string_view subject, std::optional<int32_t> version,
                                   std::string_view schema_text) const;

  compat_mode global_level() const { return global_level_; }
  void set_global_level(compat_mode m);
  // The subject's own level (not_found 40408 when unset unless `fallback`).
  core::result<compat_mode> subject_level(std::string_view subject, bool fallback) const;
  void set_subject_level(std::string_view subject, compat_mode m);
  core::result<void> delete_subject_level(std::string_view subject);

  // core::extension
  core::result<bool> restore(std::string_view space, std::string_view key, std::string_view value) override;
  void clear() override;

 private:
  struct version_entry {
    int32_t id = 0;
    bool deleted = false;
  };
  struct subject_entry {
    std::map<int32_t, version_entry> versions;
  };
  core::result<std::string> canonical(std::string_view schema_text) const;
  const subject_entry* find_subject(std::string_view subject, bool include_deleted) const;
  int32_t id_for(const std::string& canonical_text);
  void persist_version(std::string_view subject, int32_t version, const version_entry& v);

  core::storage* store_;
  compat_mode default_level_;
  compat_mode global_level_;
  std::map<std::string, subject_entry, std::less<>> subjects_;
  std::map<std::string, compat_mode, std::less<>> subject_levels_;
  std::map<int32_t, std::string> schemas_;   // id -> canonical text
  std::map<std::string, int32_t> ids_;       // canonical text -> id
  int32_t next_id_ = 1;
};

}  // namespace eventfabric::schema
