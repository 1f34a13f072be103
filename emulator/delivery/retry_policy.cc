#include "emulator/delivery/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace eventfabric::delivery {

namespace {
std::unexpected<core::error> bad(std::string field, std::string msg) {
  return core::fail(core::errc::invalid_argument, std::move(msg), {{"field", std::move(field)}});
}
}  // namespace

core::result<void> retry_policy::validate() const {
  if (initial_delay_ms < 0 || initial_delay_ms > kMaxDelayLimitMs)
    return bad("initial_delay_ms", "initial_delay_ms must be within [0, " + std::to_string(kMaxDelayLimitMs) + "]");
  if (!std::isfinite(multiplier) || multiplier < 1.0)
    return bad("multiplier", "multiplier must be a finite number >= 1");
  if (max_delay_ms < initial_delay_ms || max_delay_ms > kMaxDelayLimitMs)
    return bad("max_delay_ms", "max_delay_ms must be within [initial_delay_ms, " +
                                   std::to_string(kMaxDelayLimitMs) + "]");
  if (max_attempts < 1 || max_attempts > kMaxAttemptsLimit)
    return bad("max_attempts", "max_attempts must be within [1, " + std::to_string(kMaxAttemptsLimit) + "]");
  if (jitter == jitter_mode::proportional && !(jitter_fraction >= 0.0 && jitter_fraction <= 1.0))
    return bad("jitter_fraction", "jitter_fraction must be within [0, 1]");
  return {};
}

int64_t retry_policy::base_delay(int32_t failed_attempts) const {
  // Multiply step by step in double and stop at the cap: no overflow, and the
  // result is exact for integral multipliers below the cap.
  double d = static_cast<double>(initial_delay_ms);
  const double cap = static_cast<double>(max_delay_ms);
  for (int32_t i = 1; i < failed_attempts && d < cap; ++i) d *= multiplier;
  return d >= cap ? max_delay_ms : static_cast<int64_t>(d);
}

int64_t retry_policy::delay_for(int32_t failed_attempts, core::random& rng) const {
  const int64_t base = base_delay(std::max(failed_attempts, 1));
  switch (jitter) {
    case jitter_mode::none: return base;
    case jitter_mode::full: return rng.between(0, base);
    case jitter_mode::proportional: {
      const auto spread = static_cast<int64_t>(static_cast<double>(base) * jitter_fraction);
      return std::min(max_delay_ms, rng.between(base - spread, base + spread));
    }
  }
  return base;
}

}  // namespace eventfabric::delivery
