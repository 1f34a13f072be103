#pragma once
// Helpers of the SQLite store tests: raw access to a closed store's file.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "emulator/store/sqlite_schema.h"
#include "emulator/store/sqlite_util.h"
#include "tests/store/store_test_util.h"

namespace eventfabric::store::testing {

inline std::filesystem::path db_file(const temp_dir& d) { return d.path() / "eventfabric.db"; }

// Runs `sql` on the store's database through a raw connection (the store
// must be closed, or the statement must not need the write lock).
inline void raw_exec(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite::db_ptr owner(raw);
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
}

inline int raw_user_version(const std::filesystem::path& db) {
  sqlite3* raw = nullptr;
  sqlite3_open(db.c_str(), &raw);
  sqlite::db_ptr owner(raw);
  auto v = sqlite::read_schema_version(raw, "test");
  return v ? *v : -1;
}

inline int count_rows(const std::filesystem::path& db, const char* sql) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite::db_ptr h(raw);
  auto s = sqlite::prepare(raw, sql);
  EXPECT_TRUE(s.has_value());
  return s && sqlite3_step(s->get()) == SQLITE_ROW ? sqlite3_column_int(s->get(), 0) : -1;
}

}  // namespace eventfabric::store::testing
