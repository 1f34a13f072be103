#include "emulator/core/clock.h"

#include <chrono>

namespace eventfabric::core {
namespace {
class real_clock final : public clock {
 public:
  int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};
}  // namespace

clock& system_clock() {
  static real_clock c;
  return c;
}

}  // namespace eventfabric::core
