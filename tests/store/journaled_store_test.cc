// journaled_store only: what the journal file holds, replay on open, torn and
// damaged journals, replaying twice, and the move into SQLite at the
// threshold. (The shared semantics: store_test.cc, compat_test.cc; kill -9:
// crash_test.cc.)

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "emulator/store/journal_format.h"
#include "tests/store/store_test_util.h"

namespace eventfabric::store::testing {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// An empty store folder (database created, journal empty).
void make_empty_folder(const std::filesystem::path& dir) {
  auto s = open_journaled(dir);
  ASSERT_NE(s, nullptr);
}

// Commits `n` seeded random batches into a store that never moves its journal
// (threshold 1 GiB) and into `model`; returns the journal's bytes as they
// stand before the store closes.
std::string journal_after(const std::filesystem::path& dir, uint64_t seed, int n, memory_store& model) {
  auto s = open_journaled(dir, std::size_t{1} << 30);
  EXPECT_NE(s, nullptr);
  if (!s) return {};
  std::mt19937_64 rng(seed);
  for (int i = 0; i < n; ++i) {
    const auto batch = random_batch(rng);
    apply_ops(batch, *s);
    apply_ops(batch, model);
    EXPECT_TRUE(s->commit().has_value());
    EXPECT_TRUE(model.commit().has_value());
  }
  EXPECT_EQ(s->applies(), 0u);
  EXPECT_EQ(std::filesystem::file_size(s->journal_path()), s->journal_bytes());
  return read_file(s->journal_path());
}

TEST(journaled_store, a_commit_is_one_frame_in_the_journal_and_nothing_in_sqlite_yet) {
  temp_dir dir;
  auto s = open_journaled(dir.path(), std::size_t{1} << 30);
  ASSERT_NE(s, nullptr);
  s->put("topic", "orders", "config");
  s->append("orders", 0, std::vector{make_record(0, "a", "k"s)});
  EXPECT_EQ(s->journal_bytes(), 0u);
  ASSERT_TRUE(s->commit().has_value());
  const std::string bytes = read_file(s->journal_path());
  EXPECT_EQ(bytes.size(), s->journal_bytes());
  std::size_t frames = 0;
  const auto scan = journal::scan_frames(bytes, [&](std::string_view payload) {
    memory_store m;
    EXPECT_TRUE(journal::apply_payload(payload, m));
    EXPECT_TRUE(m.commit().has_value());
    EXPECT_EQ(load_all(m), (std::vector{value_event("topic", "orders", "config"),
                                        record_event("orders", 0, make_record(0, "a", "k"s))}));
    ++frames;
    return true;
  });
  EXPECT_EQ(frames, 1u);
  EXPECT_EQ(scan.valid_bytes, bytes.size());
  EXPECT_EQ(s->applies(), 0u);
  // An empty commit writes nothing.
  ASSERT_TRUE(s->commit().has_value());
  EXPECT_EQ(read_file(s->journal_path()).size(), bytes.size());
}

TEST(journaled_store, open_replays_the_journal_and_drops_a_torn_tail) {
  temp_dir source, target;
  memory_store model;
  const std::string bytes = journal_after(source.path(), 11, 40, model);
  ASSERT_FALSE(bytes.empty());
  make_empty_folder(target.path());
  // A frame cut short (a process killed inside its pwrite): whole frames
  // replay, the torn one is dropped.
  write_file(target.path() / "journal", bytes + bytes.substr(0, journal::kHeaderSize + 3));
  auto s = open_journaled(target.path());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->applies(), 1u);
  EXPECT_EQ(s->journal_bytes(), 0u);
  EXPECT_EQ(std::filesystem::file_size(target.path() / "journal"), 0u);
  EXPECT_EQ(load_all(*s), load_all(model));
}

TEST(journaled_store, a_frame_with_a_bad_checksum_ends_the_journal) {
  temp_dir dir;
  auto s = open_journaled(dir.path(), std::size_t{1} << 30);
  ASSERT_NE(s, nullptr);
  s->put("kv", "a", "1");
  ASSERT_TRUE(s->commit().has_value());
  const std::size_t first = s->journal_bytes();
  s->put("kv", "b", "2");
  ASSERT_TRUE(s->commit().has_value());
  std::string bytes = read_file(s->journal_path());
  s.reset();
  bytes[first + journal::kHeaderSize + 2] ^= 0x40;  // inside the second frame's payload
  temp_dir target;
  make_empty_folder(target.path());
  write_file(target.path() / "journal", bytes);
  auto t = open_journaled(target.path());
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(load_all(*t), std::vector{value_event("kv", "a", "1")});
}

TEST(journaled_store, a_damaged_frame_with_a_good_checksum_refuses_to_open_and_changes_nothing) {
  temp_dir dir;
  make_empty_folder(dir.path());
  const std::string payload = "\x63garbage";  // opcode 0x63 does not exist
  uint32_t header[3] = {journal::kMagic, static_cast<uint32_t>(payload.size()),
                        static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0),
                                                    reinterpret_cast<const Bytef*>(payload.data()),
                                                    static_cast<uInt>(payload.size())))};
  std::string bytes(reinterpret_cast<const char*>(header), sizeof header);
  bytes += payload;
  write_file(dir.path() / "journal", bytes);
  auto s = journaled_store::open(dir.path(), durability::normal);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, core::errc::storage_error);
  EXPECT_NE(s.error().message.find("damaged at byte 0"), std::string::npos) << s.error().message;
  EXPECT_EQ(read_file(dir.path() / "journal"), bytes);
}

TEST(journaled_store, replaying_a_journal_twice_changes_nothing) {
  // A crash between SQLite's commit and the journal's truncation replays
  // frames SQLite already holds: every write is an overwrite or a removal of
  // fixed positions, so the result is the same.
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    temp_dir dir;
    memory_store model;
    const std::string bytes = journal_after(dir.path(), seed, 60, model);  // closing moved it into SQLite
    write_file(dir.path() / "journal", bytes);
    auto s = open_journaled(dir.path());
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(load_all(*s), load_all(model));
  }
}

TEST(journaled_store, commits_past_the_threshold_move_the_journal_into_sqlite) {
  temp_dir dir;
  memory_store model;
  {
    auto s = open_journaled(dir.path(), 4096, durability::normal, /*background_moves=*/false);
    ASSERT_NE(s, nullptr);
    for (int i = 0; i < 200; ++i) {
      const std::vector batch{make_record(i, std::string(100, 'x'))};
      s->append("t", 0, batch);
      model.append("t", 0, batch);
      ASSERT_TRUE(s->commit().has_value());
      ASSERT_TRUE(model.commit().has_value());
      ASSERT_LT(s->journal_bytes(), 4096u + 200u);
    }
    EXPECT_GE(s->applies(), 5u);
    EXPECT_FALSE(s->move_pending());
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "journal.sealed"));
    EXPECT_EQ(std::filesystem::file_size(s->journal_path()), s->journal_bytes());
    EXPECT_EQ(s->commits(), 200u);
  }
  // What a move took is in SQLite itself: sqlite_store alone reads it back
  // (the close moved the rest).
  auto db = open_sqlite(dir.path());
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(load_all(*db), load_all(model));
}

TEST(journaled_store, background_moves_lose_nothing_and_leave_no_sealed_file) {
  temp_dir dir;
  memory_store model;
  std::mt19937_64 rng(5);
  {
    auto s = open_journaled(dir.path(), 2048);
    ASSERT_NE(s, nullptr);
    for (int i = 0; i < 400; ++i) {
      const auto batch = random_batch(rng);
      apply_ops(batch, *s);
      apply_ops(batch, model);
      ASSERT_TRUE(s->commit().has_value());
      ASSERT_TRUE(model.commit().has_value());
      if (i % 100 == 99) ASSERT_EQ(load_all(*s), load_all(model));  // waits for the mover
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "journal.sealed"));
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "journal"), 0u);
  auto db = open_sqlite(dir.path());
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(load_all(*db), load_all(model));
}

TEST(journaled_store, a_running_move_holds_the_journal_below_twice_the_threshold) {
  temp_dir dir;
  memory_store model;
  auto s = open_journaled(dir.path(), 1024);
  ASSERT_NE(s, nullptr);
  for (int i = 0; i < 2000; ++i) {
    const std::vector batch{make_record(i, std::string(64, 'v'))};
    s->append("t", i % 3, batch);
    model.append("t", i % 3, batch);
    ASSERT_TRUE(s->commit().has_value());
    ASSERT_TRUE(model.commit().has_value());
    // One frame may cross the bound before the commit that wrote it waits.
    ASSERT_LT(s->journal_bytes(), 2 * 1024u + 200u);
  }
  EXPECT_EQ(load_all(*s), load_all(model));
}

TEST(journaled_store, a_sealed_journal_left_by_a_crash_replays_before_the_active_one) {
  temp_dir source, target;
  std::string older, newer;
  {
    auto s = open_journaled(source.path(), std::size_t{1} << 30);
    ASSERT_NE(s, nullptr);
    s->put("kv", "k", "older");
    s->append("t", 0, std::vector{make_record(0, "a")});
    ASSERT_TRUE(s->commit().has_value());
    older = read_file(s->journal_path());
    s->put("kv", "k", "newer");
    s->truncate("t", 0, 1);
    ASSERT_TRUE(s->commit().has_value());
    newer = read_file(s->journal_path()).substr(older.size());
  }
  make_empty_folder(target.path());
  write_file(target.path() / "journal.sealed", older);
  write_file(target.path() / "journal", newer);
  auto s = open_journaled(target.path());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(load_all(*s), std::vector{value_event("kv", "k", "newer")});
  EXPECT_FALSE(std::filesystem::exists(target.path() / "journal.sealed"));
}

TEST(journaled_store, open_store_uses_the_journal_and_describes_it_as_sqlite) {
  temp_dir dir;
  store_options opts;
  opts.data_dir = dir.path();
  auto s = open_store(opts);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_NE(dynamic_cast<journaled_store*>(s->get()), nullptr);
  EXPECT_EQ(describe(**s).backend, "sqlite");
  EXPECT_EQ(describe(**s).schema_version, 3);
}

}  // namespace
}  // namespace eventfabric::store::testing
