// State and output comparison, and delta debugging of schedules.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "emulator/harness/compare.h"
#include "emulator/harness/shrink.h"

namespace eventfabric::harness {
namespace {

TEST(DiffState, EqualDocumentsInAnyKeyOrderHaveNoDifference) {
  auto d = diff_state(R"({"a":1,"b":{"c":[1,2]}})", R"({"b":{"c":[1,2]},"a":1.0})", {});
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->empty());
}

TEST(DiffState, DifferencesNameThePointerAndBothSides) {
  auto d = diff_state(R"({"balances":{"a/b":100,"c":5},"n":[1]})", R"({"balances":{"a/b":200},"n":[1,2]})", {});
  ASSERT_TRUE(d);
  ASSERT_EQ(d->size(), 3u);
  EXPECT_EQ((*d)[0], (state_difference{"/balances/a~1b", "100", "200"}));
  EXPECT_EQ((*d)[1], (state_difference{"/balances/c", "5", std::nullopt}));
  EXPECT_EQ((*d)[2], (state_difference{"/n/1", std::nullopt, "2"}));
}

TEST(DiffState, IgnoredPointersAndWildcards) {
  auto d = diff_state(R"({"updated_at":"x","rows":[{"id":1,"at":"t1"},{"id":2,"at":"t2"}]})",
                      R"({"updated_at":"y","rows":[{"id":1,"at":"t3"},{"id":2,"at":"t4"}]})",
                      {"/updated_at", "/rows/*/at"});
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->empty());
}

TEST(DiffState, NotJsonIsAnError) {
  EXPECT_FALSE(diff_state("{}", "{", {}));
  EXPECT_FALSE(diff_state("nope", "{}", {}));
}

TEST(DiffOutput, AMultisetByTypePayloadAndKey) {
  const published a{"t", R"({"type":"a.b.v1","payload":{"x":1,"y":2},"metadata":{"partition_key":"k"}})"};
  const published a_reordered{"t", R"({"metadata":{"partition_key":"k"},"payload":{"y":2,"x":1},"type":"a.b.v1","id":"other"})"};
  const published b{"t", R"({"type":"a.b.v1","payload":{"x":2},"metadata":{"partition_key":"k"}})"};
  EXPECT_TRUE(diff_output({a, b}, {b, a_reordered}).empty());  // order and envelope ids do not matter
  auto d = diff_output({a, b}, {a, a, b});
  EXPECT_TRUE(d.missing.empty());
  ASSERT_EQ(d.extra.size(), 1u);
  EXPECT_EQ(d.extra[0].payload, R"({"x":1,"y":2})");
  d = diff_output({a, b}, {a});
  ASSERT_EQ(d.missing.size(), 1u);
}

faults::schedule numbered(int n) {
  faults::schedule s;
  for (int i = 0; i < n; ++i) {
    faults::fault f;
    f.position = i + 1;
    s.push_back(f);
  }
  return s;
}

bool has(const faults::schedule& s, int64_t pos) {
  return std::ranges::any_of(s, [&](const faults::fault& f) { return f.position == pos; });
}

TEST(Shrink, FindsTheTwoFaultsThatTogetherFail) {
  int calls = 0;
  auto r = shrink(numbered(40), [&](const faults::schedule& s) {
    ++calls;
    return has(s, 7) && has(s, 31);
  });
  ASSERT_EQ(r.minimal.size(), 2u);
  EXPECT_TRUE(has(r.minimal, 7) && has(r.minimal, 31));
  EXPECT_EQ(r.tries, calls);
  EXPECT_FALSE(r.exhausted);
}

TEST(Shrink, AFailureWithoutFaultsShrinksToEmpty) {
  auto r = shrink(numbered(5), [](const faults::schedule&) { return true; });
  EXPECT_TRUE(r.minimal.empty());
  EXPECT_EQ(r.tries, 1);
}

TEST(Shrink, StopsAtMaxTries) {
  auto r = shrink(numbered(64), [](const faults::schedule& s) { return s.size() >= 10; }, 5);
  EXPECT_TRUE(r.exhausted);
  EXPECT_EQ(r.tries, 5);
  EXPECT_GE(r.minimal.size(), 10u);
}

RC_GTEST_PROP(Shrink, ResultFailsAndIsOneMinimal, ()) {
  const int n = *rc::gen::inRange(1, 60);
  const auto needed = *rc::gen::container<std::vector<int>>(*rc::gen::inRange(1, 4), rc::gen::inRange(1, n + 1));
  auto fails = [&](const faults::schedule& s) {
    return std::ranges::all_of(needed, [&](int p) { return has(s, p); });
  };
  auto r = shrink(numbered(n), fails, 10'000);
  RC_ASSERT(fails(r.minimal));
  for (std::size_t i = 0; i < r.minimal.size(); ++i) {
    auto less = r.minimal;
    less.erase(less.begin() + static_cast<std::ptrdiff_t>(i));
    RC_ASSERT(!fails(less));
  }
}

}  // namespace
}  // namespace eventfabric::harness
