// The SQLite schema chain: a next step slots in, a new database runs it all,
// a failing step keeps the old version, each past version's data migrates
// intact, and load() streams without sorting.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <tuple>

#include "emulator/store/sqlite_batches.h"
#include "emulator/store/sqlite_schema.h"
#include "emulator/store/sqlite_util.h"
#include "emulator/store/store.h"
#include "tests/store/sqlite_test_util.h"
#include "tests/store/store_test_util.h"

namespace eventfabric::store::testing {
namespace {

// ---- schema chain --------------------------------------------------------

// A test step after the production chain: "next" = current_schema_version + 1.
constexpr int next_version = sqlite::current_schema_version + 1;
int next_runs = 0;
core::result<void> test_next(sqlite3* db) {
  ++next_runs;
  return sqlite::exec(db, "CREATE TABLE extra(x)", "test next");
}

std::vector<sqlite::migration> chain_with_next() {
  auto chain = std::vector<sqlite::migration>(sqlite::migrations().begin(), sqlite::migrations().end());
  chain.push_back({next_version, "test step", &test_next});
  return chain;
}

TEST(sqlite_schema, a_next_step_slots_into_the_chain) {
  temp_dir dir;
  open_sqlite(dir.path()).reset();  // a current store
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_file(dir).c_str(), &raw), SQLITE_OK);
  sqlite::db_ptr db(raw);
  next_runs = 0;
  const auto chain = chain_with_next();
  auto v = sqlite::migrate(raw, "d", chain);
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(*v, next_version);
  EXPECT_EQ(next_runs, 1);
  EXPECT_EQ(sqlite::migrate(raw, "d", chain).value_or(-1), next_version);
  EXPECT_EQ(next_runs, 1);  // nothing pending the second time
  EXPECT_EQ(sqlite3_exec(raw, "SELECT * FROM extra, partitions, segments, kv", nullptr, nullptr, nullptr), SQLITE_OK);
}

TEST(sqlite_schema, a_new_database_runs_the_whole_chain) {
  temp_dir dir;
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_file(dir).c_str(), &raw), SQLITE_OK);
  sqlite::db_ptr db(raw);
  next_runs = 0;
  EXPECT_EQ(sqlite::migrate(raw, "d", chain_with_next()).value_or(-1), next_version);
  EXPECT_EQ(next_runs, 1);
  EXPECT_EQ(raw_user_version(db_file(dir)), next_version);
  // ... and this build (up to the current version) now refuses it.
  db.reset();
  auto s = sqlite_store::open(dir.path(), durability::normal);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, core::errc::incompatible_store);
}

TEST(sqlite_schema, a_failing_step_rolls_back_and_keeps_the_old_version) {
  temp_dir dir;
  open_sqlite(dir.path()).reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_file(dir).c_str(), &raw), SQLITE_OK);
  sqlite::db_ptr db(raw);
  auto chain = chain_with_next();
  chain.back().apply = [](sqlite3* d) { return sqlite::exec(d, "CREATE TABLE kv(x)", "clash"); };
  auto v = sqlite::migrate(raw, "d", chain);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, core::errc::storage_error);
  EXPECT_EQ(raw_user_version(db_file(dir)), sqlite::current_schema_version);
}

// A data folder written by a v1 build (one row per record, headers in the
// v1 blob format) opens in this build (v1 -> v2 -> v3) with every record intact.
TEST(sqlite_schema, v1_records_migrate_to_the_current_schema) {
  temp_dir dir;
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db_file(dir).c_str(), &raw), SQLITE_OK);
    sqlite::db_ptr db(raw);
    const auto v1 = sqlite::migrations().subspan(0, 1);
    ASSERT_EQ(sqlite::migrate(raw, "d", v1).value_or(-1), 1);
    // Headers blob v1: u32 count, then (u32 len, key, u32 len, value) each; little-endian.
    ASSERT_EQ(sqlite3_exec(raw,
                           R"(INSERT INTO records VALUES ('a.b.c.v1', 0, 0, 10, x'6b31', x'7631', x'');
                              INSERT INTO records VALUES ('a.b.c.v1', 0, 1, 11, NULL, x'7632',
                                x'01000000' || x'01000000' || x'68' || x'02000000' || x'7878');
                              INSERT INTO records VALUES ('a.b.c.v1', 1, 5, 12, x'6b33', x'7633', x'');
                              INSERT INTO kv VALUES ('topic', x'61', x'7a');)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(raw);
  }
  auto s = sqlite_store::open(dir.path(), durability::normal);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ((*s)->info().schema_version, sqlite::current_schema_version);
  struct collect : core::storage_loader {
    std::vector<std::tuple<std::string, int32_t, core::record>> recs;
    int values = 0;
    void on_value(std::string_view, std::string_view, std::string_view) override { ++values; }
    void on_record(std::string_view t, int32_t p, core::record&& r) override { recs.emplace_back(t, p, r); }
  } got;
  ASSERT_TRUE((*s)->load(got).has_value());
  EXPECT_EQ(got.values, 1);
  ASSERT_EQ(got.recs.size(), 3u);
  const auto& [t0, p0, r0] = got.recs[0];
  EXPECT_EQ(t0, "a.b.c.v1");
  EXPECT_EQ(p0, 0);
  EXPECT_EQ(r0.offset, 0);
  EXPECT_EQ(r0.timestamp_ms, 10);
  EXPECT_EQ(r0.key, std::optional<std::string>("k1"));
  EXPECT_EQ(r0.value, "v1");
  const auto& r1 = std::get<2>(got.recs[1]);
  EXPECT_FALSE(r1.key.has_value());
  ASSERT_EQ(r1.headers.size(), 1u);
  EXPECT_EQ(r1.headers[0].key, "h");
  EXPECT_EQ(r1.headers[0].value, "xx");
  EXPECT_EQ(std::get<1>(got.recs[2]), 1);
  EXPECT_EQ(std::get<2>(got.recs[2]).offset, 5);
}

// A v2 database of the given rows (topic, partition, records), built by the
// v1 and v2 steps of the production chain.
struct v2_row {
  std::string topic;
  int32_t partition;
  std::vector<core::record> records;
};
void write_v2(const temp_dir& dir, const std::vector<v2_row>& rows) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_file(dir).c_str(), &raw), SQLITE_OK);
  sqlite::db_ptr db(raw);
  ASSERT_EQ(sqlite::migrate(raw, "d", sqlite::migrations().subspan(0, 2)).value_or(-1), 2);
  auto insert = sqlite::prepare(raw, R"(INSERT INTO batches VALUES (?1, ?2, ?3, ?4, ?5))");
  ASSERT_TRUE(insert.has_value());
  for (const auto& row : rows) {
    std::string blob;
    for (const auto& r : row.records) sqlite::encode_record(r, blob);
    sqlite3_stmt* s = insert->get();
    sqlite::bind_text(s, 1, row.topic);
    sqlite3_bind_int(s, 2, row.partition);
    sqlite3_bind_int64(s, 3, row.records.front().offset);
    sqlite3_bind_int64(s, 4, row.records.back().offset);
    sqlite::bind_blob(s, 5, blob);
    ASSERT_EQ(sqlite3_step(s), SQLITE_DONE) << sqlite3_errmsg(raw);
    sqlite3_reset(s);
  }
  ASSERT_EQ(sqlite3_exec(raw, "INSERT INTO kv VALUES ('topic', x'61', x'7a')", nullptr, nullptr, nullptr), SQLITE_OK);
}

// v2 rows (inserted out of name order, two rows in one partition) move to
// v3 positions: every record loads in (topic, partition, offset) order, and
// the migrated partitions take further appends and removals.
TEST(sqlite_schema, v2_batches_migrate_to_v3_segments) {
  temp_dir dir;
  write_v2(dir, {
                    {"b.c.d.v1", 0, {make_record(3, "b3", "k"s, {{"h", "v"}})}},
                    {"a.b.c.v1", 1, {make_record(0, "a1-0"), make_record(1, "a1-1")}},
                    {"a.b.c.v1", 0, {make_record(5, "a0-5")}},
                    {"a.b.c.v1", 0, {make_record(0, "a0-0"), make_record(2, "a0-2")}},
                });
  std::vector<event> want = {
      value_event("topic", "a", "z"),
      record_event("a.b.c.v1", 0, make_record(0, "a0-0")),
      record_event("a.b.c.v1", 0, make_record(2, "a0-2")),
      record_event("a.b.c.v1", 0, make_record(5, "a0-5")),
      record_event("a.b.c.v1", 1, make_record(0, "a1-0")),
      record_event("a.b.c.v1", 1, make_record(1, "a1-1")),
      record_event("b.c.d.v1", 0, make_record(3, "b3", "k"s, {{"h", "v"}})),
  };
  {
    auto s = open_sqlite(dir.path());
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->info().schema_version, 3);
    EXPECT_EQ(load_all(*s), want);
    s->append("a.b.c.v1", 0, std::vector{make_record(6, "a0-6")});
    s->truncate("a.b.c.v1", 0, 2);
    s->append("c.d.e.v1", 0, std::vector{make_record(0, "c0")});
    ASSERT_TRUE(s->commit().has_value());
  }
  EXPECT_EQ(count_rows(db_file(dir), "SELECT count(*) FROM partitions"), 4);
  EXPECT_EQ(count_rows(db_file(dir), "SELECT count(*) FROM sqlite_master WHERE name = 'batches'"), 0);
  want.erase(want.begin() + 1);  // a0-0 truncated
  want.insert(want.begin() + 3, record_event("a.b.c.v1", 0, make_record(6, "a0-6")));
  want.push_back(record_event("c.d.e.v1", 0, make_record(0, "c0")));
  EXPECT_EQ(load_all(*open_sqlite(dir.path())), want);
}

// v3 keys offsets in 40 bits; a v2 folder holding more is refused, not
// mangled, and stays v2 with its rows.
TEST(sqlite_schema, v2_offsets_beyond_v3_keys_are_refused_untouched) {
  temp_dir dir;
  write_v2(dir, {{"t", 0, {make_record(int64_t{1} << 41, "far")}}});
  auto s = sqlite_store::open(dir.path(), durability::normal);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, core::errc::storage_error);
  EXPECT_NE(s.error().message.find("v2 -> v3"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("outside 0..2^40-1"), std::string::npos) << s.error().message;
  EXPECT_EQ(raw_user_version(db_file(dir)), 2);
  EXPECT_EQ(count_rows(db_file(dir), "SELECT count(*) FROM batches"), 1);
}

TEST(sqlite_schema, load_queries_stream_through_indexes_without_sorting) {
  temp_dir dir;
  open_sqlite(dir.path()).reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_file(dir).c_str(), &raw), SQLITE_OK);
  sqlite::db_ptr db(raw);
  for (std::string_view sql : {sqlite::load_segments_sql, sqlite::load_values_sql}) {
    const std::string explain = "EXPLAIN QUERY PLAN " + std::string(sql);
    auto stmt = sqlite::prepare(raw, explain);
    ASSERT_TRUE(stmt.has_value());
    std::string plan;
    while (sqlite3_step(stmt->get()) == SQLITE_ROW) {
      const std::string step(sqlite::column_bytes(stmt->get(), 3));
      plan += step + ";";
      // Every table is read through an index or a rowid range, never in full.
      EXPECT_NE(step.find(" USING "), std::string::npos) << step;
    }
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  }
}

}  // namespace
}  // namespace eventfabric::store::testing
