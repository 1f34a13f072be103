// The idempotency key store: put/has, TTL on the manual clock, caps, and a
// persistence round trip through store::memory_store.
#include <gtest/gtest.h>

#include <memory>

#include "emulator/delivery/idempotency_store.h"
#include "emulator/store/memory_store.h"

namespace eventfabric::delivery {
namespace {

class restorer final : public core::storage_loader {
 public:
  explicit restorer(idempotency_store& s) : s_(s) {}
  void on_value(std::string_view space, std::string_view key, std::string_view value) override {
    auto r = s_.restore(space, key, value);
    if (!r)
      errors.push_back(r.error().message);
    else if (!*r)
      ++foreign;
  }
  void on_record(std::string_view, int32_t, core::record&&) override {}
  std::vector<std::string> errors;
  int foreign = 0;

 private:
  idempotency_store& s_;
};

class IdempotencyTest : public ::testing::Test {
 protected:
  core::manual_clock clk{1'000'000};
  store::memory_store mem;
  idempotency_store ids{clk, &mem};

  std::unique_ptr<idempotency_store> reopen() {
    EXPECT_TRUE(mem.commit());
    auto fresh = std::make_unique<idempotency_store>(clk, &mem);
    restorer r(*fresh);
    EXPECT_TRUE(mem.load(r));
    EXPECT_TRUE(r.errors.empty());
    return fresh;
  }
};

TEST_F(IdempotencyTest, PutThenHas) {
  EXPECT_FALSE(ids.has("k1"));
  auto first = ids.put("k1", 60);
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);  // 201
  EXPECT_TRUE(ids.has("k1"));
  auto second = ids.put("k1", 60);
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);  // 409
  EXPECT_FALSE(ids.has("k2"));
  EXPECT_EQ(ids.expires_at("k1"), 1'000'000 + 60'000);
}

TEST_F(IdempotencyTest, SecondPutDoesNotExtendTheTtl) {
  ASSERT_TRUE(ids.put("k", 10));
  clk.advance(5'000);
  ASSERT_FALSE(*ids.put("k", 100));
  clk.advance(5'000);
  EXPECT_FALSE(ids.has("k"));
}

TEST_F(IdempotencyTest, ExpiresWithTheClock) {
  ASSERT_TRUE(ids.put("k", 30));
  clk.advance(29'999);
  EXPECT_TRUE(ids.has("k"));
  clk.advance(1);
  EXPECT_FALSE(ids.has("k"));
  EXPECT_FALSE(ids.expires_at("k"));
  auto again = ids.put("k", 30);  // expired counts as absent: 201 again
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again);
  EXPECT_TRUE(ids.has("k"));
}

TEST_F(IdempotencyTest, PurgeErasesExpiredKeysFromTheStore) {
  ASSERT_TRUE(ids.put("short", 1));
  ASSERT_TRUE(ids.put("long", 100));
  clk.advance(2'000);
  EXPECT_EQ(ids.purge_expired(), 1u);
  EXPECT_EQ(ids.size(), 1u);
  auto fresh = reopen();
  EXPECT_EQ(fresh->size(), 1u);
  EXPECT_TRUE(fresh->has("long"));
}

TEST_F(IdempotencyTest, SurvivesARestartThroughTheStore) {
  ASSERT_TRUE(ids.put("a", 10));
  ASSERT_TRUE(ids.put(std::string("with\0nul", 8), 20));
  ASSERT_TRUE(ids.put("c", 30));
  EXPECT_TRUE(ids.erase("c"));
  auto fresh = reopen();
  EXPECT_TRUE(fresh->has("a"));
  EXPECT_TRUE(fresh->has(std::string("with\0nul", 8)));
  EXPECT_FALSE(fresh->has("c"));
  EXPECT_EQ(fresh->expires_at("a"), ids.expires_at("a"));
  EXPECT_FALSE(*fresh->put("a", 10));  // still a duplicate after the restart
  clk.advance(10'000);
  EXPECT_FALSE(fresh->has("a"));
  EXPECT_TRUE(fresh->has(std::string("with\0nul", 8)));
}

TEST_F(IdempotencyTest, UncommittedWritesAreNotRestored) {
  ASSERT_TRUE(ids.put("a", 10));
  mem.rollback();
  auto fresh = reopen();
  EXPECT_FALSE(fresh->has("a"));
}

TEST_F(IdempotencyTest, IgnoresOtherSpacesAndRejectsCorruptValues) {
  EXPECT_FALSE(*ids.restore("topic", "x", "y"));
  auto bad = ids.restore(kIdempotencySpace, "k", "garbage");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::errc::storage_error);
}

TEST_F(IdempotencyTest, ClearForgetsEverything) {
  ASSERT_TRUE(ids.put("a", 10));
  ids.clear();
  EXPECT_FALSE(ids.has("a"));
  EXPECT_EQ(ids.size(), 0u);
}

TEST(Idempotency, BoundsAreEnforcedWithClearErrors) {
  core::manual_clock clk;
  idempotency_store ids(clk, nullptr, {.max_key_bytes = 8, .max_entries = 2, .max_ttl_seconds = 100});
  auto empty = ids.put("", 10);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, core::errc::invalid_argument);
  auto long_key = ids.put("123456789", 10);
  ASSERT_FALSE(long_key);
  EXPECT_EQ(long_key.error().code, core::errc::too_large);
  EXPECT_NE(long_key.error().message.find("limit is 8"), std::string::npos);
  EXPECT_TRUE(ids.put("12345678", 10));
  EXPECT_FALSE(ids.put("k", 0));
  EXPECT_FALSE(ids.put("k", -5));
  EXPECT_FALSE(ids.put("k", 101));
  EXPECT_EQ(ids.put("k", 0).error().detail("field"), "ttl");

  ASSERT_TRUE(ids.put("k2", 10));
  auto full = ids.put("k3", 10);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, core::errc::rejected);
  EXPECT_NE(full.error().message.find("full"), std::string::npos);
  EXPECT_FALSE(*ids.put("k2", 10));  // a present key is still a 409, not "full"
  clk.advance(10'000);               // both expire: room again
  EXPECT_TRUE(*ids.put("k3", 10));
}

TEST(Idempotency, AttachesToTheBrokerAsAnExtension) {
  core::manual_clock clk;
  store::memory_store mem;
  {
    core::broker b({.clk = &clk, .store = &mem});
    idempotency_store ids(clk, &mem);
    b.attach(ids);
    ASSERT_TRUE(b.recover());
    ASSERT_TRUE(ids.put("evt-1", 60));
    ASSERT_TRUE(b.sync());
  }
  core::broker b({.clk = &clk, .store = &mem});
  idempotency_store ids(clk, &mem);
  b.attach(ids);
  ASSERT_TRUE(b.recover());
  EXPECT_TRUE(ids.has("evt-1"));
}

TEST(Idempotency, AFailedBrokerCommitForgetsUncommittedKeys) {
  core::manual_clock clk;
  store::memory_store mem;
  core::broker b({.clk = &clk, .store = &mem});
  idempotency_store ids(clk, &mem);
  b.attach(ids);
  ASSERT_TRUE(b.recover());
  ASSERT_TRUE(ids.put("kept", 60));
  ASSERT_TRUE(b.sync());
  ASSERT_TRUE(ids.put("lost", 60));
  mem.fail_next_commits(1);
  EXPECT_FALSE(b.sync());
  EXPECT_TRUE(ids.has("kept"));
  EXPECT_FALSE(ids.has("lost"));  // memory does not stay ahead of the store
  EXPECT_TRUE(*ids.put("lost", 60));
}

}  // namespace
}  // namespace eventfabric::delivery
