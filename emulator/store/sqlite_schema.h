#pragma once
// Internal: the SQLite schema of an eventfabric data folder and its
// migrations. The schema version lives in `PRAGMA user_version`:
//  - 0 and no tables: a new database; every migration runs (v0 -> v1 creates);
//  - 0 with tables: some other SQLite database; refused (incompatible_store);
//  - below current: the pending migrations run, one transaction each, each
//    stamping its version, so a crash mid-chain resumes where it stopped;
//  - above current: written by a newer eventfabric; refused untouched
//    (incompatible_store).
// To add v4: write the step, append {4, ...} to the chain in sqlite_schema.cc
// and bump current_schema_version.

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "emulator/core/error.h"

namespace eventfabric::store::sqlite {

inline constexpr int current_schema_version = 3;

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

// Since v3 a row of `segments` is keyed by its position: the id of its
// partition (table `partitions`) in the high bits, its first offset in the
// low kOffsetBits. One b-tree, no index: an append writes one page.
inline constexpr int kOffsetBits = 40;
inline constexpr int64_t kMaxOffset = (int64_t{1} << kOffsetBits) - 1;
inline constexpr int64_t kMaxPartitionId = (int64_t{1} << (63 - kOffsetBits)) - 1;
// A commit's records for one partition go into rows of about this size (a
// row is written once its blob reaches it), so retention and compaction,
// which rewrite whole rows, never rewrite megabytes for one record.
inline constexpr std::size_t kRowBytes = std::size_t{1} << 20;
// Offsets may be -1 .. kMaxOffset + 1 (range bounds), so add, not or.
inline constexpr int64_t position(int64_t partition_id, int64_t offset) {
  return (partition_id << kOffsetBits) + offset;
}

// Statements shared with the store, the migration and the tests.
inline constexpr std::string_view insert_segment_sql =
    "INSERT OR REPLACE INTO segments(pos, last_offset, data) VALUES (?1, ?2, ?3)";
// Partitions in (topic, partition) order by their index, each one's rows in
// position order by a rowid range: no sorting.
inline constexpr std::string_view load_segments_sql =
    R"(SELECT p.topic, p."partition", s.pos - (p.id << 40), s.data FROM partitions p )"
    R"(JOIN segments s ON s.pos >= (p.id << 40) AND s.pos < ((p.id + 1) << 40) )"
    R"(ORDER BY p.topic, p."partition", s.pos)";
inline constexpr std::string_view load_values_sql = "SELECT space, key, value FROM kv ORDER BY space, key";

}  // namespace eventfabric::store::sqlite
