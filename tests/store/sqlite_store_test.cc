// sqlite_store only: persistence across reopen, refusal of foreign or corrupt
// files, folder locking, durability pragmas and latched write errors (the
// schema chain and migrations: sqlite_schema_test.cc).

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <tuple>

#include "emulator/store/sqlite_schema.h"
#include "emulator/store/sqlite_util.h"
#include "emulator/store/store.h"
#include "tests/store/sqlite_test_util.h"
#include "tests/store/store_test_util.h"

namespace eventfabric::store::testing {
namespace {

void fill(core::storage& s) {
  s.put("topic", "orders", "config");
  s.put("qmsg", "q\0001"s, "m");
  s.append("orders", 0, std::vector{make_record(0, "a", "k"s, {{"h", "v"}}), make_record(1, "b")});
  s.append("orders", 2, std::vector{make_record(0, "c")});
}

TEST(sqlite_store, committed_writes_survive_reopen) {
  temp_dir dir;
  std::vector<event> before;
  {
    auto s = open_sqlite(dir.path());
    fill(*s);
    ASSERT_TRUE(s->commit());
    before = load_all(*s);
  }
  auto s = open_sqlite(dir.path());
  EXPECT_EQ(load_all(*s), before);
  EXPECT_EQ(before.size(), 5u);
}

TEST(sqlite_store, staged_writes_are_absent_after_destroying_without_commit) {
  temp_dir dir;
  {
    auto s = open_sqlite(dir.path());
    s->put("s", "committed", "1");
    ASSERT_TRUE(s->commit());
    fill(*s);
    s->erase("s", "committed");
  }  // "crash": destroyed with writes staged
  auto s = open_sqlite(dir.path());
  EXPECT_EQ(load_all(*s), std::vector{value_event("s", "committed", "1")});
}

TEST(sqlite_store, creates_missing_data_folder_with_parents) {
  temp_dir dir;
  const auto nested = dir.path() / "a" / "b";
  auto s = open_sqlite(nested);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(std::filesystem::exists(nested / "eventfabric.db"));
  EXPECT_TRUE(std::filesystem::exists(nested / "LOCK"));
  const store_info info = s->info();
  EXPECT_EQ(info.backend, "sqlite");
  EXPECT_EQ(info.path, (nested / "eventfabric.db").string());
  EXPECT_EQ(info.schema_version, sqlite::current_schema_version);
}

TEST(sqlite_store, a_file_in_place_of_the_folder_is_a_storage_error) {
  temp_dir dir;
  std::ofstream(dir.path() / "file") << "x";
  auto s = sqlite_store::open(dir.path() / "file", durability::normal);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, core::errc::storage_error);
}

TEST(sqlite_store, newer_schema_is_refused_untouched) {
  temp_dir dir;
  open_sqlite(dir.path()).reset();
  raw_exec(db_file(dir), "PRAGMA user_version = 99");
  auto s = sqlite_store::open(dir.path(), durability::normal);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, core::errc::incompatible_store);
  EXPECT_EQ(s.error().message,
            "data folder " + dir.path().string() +
                " was written by a newer eventfabric (schema v99; this build reads up to v" +
                std::to_string(sqlite::current_schema_version) + ");"
                " upgrade eventfabric or use another --data-dir");
  EXPECT_EQ(raw_user_version(db_file(dir)), 99);
}

TEST(sqlite_store, a_foreign_sqlite_database_is_refused) {
  temp_dir dir;
  raw_exec(db_file(dir), "CREATE TABLE notes(x)");
  auto s = sqlite_store::open(dir.path(), durability::normal);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, core::errc::incompatible_store);
  EXPECT_NE(s.error().message.find("not an eventfabric store"), std::string::npos);
}

TEST(sqlite_store, a_garbage_file_is_a_storage_error_naming_the_folder) {
  for (std::size_t size : {std::size_t{10}, std::size_t{4096}}) {
    temp_dir dir;
    std::ofstream(db_file(dir), std::ios::binary) << std::string(size, 'g');
    auto s = sqlite_store::open(dir.path(), durability::normal);
    ASSERT_FALSE(s.has_value()) << size;
    EXPECT_EQ(s.error().code, core::errc::storage_error);
    EXPECT_NE(s.error().message.find(dir.path().string()), std::string::npos) << s.error().message;
  }
}

TEST(sqlite_store, corrupt_pages_are_a_storage_error_not_a_crash) {
  temp_dir dir;
  {
    auto s = open_sqlite(dir.path());
    for (int i = 0; i < 50; ++i) s->append("t", 0, std::vector{make_record(i, std::string(2000, 'x'))});
    s->put("s", "k", std::string(5000, 'y'));
    ASSERT_TRUE(s->commit());
  }  // closing checkpoints the WAL into eventfabric.db
  {
    std::fstream f(db_file(dir), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);  // keep page 1 (header and schema), scribble over the rest
    const std::string junk(std::filesystem::file_size(db_file(dir)) - 4096, '\x5A');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto s = sqlite_store::open(dir.path(), durability::normal);
  if (!s) {
    EXPECT_EQ(s.error().code, core::errc::storage_error);
    return;
  }
  capture c;
  auto r = (*s)->load(c);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::storage_error);
  EXPECT_NE(r.error().message.find(dir.path().string()), std::string::npos) << r.error().message;
}

// The core appends ascending offsets one record at a time; a commit then
// writes one row per partition. Retention and compaction cut rows and the
// survivors load intact.
// A commit of megabytes to one partition (a journal move) is cut into rows of
// about 1 MiB, so retention and compaction never rewrite a huge row.
TEST(sqlite_store, a_large_commit_is_cut_into_rows_of_about_a_mebibyte) {
  temp_dir dir;
  std::vector<event> want;
  {
    auto s = open_sqlite(dir.path());
    for (int64_t o = 0; o < 3000; ++o) {  // 3000 x ~1 KiB: three rows (the third partly filled)
      auto r = make_record(o, std::string(1024, static_cast<char>('a' + o % 26)));
      want.push_back(record_event("t", 0, r));
      s->append("t", 0, std::vector{r});
    }
    ASSERT_TRUE(s->commit().has_value());
    s->truncate("t", 0, 1500);  // rewrites only the row straddling 1500
    ASSERT_TRUE(s->commit().has_value());
  }
  EXPECT_EQ(count_rows(db_file(dir), "SELECT count(*) FROM segments"), 2);
  EXPECT_LE(count_rows(db_file(dir), "SELECT max(length(data)) FROM segments"), (1 << 20) + 2048);
  auto s = open_sqlite(dir.path());
  want.erase(want.begin(), want.begin() + 1500);
  EXPECT_EQ(load_all(*s), want);
}

TEST(sqlite_store, a_commit_packs_each_partition_into_one_row) {
  temp_dir dir;
  // The store holds the file exclusively while open: count rows between opens.
  const auto batch_rows = [&] { return count_rows(db_file(dir), "SELECT count(*) FROM segments"); };
  {
    auto s = open_sqlite(dir.path());
    for (int64_t o = 0; o < 10; ++o) {
      s->append("t", 0, std::vector{make_record(o, "p0-" + std::to_string(o))});
      s->append("t", 1, std::vector{make_record(o, "p1-" + std::to_string(o))});
    }
    ASSERT_TRUE(s->commit().has_value());
  }
  EXPECT_EQ(batch_rows(), 2);
  {
    auto s = open_sqlite(dir.path());
    for (int64_t o = 10; o < 13; ++o) s->append("t", 0, std::vector{make_record(o, "p0-" + std::to_string(o))});
    ASSERT_TRUE(s->commit().has_value());
  }
  EXPECT_EQ(batch_rows(), 3);
  {
    auto s = open_sqlite(dir.path());
    s->truncate("t", 0, 4);                                         // cuts the first row of p0
    s->erase_records("t", 0, std::vector<int64_t>{5, 11});         // one from each row of p0
    s->truncate("t", 1, 10);                                        // all of p1
    s->append("t", 1, std::vector{make_record(10, "p1-10")});
    ASSERT_TRUE(s->commit().has_value());
  }
  std::vector<event> want;
  for (int64_t o : {4, 6, 7, 8, 9, 10, 12})
    want.push_back(record_event("t", 0, make_record(o, "p0-" + std::to_string(o))));
  want.push_back(record_event("t", 1, make_record(10, "p1-10")));
  EXPECT_EQ(load_all(*open_sqlite(dir.path())), want);
  EXPECT_EQ(batch_rows(), 3);
}

// While a store is open, no other connection can read or write the file:
// the folder lock keeps other eventfabric processes out, SQLite's exclusive
// locking mode everything else (a sqlite3 shell waits for the server to stop).
// A partition first written in a rolled-back transaction loses its id with
// the rollback, so a partition added later cannot share its positions.
TEST(sqlite_store, a_rolled_back_new_partition_does_not_keep_its_id) {
  temp_dir dir;
  {
    auto s = open_sqlite(dir.path());
    s->append("gone", 0, std::vector{make_record(0, "never")});
    s->rollback();
    s->append("other", 0, std::vector{make_record(0, "o0")});
    ASSERT_TRUE(s->commit().has_value());
    s->append("gone", 0, std::vector{make_record(0, "g0")});
    s->fail_next_commits(1);
    ASSERT_FALSE(s->commit().has_value());
    s->append("gone", 0, std::vector{make_record(1, "g1")});
    ASSERT_TRUE(s->commit().has_value());
  }
  EXPECT_EQ(load_all(*open_sqlite(dir.path())),
            (std::vector{record_event("gone", 0, make_record(1, "g1")), record_event("other", 0, make_record(0, "o0"))}));
  EXPECT_EQ(count_rows(db_file(dir), "SELECT count(*) FROM partitions"), 2);
}

// Positions key offsets in 40 bits: an offset outside 0..2^40-1 fails the
// commit with a clear error instead of landing in another partition's rows.
TEST(sqlite_store, offsets_beyond_the_position_key_fail_the_commit) {
  temp_dir dir;
  auto s = open_sqlite(dir.path());
  for (const int64_t bad : {int64_t{1} << 40, int64_t{-1}}) {
    s->append("t", 0, std::vector{make_record(0, "ok"), make_record(bad, "too far")});
    auto r = s->commit();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, core::errc::storage_error);
    EXPECT_NE(r.error().message.find("offset " + std::to_string(bad) + " of t/0 is outside"), std::string::npos)
        << r.error().message;
  }
  EXPECT_TRUE(load_all(*s).empty());
  s->append("t", 0, std::vector{make_record((int64_t{1} << 40) - 1, "last")});
  ASSERT_TRUE(s->commit().has_value());
  s->truncate("t", 0, INT64_MAX);
  s->erase_records("t", 0, std::vector<int64_t>{INT64_MIN, INT64_MAX});
  ASSERT_TRUE(s->commit().has_value());
  EXPECT_TRUE(load_all(*s).empty());
}

TEST(sqlite_store, holds_the_database_exclusively_while_open) {
  temp_dir dir;
  auto s = open_sqlite(dir.path());
  s->append("t", 0, std::vector{make_record(0, "v")});
  ASSERT_TRUE(s->commit().has_value());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_file(dir).c_str(), &raw), SQLITE_OK);
  sqlite::db_ptr h(raw);
  EXPECT_EQ(sqlite3_exec(raw, "SELECT count(*) FROM segments", nullptr, nullptr, nullptr), SQLITE_BUSY);
  s.reset();
  EXPECT_EQ(sqlite3_exec(raw, "SELECT count(*) FROM segments", nullptr, nullptr, nullptr), SQLITE_OK);
}

TEST(sqlite_store, a_corrupt_records_blob_is_a_storage_error) {
  temp_dir dir;
  open_sqlite(dir.path()).reset();
  // Offset 9, then a timestamp cut short.
  raw_exec(db_file(dir), R"(INSERT INTO partitions VALUES (7, 't', 3);
                            INSERT INTO segments VALUES ((7 << 40) + 9, 9, X'09000000000000000000'))");
  auto s = open_sqlite(dir.path());
  capture c;
  auto r = s->load(c);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::storage_error);
  EXPECT_NE(r.error().message.find("corrupt records in t/3 (row from offset 9)"), std::string::npos)
      << r.error().message;
}

TEST(sqlite_store, an_empty_file_is_a_new_store) {
  temp_dir dir;
  std::ofstream(db_file(dir)).flush();
  auto s = open_sqlite(dir.path());
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(load_all(*s).empty());
}

TEST(sqlite_store, a_second_open_in_this_process_is_refused_until_the_first_closes) {
  temp_dir dir;
  auto first = open_sqlite(dir.path());
  auto second = sqlite_store::open(dir.path(), durability::normal);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, core::errc::storage_error);
  EXPECT_NE(second.error().message.find("is in use by"), std::string::npos) << second.error().message;
  EXPECT_NE(second.error().message.find("(pid " + std::to_string(getpid()) + ")"), std::string::npos);
  first.reset();
  EXPECT_NE(open_sqlite(dir.path()), nullptr);
}

TEST(sqlite_store, another_process_holding_the_folder_is_named_by_pid) {
  temp_dir dir;
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = sqlite_store::open(dir.path(), durability::normal);
    char c = s ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    (void)!read(release[0], &c, 1);  // hold the folder until the parent is done
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto s = sqlite_store::open(dir.path(), durability::normal);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message, "data folder " + dir.path().string() +
                                   " is in use by another eventfabric process (pid " + std::to_string(pid) +
                                   ")");
  ASSERT_EQ(write(release[1], &c, 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
  EXPECT_NE(open_sqlite(dir.path()), nullptr);
}

TEST(sqlite_store, durability_modes_set_synchronous_in_wal_mode) {
  const std::pair<durability, int> expected[] = {
      {durability::full, 2}, {durability::normal, 1}, {durability::off, 0}};
  for (auto [mode, level] : expected) {
    temp_dir dir;
    auto s = open_sqlite(dir.path(), mode);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->synchronous_level(), level) << to_string(mode);
    EXPECT_EQ(s->journal_mode(), "wal");
    EXPECT_EQ(s->info().mode, mode);
  }
}

// A trigger planted through a raw connection makes one put fail inside the
// store, which has no way to report it but the next commit().
TEST(sqlite_store, a_failed_write_is_latched_and_reported_by_commit) {
  temp_dir dir;
  open_sqlite(dir.path()).reset();
  raw_exec(db_file(dir),
           "CREATE TRIGGER poison BEFORE INSERT ON kv WHEN NEW.key = CAST('poison' AS BLOB) "
           "BEGIN SELECT RAISE(ABORT, 'poisoned'); END");
  auto s = open_sqlite(dir.path());
  s->put("s", "before", "1");
  s->put("s", "poison", "x");
  s->put("s", "after", "2");  // skipped: the batch is already doomed
  EXPECT_TRUE(s->has_staged());
  auto r = s->commit();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::storage_error);
  EXPECT_NE(r.error().message.find("poisoned"), std::string::npos) << r.error().message;
  EXPECT_FALSE(s->has_staged());
  EXPECT_TRUE(load_all(*s).empty());
  s->put("s", "fine", "3");
  ASSERT_TRUE(s->commit());
  EXPECT_EQ(load_all(*s), std::vector{value_event("s", "fine", "3")});
}

// ---- small pieces --------------------------------------------------------

TEST(store_keys, prefix_upper_bound_increments_past_trailing_0xff) {
  EXPECT_EQ(prefix_upper_bound("a"), "b");
  EXPECT_EQ(prefix_upper_bound("a\0"s), "a\x01"s);
  EXPECT_EQ(prefix_upper_bound("a\xFE"), "a\xFF");
  EXPECT_EQ(prefix_upper_bound("a\xFF\xFF"), "b");
  EXPECT_EQ(prefix_upper_bound("\xFE\xFF"), "\xFF");
  EXPECT_EQ(prefix_upper_bound("\xFF\xFF"), std::nullopt);
  EXPECT_EQ(prefix_upper_bound(""), std::nullopt);
}

TEST(store_options, durability_names_round_trip) {
  for (auto d : {durability::full, durability::normal, durability::off})
    EXPECT_EQ(parse_durability(to_string(d)), d);
  EXPECT_EQ(parse_durability("FULL"), durability::full);
  EXPECT_EQ(parse_durability("fast"), std::nullopt);
  EXPECT_EQ(parse_durability(""), std::nullopt);
  EXPECT_EQ(store_options{}.mode, durability::normal);
}

TEST(store_options, open_store_picks_the_backend) {
  temp_dir dir;
  auto mem = open_store({.data_dir = dir.path() / "unused", .in_memory = true});
  ASSERT_TRUE(mem.has_value());
  EXPECT_EQ(describe(**mem).backend, "memory");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "unused"));
  auto disk = open_store({.data_dir = dir.path() / "data", .mode = durability::full});
  ASSERT_TRUE(disk.has_value()) << disk.error().message;
  EXPECT_EQ(describe(**disk).backend, "sqlite");
  EXPECT_EQ(describe(**disk).mode, durability::full);
}

}  // namespace
}  // namespace eventfabric::store::testing
