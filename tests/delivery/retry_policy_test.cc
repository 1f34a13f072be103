// Backoff: exact sequence, cap, jitter bounds, determinism, validation.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "emulator/delivery/retry_policy.h"

namespace eventfabric::delivery {
namespace {

TEST(RetryPolicy, ExactSequenceWithoutJitter) {
  retry_policy p{.initial_delay_ms = 100, .multiplier = 2.0, .max_delay_ms = 1000, .max_attempts = 10};
  ASSERT_TRUE(p.validate());
  core::random rng(1);
  std::vector<int64_t> got;
  for (int32_t n = 1; n <= 7; ++n) got.push_back(p.delay_for(n, rng));
  EXPECT_EQ(got, (std::vector<int64_t>{100, 200, 400, 800, 1000, 1000, 1000}));
  // No jitter draws nothing.
  core::random fresh(1);
  EXPECT_EQ(rng.next_u64(), fresh.next_u64());
}

TEST(RetryPolicy, FractionalMultiplierAndHugeAttemptsStayCapped) {
  retry_policy p{.initial_delay_ms = 1000, .multiplier = 1.5, .max_delay_ms = 5000};
  EXPECT_EQ(p.base_delay(1), 1000);
  EXPECT_EQ(p.base_delay(2), 1500);
  EXPECT_EQ(p.base_delay(3), 2250);
  EXPECT_EQ(p.base_delay(4), 3375);
  EXPECT_EQ(p.base_delay(5), 5000);
  EXPECT_EQ(p.base_delay(1'000'000), 5000);
  retry_policy constant{.initial_delay_ms = 7, .multiplier = 1.0, .max_delay_ms = 7};
  EXPECT_EQ(constant.base_delay(50), 7);
}

TEST(RetryPolicy, SameSeedSameJitter) {
  retry_policy p{.initial_delay_ms = 100, .max_delay_ms = 100'000, .jitter = jitter_mode::full};
  core::random a(5), b(5), c(6);
  std::vector<int64_t> va, vb, vc;
  for (int32_t n = 1; n <= 20; ++n) {
    va.push_back(p.delay_for(n, a));
    vb.push_back(p.delay_for(n, b));
    vc.push_back(p.delay_for(n, c));
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
}

RC_GTEST_PROP(RetryPolicyProperty, FullJitterWithinZeroAndBase, (uint64_t seed)) {
  retry_policy p{.initial_delay_ms = *rc::gen::inRange<int64_t>(0, 5000),
                 .multiplier = *rc::gen::inRange(10, 40) / 10.0,
                 .max_delay_ms = 60'000,
                 .jitter = jitter_mode::full};
  RC_ASSERT(p.validate().has_value());
  core::random rng(seed);
  for (int32_t n = 1; n <= 30; ++n) {
    const int64_t d = p.delay_for(n, rng);
    RC_ASSERT(d >= 0);
    RC_ASSERT(d <= p.base_delay(n));
    RC_ASSERT(d <= p.max_delay_ms);
  }
}

RC_GTEST_PROP(RetryPolicyProperty, ProportionalJitterWithinFractionAndCap, (uint64_t seed)) {
  retry_policy p{.initial_delay_ms = *rc::gen::inRange<int64_t>(1, 5000),
                 .multiplier = 2.0,
                 .max_delay_ms = 40'000,
                 .jitter = jitter_mode::proportional,
                 .jitter_fraction = *rc::gen::inRange(0, 101) / 100.0};
  RC_ASSERT(p.validate().has_value());
  core::random rng(seed);
  for (int32_t n = 1; n <= 30; ++n) {
    const int64_t base = p.base_delay(n);
    const int64_t d = p.delay_for(n, rng);
    const auto spread = static_cast<int64_t>(static_cast<double>(base) * p.jitter_fraction);
    RC_ASSERT(d >= base - spread);
    RC_ASSERT(d <= base + spread);
    RC_ASSERT(d <= p.max_delay_ms);
  }
}

TEST(RetryPolicy, BadParametersAreRejectedNamingTheField) {
  auto field_of = [](retry_policy p) {
    auto r = p.validate();
    EXPECT_FALSE(r);
    if (r) return std::string("<valid>");
    EXPECT_EQ(r.error().code, core::errc::invalid_argument);
    return std::string(r.error().detail("field"));
  };
  EXPECT_EQ(field_of({.initial_delay_ms = -1}), "initial_delay_ms");
  EXPECT_EQ(field_of({.multiplier = 0.5}), "multiplier");
  EXPECT_EQ(field_of({.multiplier = std::numeric_limits<double>::infinity()}), "multiplier");
  EXPECT_EQ(field_of({.multiplier = std::numeric_limits<double>::quiet_NaN()}), "multiplier");
  EXPECT_EQ(field_of({.initial_delay_ms = 10, .max_delay_ms = 5}), "max_delay_ms");
  EXPECT_EQ(field_of({.max_attempts = 0}), "max_attempts");
  EXPECT_EQ(field_of({.max_attempts = kMaxAttemptsLimit + 1}), "max_attempts");
  EXPECT_EQ(field_of({.jitter = jitter_mode::proportional, .jitter_fraction = 1.5}), "jitter_fraction");
  EXPECT_TRUE((retry_policy{}.validate()));
  EXPECT_TRUE((retry_policy{.initial_delay_ms = 0, .max_delay_ms = 0, .max_attempts = 1}.validate()));
}

}  // namespace
}  // namespace eventfabric::delivery
