#pragma once
// Exponential backoff with optional jitter, per subscription.
//
//   base(n)  = min(max_delay_ms, initial_delay_ms * multiplier^(n-1))   for the n-th failed attempt
//   none:          delay = base(n)
//   full:          delay uniform in [0, base(n)]          (AWS "full jitter")
//   proportional:  delay uniform in [base - f*base, base + f*base], then capped at max_delay_ms
//
// Draws come from the injected, seeded core::random (our own range mapping),
// so the same seed gives the same delays on every machine.

#include <cstdint>

#include "emulator/core/error.h"
#include "emulator/core/random.h"

namespace eventfabric::delivery {

enum class jitter_mode : uint8_t { none, full, proportional };

inline constexpr int32_t kMaxAttemptsLimit = 1000;
inline constexpr int64_t kMaxDelayLimitMs = 7LL * 24 * 3600 * 1000;  // a week

struct retry_policy {
  int64_t initial_delay_ms = 1000;  // >= 0
  double multiplier = 2.0;          // >= 1, finite
  int64_t max_delay_ms = 60'000;    // >= initial_delay_ms, <= kMaxDelayLimitMs
  int32_t max_attempts = 5;         // 1..kMaxAttemptsLimit; attempts in total, the first included
  jitter_mode jitter = jitter_mode::none;
  double jitter_fraction = 0.2;     // proportional: in [0, 1]

  // invalid_argument naming the field (details["field"]).
  core::result<void> validate() const;
  // The delay without jitter after the `failed_attempts`-th failure (>= 1).
  int64_t base_delay(int32_t failed_attempts) const;
  // The delay before the next attempt after the `failed_attempts`-th failure.
  // Draws from `rng` only when jitter is on. Never above max_delay_ms.
  int64_t delay_for(int32_t failed_attempts, core::random& rng) const;
};

}  // namespace eventfabric::delivery
