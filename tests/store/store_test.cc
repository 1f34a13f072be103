// One scenario, three backends: every test here runs against memory_store,
// sqlite_store and journaled_store (in a fresh temp folder) and requires the
// same results.

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/store/store_test_util.h"

namespace eventfabric::store::testing {
namespace {

template <class Store>
struct backend;

template <>
struct backend<memory_store> {
  static std::unique_ptr<memory_store> open(const std::filesystem::path&) {
    return std::make_unique<memory_store>();
  }
};

template <>
struct backend<sqlite_store> {
  static std::unique_ptr<sqlite_store> open(const std::filesystem::path& dir) { return open_sqlite(dir); }
};

// A tiny threshold, so the journal moves into SQLite several times per test.
template <>
struct backend<journaled_store> {
  static std::unique_ptr<journaled_store> open(const std::filesystem::path& dir) { return open_journaled(dir, 256); }
};

template <class Store>
class store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend<Store>::open(dir_.path());
    ASSERT_NE(store_, nullptr);
  }
  Store& store() { return *store_; }
  void commit_ok() {
    auto r = store_->commit();
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }

  temp_dir dir_;
  std::unique_ptr<Store> store_;
};

using backends = ::testing::Types<memory_store, sqlite_store, journaled_store>;
TYPED_TEST_SUITE(store_test, backends);

TYPED_TEST(store_test, empty_store_loads_nothing) { EXPECT_TRUE(load_all(this->store()).empty()); }

TYPED_TEST(store_test, records_load_ordered_by_topic_partition_offset) {
  auto& s = this->store();
  s.append("b", 0, std::vector{make_record(0, "b0")});
  s.append("a", 1, std::vector{make_record(5, "a1-5"), make_record(3, "a1-3")});
  s.append("a", 0, std::vector{make_record(2, "a0-2")});
  s.append("a", -1, std::vector{make_record(7, "a-1")});
  s.append("a", 0, std::vector{make_record(1, "a0-1")});
  this->commit_ok();
  EXPECT_EQ(load_all(s),
            (std::vector{
                record_event("a", -1, make_record(7, "a-1")), record_event("a", 0, make_record(1, "a0-1")),
                record_event("a", 0, make_record(2, "a0-2")), record_event("a", 1, make_record(3, "a1-3")),
                record_event("a", 1, make_record(5, "a1-5")), record_event("b", 0, make_record(0, "b0"))}));
}

TYPED_TEST(store_test, record_fields_round_trip) {
  auto& s = this->store();
  const auto with_key = make_record(0, "v\0x"s, "k\0"s, {{"h\0"s, "\xFF"s}, {"", ""}, {"h", "2"}}, -5);
  const auto empty_key = make_record(1, "", ""s, {}, 0);
  const auto null_key = make_record(2, "v", std::nullopt, {}, INT64_MAX);
  s.append("t", 0, std::vector{with_key, empty_key, null_key});
  this->commit_ok();
  EXPECT_EQ(load_all(s), (std::vector{record_event("t", 0, with_key), record_event("t", 0, empty_key),
                                      record_event("t", 0, null_key)}));
}

TYPED_TEST(store_test, append_replaces_a_record_at_the_same_offset) {
  auto& s = this->store();
  s.append("t", 0, std::vector{make_record(4, "old")});
  this->commit_ok();
  s.append("t", 0, std::vector{make_record(4, "new", "k"s)});
  this->commit_ok();
  EXPECT_EQ(load_all(s), std::vector{record_event("t", 0, make_record(4, "new", "k"s))});
}

TYPED_TEST(store_test, values_come_first_ordered_by_space_then_key) {
  auto& s = this->store();
  s.append("a", 0, std::vector{make_record(0, "r")});
  s.put("topic", "b", "1");
  s.put("qmsg", "\xFF", "2");
  s.put("qmsg", "\x01", "3");
  s.put("qmsg", "", "4");
  this->commit_ok();
  EXPECT_EQ(load_all(s), (std::vector{value_event("qmsg", "", "4"), value_event("qmsg", "\x01", "3"),
                                      value_event("qmsg", "\xFF", "2"), value_event("topic", "b", "1"),
                                      record_event("a", 0, make_record(0, "r"))}));
}

TYPED_TEST(store_test, erase_records_removes_only_the_named_offsets) {
  auto& s = this->store();
  s.append("t", 0, std::vector{make_record(0, "0"), make_record(1, "1"), make_record(2, "2")});
  s.append("t", 1, std::vector{make_record(1, "p1")});
  this->commit_ok();
  s.erase_records("t", 0, std::vector<int64_t>{1, 9});
  s.erase_records("missing", 0, std::vector<int64_t>{0});
  this->commit_ok();
  EXPECT_EQ(load_all(s),
            (std::vector{record_event("t", 0, make_record(0, "0")), record_event("t", 0, make_record(2, "2")),
                         record_event("t", 1, make_record(1, "p1"))}));
}

TYPED_TEST(store_test, truncate_removes_offsets_below_in_one_partition) {
  auto& s = this->store();
  for (int32_t p : {0, 1})
    s.append("t", p, std::vector{make_record(0, "0"), make_record(1, "1"), make_record(2, "2")});
  s.append("u", 0, std::vector{make_record(0, "u")});
  this->commit_ok();
  s.truncate("t", 0, 2);
  s.truncate("t", 1, 0);
  s.truncate("missing", 0, 100);
  this->commit_ok();
  EXPECT_EQ(load_all(s),
            (std::vector{record_event("t", 0, make_record(2, "2")), record_event("t", 1, make_record(0, "0")),
                         record_event("t", 1, make_record(1, "1")), record_event("t", 1, make_record(2, "2")),
                         record_event("u", 0, make_record(0, "u"))}));
}

TYPED_TEST(store_test, drop_records_removes_one_topic_only) {
  auto& s = this->store();
  s.append("a", 0, std::vector{make_record(0, "a0")});
  s.append("a", 3, std::vector{make_record(0, "a3")});
  s.append("ab", 0, std::vector{make_record(0, "ab")});
  s.put("a", "k", "v");  // a space named like the topic is untouched
  this->commit_ok();
  s.drop_records("a");
  this->commit_ok();
  EXPECT_EQ(load_all(s),
            (std::vector{value_event("a", "k", "v"), record_event("ab", 0, make_record(0, "ab"))}));
}

TYPED_TEST(store_test, put_overwrites_and_erase_removes) {
  auto& s = this->store();
  s.put("s", "k", "1");
  s.put("s", "k", "2");
  s.put("s", "gone", "x");
  s.put("other", "k", "o");
  this->commit_ok();
  s.erase("s", "gone");
  s.erase("s", "never");
  this->commit_ok();
  EXPECT_EQ(load_all(s), (std::vector{value_event("other", "k", "o"), value_event("s", "k", "2")}));
}

TYPED_TEST(store_test, keys_and_values_are_arbitrary_bytes) {
  auto& s = this->store();
  s.put("s", "", "empty key");
  s.put("s", "\0"s, "");
  s.put("s", "\0\0"s, "\0v\0"s);
  s.put("s", "a\0b"s, "1");
  s.put("s", "a"s, "2");
  this->commit_ok();
  s.erase("s", "a\0b"s);  // must not touch "a"
  this->commit_ok();
  EXPECT_EQ(load_all(s), (std::vector{value_event("s", "", "empty key"), value_event("s", "\0"s, ""),
                                      value_event("s", "\0\0"s, "\0v\0"s), value_event("s", "a", "2")}));
}

TYPED_TEST(store_test, erase_prefix_matches_byte_prefixes_including_0xff_edges) {
  std::vector<std::string> keys = {""s,      "\0"s,        "a"s,        "a\0"s,         "a\0b"s, "a\x01"s,
                                   "a\xFE"s, "a\xFE\xFF"s, "a\xFF"s,    "a\xFF\xFF"s,   "ab"s,   "b"s,
                                   "\xFF"s,  "\xFF\0"s,    "\xFF\xFF"s, "\xFF\xFF\xFF"s};
  const std::vector<std::string> prefixes = {"a"s,    "a\0"s,      "a\xFE"s, "a\xFF"s, "a\xFF\xFF"s,
                                             "\xFF"s, "\xFF\xFF"s, ""s,      "zz"s,    "ab\0"s};
  std::sort(keys.begin(), keys.end());  // load() order: unsigned bytes
  for (const auto& prefix : prefixes) {
    SCOPED_TRACE(::testing::PrintToString(prefix));
    temp_dir dir;
    auto store = backend<TypeParam>::open(dir.path());
    for (const auto& k : keys) store->put("s", k, "v");
    store->put("t", "a", "other space");
    ASSERT_TRUE(store->commit());
    store->erase_prefix("s", prefix);
    ASSERT_TRUE(store->commit());
    std::vector<event> expected;
    for (const auto& k : keys)
      if (!k.starts_with(prefix)) expected.push_back(value_event("s", k, "v"));
    expected.push_back(value_event("t", "a", "other space"));
    EXPECT_EQ(load_all(*store), expected);
  }
}

TYPED_TEST(store_test, rollback_discards_everything_staged) {
  auto& s = this->store();
  s.put("s", "kept", "1");
  s.append("t", 0, std::vector{make_record(0, "kept")});
  this->commit_ok();
  s.put("s", "dropped", "2");
  s.erase("s", "kept");
  s.append("t", 0, std::vector{make_record(1, "dropped")});
  s.truncate("t", 0, 1);
  EXPECT_TRUE(s.has_staged());
  s.rollback();
  EXPECT_FALSE(s.has_staged());
  EXPECT_EQ(load_all(s),
            (std::vector{value_event("s", "kept", "1"), record_event("t", 0, make_record(0, "kept"))}));
  s.put("s", "after", "3");  // the store stays usable
  this->commit_ok();
  EXPECT_EQ(load_all(s).size(), 3u);
}

TYPED_TEST(store_test, load_is_refused_while_writes_are_staged) {
  auto& s = this->store();
  s.put("s", "k", "v");
  capture c;
  auto r = s.load(c);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::precondition_failed);
  EXPECT_TRUE(c.events.empty());
}

TYPED_TEST(store_test, empty_batches_stage_nothing) {
  auto& s = this->store();
  s.append("t", 0, std::span<const core::record>{});
  s.erase_records("t", 0, std::span<const int64_t>{});
  EXPECT_FALSE(s.has_staged());
  s.truncate("t", 0, 5);  // a no-op delete is still a staged write
  EXPECT_TRUE(s.has_staged());
}

TYPED_TEST(store_test, a_failed_commit_acts_as_rollback) {
  auto& s = this->store();
  s.put("s", "a", "1");
  this->commit_ok();
  s.fail_next_commits(2);
  s.put("s", "b", "2");
  auto first = s.commit();
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code, core::errc::storage_error);
  EXPECT_FALSE(s.has_staged());
  EXPECT_FALSE(s.commit().has_value());  // an empty commit fails too while injected
  EXPECT_EQ(s.commits(), 1u);
  EXPECT_EQ(load_all(s), std::vector{value_event("s", "a", "1")});
  s.put("s", "c", "3");
  this->commit_ok();
  EXPECT_EQ(s.commits(), 2u);
  EXPECT_EQ(load_all(s), (std::vector{value_event("s", "a", "1"), value_event("s", "c", "3")}));
}

TYPED_TEST(store_test, commits_counts_successful_commits_including_empty_ones) {
  auto& s = this->store();
  EXPECT_EQ(s.commits(), 0u);
  this->commit_ok();
  s.put("s", "k", "v");
  this->commit_ok();
  EXPECT_EQ(s.commits(), 2u);
}

TYPED_TEST(store_test, large_values_round_trip) {
  auto& s = this->store();
  std::string big(1 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  const std::string big_key(64 * 1024, '\xFF');
  const auto r = make_record(0, big, big_key, {{"h", big.substr(0, 4096)}});
  s.append("t", 0, std::vector{r});
  s.put("s", big_key, big);
  this->commit_ok();
  EXPECT_EQ(load_all(s), (std::vector{value_event("s", big_key, big), record_event("t", 0, r)}));
}

TYPED_TEST(store_test, later_writes_in_a_batch_see_earlier_ones) {
  auto& s = this->store();
  s.append("t", 0, std::vector{make_record(0, "0"), make_record(1, "1")});
  s.truncate("t", 0, 1);
  s.append("t", 0, std::vector{make_record(0, "again")});
  s.put("s", "ab", "1");
  s.erase_prefix("s", "a");
  s.put("s", "ac", "2");
  this->commit_ok();
  EXPECT_EQ(load_all(s),
            (std::vector{value_event("s", "ac", "2"), record_event("t", 0, make_record(0, "again")),
                         record_event("t", 0, make_record(1, "1"))}));
}


// Each commit after the first appends without reading the partition's last
// offset back (sqlite caches it); removals, failed commits and rollbacks in
// between must not leave it wrong.
TYPED_TEST(store_test, appends_across_commits_after_removals_failures_and_rollbacks) {
  auto& s = this->store();
  auto run = [&](int from, int to, const std::string& tag) {
    std::vector<core::record> rs;
    for (int i = from; i < to; ++i) rs.push_back(make_record(i, tag + std::to_string(i)));
    s.append("t", 0, rs);
  };
  run(0, 5, "a");
  this->commit_ok();
  run(5, 7, "b");
  this->commit_ok();
  s.erase_records("t", 0, std::vector<int64_t>{6});
  this->commit_ok();
  run(6, 8, "c");  // 6 again, below the highest offset ever stored
  this->commit_ok();
  s.fail_next_commits(1);
  run(8, 9, "lost");
  EXPECT_FALSE(s.commit().has_value());
  run(8, 9, "d");
  s.rollback();
  run(8, 10, "e");
  this->commit_ok();
  std::vector<event> expected;
  for (int i = 0; i < 10; ++i) {
    const std::string tag = i < 5 ? "a" : i < 6 ? "b" : i < 8 ? "c" : "e";
    expected.push_back(record_event("t", 0, make_record(i, tag + std::to_string(i))));
  }
  EXPECT_EQ(load_all(s), expected);
  s.truncate("t", 0, 10);  // every row gone
  this->commit_ok();
  run(3, 4, "f");  // far below the highest offset ever stored
  run(10, 11, "g");
  this->commit_ok();
  s.drop_records("t");
  this->commit_ok();
  run(0, 2, "h");
  this->commit_ok();
  run(2, 3, "i");
  this->commit_ok();
  EXPECT_EQ(load_all(s), (std::vector{record_event("t", 0, make_record(0, "h0")),
                                      record_event("t", 0, make_record(1, "h1")),
                                      record_event("t", 0, make_record(2, "i2"))}));
  s.truncate("t", 0, 1);
  run(1, 2, "j");
  run(3, 4, "k");
  this->commit_ok();
  EXPECT_EQ(load_all(s), (std::vector{record_event("t", 0, make_record(1, "j1")),
                                      record_event("t", 0, make_record(2, "i2")),
                                      record_event("t", 0, make_record(3, "k3"))}));
}

}  // namespace
}  // namespace eventfabric::store::testing
