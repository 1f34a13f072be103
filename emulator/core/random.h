#pragma once
// Seeded, portable randomness. The engine is std::mt19937_64, whose output the
// C++ standard fixes exactly; every mapping to a range is our own code (never a
// std:: distribution, whose results differ between standard libraries), so the
// same seed gives the same choices on every machine.

#include <cstdint>
#include <random>

namespace eventfabric::core {

class random {
 public:
  explicit random(uint64_t seed) : seed_(seed), engine_(seed) {}

  uint64_t seed() const noexcept { return seed_; }
  uint64_t next_u64() { return engine_(); }

  // Uniform in [0, n); n == 0 yields 0. Unbiased (Lemire's method with rejection).
  uint64_t below(uint64_t n);
  // Uniform in [lo, hi] (inclusive); requires lo <= hi.
  int64_t between(int64_t lo, int64_t hi);
  // Uniform in [0, 1) with 53 bits of precision.
  double unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // True with probability p (p <= 0 never, p >= 1 always).
  bool chance(double p) { return p > 0 && (p >= 1 || unit() < p); }

 private:
  uint64_t seed_;
  std::mt19937_64 engine_;
};

}  // namespace eventfabric::core
