#include "emulator/store/sqlite_schema.h"

#include <array>
#include <string>

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

constexpr std::array<migration, 1> production_chain = {{
    {1, "create tables (v0 -> v1)", &create_v1},
}};

core::result<int> single_int(sqlite3* db, const char* sql, std::string_view what) {
  auto stmt = prepare(db, sql);
  if (!stmt) return std::unexpected(make_error(db, what));
  if (sqlite3_step(stmt->get()) != SQLITE_ROW) return std::unexpected(make_error(db, what));
  return sqlite3_column_int(stmt->get(), 0);
}

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
