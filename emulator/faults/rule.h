#pragma once
// A fault rule: which kind of fault to inject where, and how often. A rule
// targets a topic, queue, subscription or consumer by name ("*" = any) and
// fires either with a probability per event or at explicit 1-based positions
// (the n-th delivery / produce / commit seen at that target).
//
// Rule JSON (PUT /faults and the serve --config file, not wired yet):
//   {"seed": 42, "rules": [
//     {"id": "dup-orders", "kind": "duplicate", "topic": "orders.order.created.v1", "probability": 0.1},
//     {"kind": "reorder", "topic": "*", "probability": 0.2, "window": 3, "allow_same_key": false},
//     {"kind": "fail", "subscription": "ledger", "positions": [1, 2]},
//     {"kind": "delay", "queue": "notify.email.high", "probability": 0.5, "delay_ms": 250},
//     {"kind": "produce_error", "topic": "*", "positions": [3], "after_append": true}]}
// A bare array of rules is accepted too. Exactly one of topic / queue /
// subscription / consumer; exactly one of probability / positions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/faults/fault.h"

namespace eventfabric::faults {

inline constexpr int32_t kMaxWindow = 1000;
inline constexpr int64_t kMaxDelayMs = 3'600'000;
inline constexpr std::size_t kMaxPositions = 10'000;

struct rule {
  std::string id;                    // optional label, echoed back by GET /faults
  fault_kind kind = fault_kind::fail;
  target_type on = target_type::topic;
  std::string name = "*";            // target name, or "*" for every target of that type
  std::optional<double> probability; // in [0, 1]
  std::vector<int64_t> positions;    // 1-based, ascending after validation
  int32_t window = 1;                // reorder: max positions late, 1..kMaxWindow
  bool allow_same_key = false;       // reorder: may pass messages with the same partition key
  int64_t delay_ms = 0;              // delay: 0..kMaxDelayMs
  bool after_append = false;         // produce_error: fail after the record was appended
  bool operator==(const rule&) const = default;
};

// Checks ranges and combinations; sorts and de-duplicates positions.
core::result<void> validate(rule& r);
// Whether `r` applies to `t` (type equal, name equal or "*").
bool matches(const rule& r, const target& t) noexcept;

struct fault_config {
  std::optional<uint64_t> seed;
  std::vector<rule> rules;
};

// Parses {"seed":N,"rules":[...]} or a bare array of rules. Errors are
// invalid_argument naming the JSON pointer of the bad value (details["pointer"]),
// e.g. "/rules/1/probability".
core::result<fault_config> config_from_json(std::string_view text);
// The canonical JSON of a rule list (what GET /faults returns): {"rules":[...]} plus seed if set.
std::string to_json(const fault_config& c);

}  // namespace eventfabric::faults
