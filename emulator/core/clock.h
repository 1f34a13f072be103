#pragma once
// Time source injected into every component (like LevelDB's Env). The core
// never reads the wall clock itself. `serve` uses system_clock(); tests and the
// harness use manual_clock so that TTLs, backoff and session timeouts advance
// without sleeping.

#include <cstdint>

namespace eventfabric::core {

class clock {
 public:
  virtual ~clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t now_ms() const = 0;
};

// The process-wide real clock. Thread-safe; never destroyed.
clock& system_clock();

// A clock that moves only when told. Not thread-safe: drive it from the thread
// (or strand) that owns the components using it.
class manual_clock final : public clock {
 public:
  explicit manual_clock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t now_ms() const override { return now_; }
  void advance(int64_t ms) { now_ += ms; }
  void set(int64_t ms) { now_ = ms; }

 private:
  int64_t now_;
};

}  // namespace eventfabric::core
