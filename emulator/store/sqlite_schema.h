#pragma once
// Internal: the SQLite schema of an eventfabric data folder and its
// migrations. The schema version lives in `PRAGMA user_version`:
//  - 0 and no tables: a new database; every migration runs (v0 -> v1 creates);
//  - 0 with tables: some other SQLite database; refused (incompatible_store);
//  - below current: the pending migrations run, one transaction each, each
//    stamping its version, so a crash mid-chain resumes where it stopped;
//  - above current: written by a newer eventfabric; refused untouched
//    (incompatible_store).
// To add v2: write `migrate_v1_to_v2`, append {2, ...} to the chain in
// sqlite_schema.cc and bump current_schema_version.

#include <sqlite3.h>

#include <span>
#include <string>
#include <string_view>

#include "emulator/core/error.h"

namespace eventfabric::store::sqlite {

inline constexpr int current_schema_version = 2;

struct migration {
  int to_version;                            // user_version after the step; the chain counts 1, 2, 3, ...
  const char* description;                   // for error messages
  core::result<void> (*apply)(sqlite3* db);  // runs inside the step's transaction
};

// The production chain; its last step reaches current_schema_version.
std::span<const migration> migrations();

// PRAGMA user_version. storage_error naming `data_dir` when the file is not a
// SQLite database (or is corrupt), which is the first read that notices.
core::result<int> read_schema_version(sqlite3* db, std::string_view data_dir);

// Refuses (incompatible_store) a version newer than the chain reaches,
// without writing anything.
core::result<void> check_not_newer(int version, int supported, std::string_view data_dir);

// Brings `db` to the last version of `chain` as described above; returns the
// resulting version. `chain` is a parameter so tests can prove a v2 slots in.
core::result<int> migrate(sqlite3* db, std::string_view data_dir,
                          std::span<const migration> chain = migrations());

// Statements shared with the store, the migration and the tests.
inline constexpr std::string_view insert_batch_sql =
    R"(INSERT OR REPLACE INTO batches(topic, "partition", base_offset, last_offset, data) VALUES (?1, ?2, ?3, ?4, ?5))";
inline constexpr std::string_view load_batches_sql =
    R"(SELECT topic, "partition", base_offset, data FROM batches ORDER BY topic, "partition", base_offset)";
inline constexpr std::string_view load_values_sql = "SELECT space, key, value FROM kv ORDER BY space, key";

}  // namespace eventfabric::store::sqlite
