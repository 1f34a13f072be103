#include "emulator/faults/rule.h"

#include <algorithm>
#include <cmath>

namespace eventfabric::faults {

namespace {
std::unexpected<core::error> bad(std::string field, std::string msg) {
  return core::fail(core::errc::invalid_argument, std::move(msg), {{"field", std::move(field)}});
}
}  // namespace

core::result<void> validate(rule& r) {
  if (r.name.empty()) return bad("name", "a rule needs a target name (or \"*\")");
  if (r.probability.has_value() == !r.positions.empty())
    return bad("probability", "a rule needs exactly one of probability or positions");
  if (r.probability && !(*r.probability >= 0.0 && *r.probability <= 1.0))
    return bad("probability", "probability must be within [0, 1]");
  if (r.positions.size() > kMaxPositions)
    return bad("positions", "at most " + std::to_string(kMaxPositions) + " positions");
  for (int64_t p : r.positions)
    if (p < 1) return bad("positions", "positions are 1-based: " + std::to_string(p) + " is below 1");
  std::ranges::sort(r.positions);
  r.positions.erase(std::unique(r.positions.begin(), r.positions.end()), r.positions.end());
  if (r.window < 1 || r.window > kMaxWindow)
    return bad("window", "window must be within [1, " + std::to_string(kMaxWindow) + "]");
  if (r.delay_ms < 0 || r.delay_ms > kMaxDelayMs)
    return bad("delay_ms", "delay_ms must be within [0, " + std::to_string(kMaxDelayMs) + "]");
  if (r.kind == fault_kind::produce_error && r.on != target_type::topic && r.on != target_type::queue)
    return bad("kind", "produce_error targets a topic or a queue");
  return {};
}

bool matches(const rule& r, const target& t) noexcept {
  return r.on == t.type && (r.name == "*" || r.name == t.name);
}

}  // namespace eventfabric::faults
