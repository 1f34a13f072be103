#include "emulator/store/sqlite_schema.h"

#include <array>
#include <string>

#include "emulator/core/codec.h"
#include "emulator/store/sqlite_batches.h"
#include "emulator/store/sqlite_util.h"

namespace eventfabric::store::sqlite {

namespace {

// v1. Rowid tables with a unique index: with ~1 KiB rows this appends ~3x
// faster than WITHOUT ROWID tables keyed by the same columns (BM_raw_insert vs
// BM_raw_insert_without_rowid in bench/store_bench.cc; WITHOUT ROWID b-trees
// keep whole rows in interior pages). Topic and space are TEXT, keys/values/headers BLOB; both
// compare as unsigned bytes (BINARY collation / memcmp), like std::string.
core::result<void> create_v1(sqlite3* db) {
  return exec(db,
              R"(CREATE TABLE records (
                   topic       TEXT    NOT NULL,
                   "partition" INTEGER NOT NULL,
                   "offset"    INTEGER NOT NULL,
                   timestamp   INTEGER NOT NULL,
                   key         BLOB,
                   value       BLOB    NOT NULL,
                   headers     BLOB    NOT NULL);
                 CREATE UNIQUE INDEX records_by_position ON records(topic, "partition", "offset");
                 CREATE TABLE kv (
                   space TEXT NOT NULL,
                   key   BLOB NOT NULL,
                   value BLOB NOT NULL);
                 CREATE UNIQUE INDEX kv_by_key ON kv(space, key);)",
              "create schema v1");
}

// v1 stored headers as u32 count, then length-prefixed key and value each.
bool decode_v1_headers(std::string_view blob, std::vector<core::header>& out) {
  if (blob.empty()) return true;
  core::byte_reader in(blob);
  const uint32_t n = in.u32();
  if (!in.ok() || n > blob.size() / 8) return false;
  for (uint32_t i = 0; i < n && in.ok(); ++i) {
    std::string key = in.str();
    out.push_back(core::header{std::move(key), in.str()});
  }
  return in.ok() && in.done();
}

// v2's insert; v3 replaced the table.
constexpr std::string_view v2_insert_batch_sql =
    R"(INSERT OR REPLACE INTO batches(topic, "partition", base_offset, last_offset, data) VALUES (?1, ?2, ?3, ?4, ?5))";

// v2. One row per (partition, commit) instead of one per record: a group
// commit writes one b-tree entry per partition it touched. Rows cover
// disjoint offset ranges; retention and compaction rewrite the rows they cut.
// Existing records move over in rows of up to 1 MiB.
core::result<void> batches_v2(sqlite3* db) {
  if (auto r = exec(db,
                    R"(CREATE TABLE batches (
                         topic       TEXT    NOT NULL,
                         "partition" INTEGER NOT NULL,
                         base_offset INTEGER NOT NULL,
                         last_offset INTEGER NOT NULL,
                         data        BLOB    NOT NULL);
                       CREATE UNIQUE INDEX batches_by_position ON batches(topic, "partition", base_offset);)",
                    "create batches");
      !r)
    return r;
  auto select = prepare(db, R"(SELECT topic, "partition", "offset", timestamp, key, value, headers FROM records )"
                            R"(ORDER BY topic, "partition", "offset")");
  auto insert = prepare(db, v2_insert_batch_sql);
  if (!select || !insert) return std::unexpected(make_error(db, "prepare v2 migration"));
  std::string topic, blob;
  int32_t partition = -1;
  int64_t base = 0, last = 0;
  auto flush = [&]() -> bool {
    if (blob.empty()) return true;
    sqlite3_stmt* s = insert->get();
    bind_text(s, 1, topic);
    sqlite3_bind_int(s, 2, partition);
    sqlite3_bind_int64(s, 3, base);
    sqlite3_bind_int64(s, 4, last);
    bind_blob(s, 5, blob);
    const bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    blob.clear();
    return ok;
  };
  int rc;
  while ((rc = sqlite3_step(select->get())) == SQLITE_ROW) {
    sqlite3_stmt* s = select->get();
    core::record r;
    r.offset = sqlite3_column_int64(s, 2);
    r.timestamp_ms = sqlite3_column_int64(s, 3);
    if (sqlite3_column_type(s, 4) != SQLITE_NULL) r.key = std::string(column_bytes(s, 4));
    r.value = std::string(column_bytes(s, 5));
    if (!decode_v1_headers(column_bytes(s, 6), r.headers))
      return core::fail(core::errc::storage_error, "corrupt headers in a v1 record");
    const std::string_view t = column_bytes(s, 0);
    const int32_t p = sqlite3_column_int(s, 1);
    if (t != topic || p != partition || blob.size() >= (1u << 20)) {
      if (!flush()) return std::unexpected(make_error(db, "write v2 batch"));
      topic = std::string(t);
      partition = p;
      base = r.offset;
    }
    last = r.offset;
    encode_record(r, blob);
  }
  if (rc != SQLITE_DONE) return std::unexpected(make_error(db, "read v1 records"));
  if (!flush()) return std::unexpected(make_error(db, "write v2 batch"));
  select->reset();  // finalize before dropping the table they read
  insert->reset();
  return exec(db, "DROP TABLE records", "drop v1 records");
}

core::result<int> single_int(sqlite3* db, const char* sql, std::string_view what) {
  auto stmt = prepare(db, sql);
  if (!stmt) return std::unexpected(make_error(db, what));
  if (sqlite3_step(stmt->get()) != SQLITE_ROW) return std::unexpected(make_error(db, what));
  return sqlite3_column_int(stmt->get(), 0);
}

// v3. The v2 rows keyed by a position (partition id << 40 | base offset)
// instead of (topic, partition, base_offset) under a separate unique index:
// one b-tree instead of two, so a one-partition commit writes one WAL page
// instead of two (a one-record commit: 31 -> 21 us in ef_bench_store). Names
// move to `partitions`, one row per partition ever written.
core::result<void> segments_v3(sqlite3* db) {
  static_assert(kOffsetBits == 40, "the SQL below spells the shift");
  auto outside = single_int(db,
                            "SELECT count(*) FROM batches WHERE base_offset < 0 OR last_offset > 1099511627775",
                            "check v2 offsets");
  if (!outside) return std::unexpected(outside.error());
  if (*outside > 0)
    return core::fail(core::errc::storage_error,
                      std::to_string(*outside) +
                          " stored record batches hold offsets outside 0..2^40-1, which schema v3 cannot key");
  return exec(db,
              R"(CREATE TABLE partitions (
                   id          INTEGER PRIMARY KEY,
                   topic       TEXT    NOT NULL,
                   "partition" INTEGER NOT NULL);
                 CREATE UNIQUE INDEX partitions_by_name ON partitions(topic, "partition");
                 CREATE TABLE segments (
                   pos         INTEGER PRIMARY KEY,
                   last_offset INTEGER NOT NULL,
                   data        BLOB    NOT NULL);
                 INSERT INTO partitions(topic, "partition")
                   SELECT DISTINCT topic, "partition" FROM batches ORDER BY topic, "partition";
                 INSERT INTO segments(pos, last_offset, data)
                   SELECT (p.id << 40) + b.base_offset, b.last_offset, b.data
                   FROM batches b JOIN partitions p ON p.topic = b.topic AND p."partition" = b."partition"
                   ORDER BY 1;
                 DROP TABLE batches;)",
              "move batches to segments");
}

constexpr std::array<migration, 3> production_chain = {{
    {1, "create tables (v0 -> v1)", &create_v1},
    {2, "records packed per partition and commit (v1 -> v2)", &batches_v2},
    {3, "batches keyed by partition id and offset (v2 -> v3)", &segments_v3},
}};

core::result<void> refuse_foreign_database(sqlite3* db, std::string_view data_dir) {
  auto tables = single_int(db, "SELECT count(*) FROM sqlite_master", "read sqlite_master");
  if (!tables) return std::unexpected(tables.error());
  if (*tables == 0) return {};
  return core::fail(core::errc::incompatible_store,
                    "data folder " + std::string(data_dir) +
                        " holds a SQLite database that is not an eventfabric store "
                        "(tables present, schema version 0); use another --data-dir");
}

core::result<void> run_step(sqlite3* db, const migration& step, std::string_view data_dir) {
  const std::string where = "data folder " + std::string(data_dir) + ": migration " + step.description;
  if (auto r = exec(db, "BEGIN IMMEDIATE", where); !r) return r;
  auto applied = step.apply(db);
  if (applied) {
    const std::string stamp = "PRAGMA user_version = " + std::to_string(step.to_version);
    applied = exec(db, stamp.c_str(), where);
  }
  if (applied) applied = exec(db, "COMMIT", where);
  if (!applied) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return core::fail(applied.error().code, where + ": " + applied.error().message);
  }
  return {};
}

}  // namespace

std::span<const migration> migrations() { return production_chain; }

core::result<int> read_schema_version(sqlite3* db, std::string_view data_dir) {
  auto v = single_int(db, "PRAGMA user_version", "read schema version");
  if (!v)
    return core::fail(core::errc::storage_error,
                      "data folder " + std::string(data_dir) +
                          ": eventfabric.db is not a readable SQLite database: " + v.error().message);
  return v;
}

core::result<void> check_not_newer(int version, int supported, std::string_view data_dir) {
  if (version <= supported) return {};
  return core::fail(core::errc::incompatible_store,
                    "data folder " + std::string(data_dir) + " was written by a newer eventfabric (schema v" +
                        std::to_string(version) + "; this build reads up to v" + std::to_string(supported) +
                        "); upgrade eventfabric or use another --data-dir");
}

core::result<int> migrate(sqlite3* db, std::string_view data_dir, std::span<const migration> chain) {
  for (std::size_t i = 0; i < chain.size(); ++i)
    if (chain[i].to_version != static_cast<int>(i) + 1)
      return core::fail(core::errc::internal, "migration chain must count 1, 2, 3, ...");
  const int supported = static_cast<int>(chain.size());
  auto version = read_schema_version(db, data_dir);
  if (!version) return version;
  if (auto r = check_not_newer(*version, supported, data_dir); !r) return std::unexpected(r.error());
  if (*version == 0)
    if (auto r = refuse_foreign_database(db, data_dir); !r) return std::unexpected(r.error());
  for (int v = *version; v < supported; ++v)
    if (auto r = run_step(db, chain[v], data_dir); !r) return std::unexpected(r.error());
  return supported;
}

}  // namespace eventfabric::store::sqlite
