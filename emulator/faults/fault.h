#pragma once
// The vocabulary of fault injection: fault kinds, what a fault targets, and a
// realised fault (one that actually happened). A realised schedule is plain
// data: an ordered list of faults that converts to and from JSON
// (schedule_json.cc) so the harness can print, save, shrink and replay it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"

namespace eventfabric::faults {

enum class fault_kind : uint8_t {
  duplicate,      // the message is delivered again later
  reorder,        // the message is delivered up to `window` positions late
  fail,           // the attempt fails before reaching the consumer
  timeout,        // the consumer processed it but the answer timed out: redelivered
  lost_ack,       // the consumer processed it but the ack was lost: redelivered
  crash,          // the consumer is killed and restarted; everything unacked is redelivered
  rebalance,      // the group rebalances; everything uncommitted goes to the new owner
  produce_error,  // a produce fails with a retriable error (optionally after the append)
  commit_error,   // an offset commit (ack) fails: the message is delivered again
  delay,          // latency before the attempt
};

// Which question of the engine a kind answers.
enum class fault_site : uint8_t { delivery, produce, commit };
fault_site site_of(fault_kind k) noexcept;

std::string_view kind_name(fault_kind k) noexcept;
std::optional<fault_kind> parse_kind(std::string_view s) noexcept;

enum class target_type : uint8_t { topic, queue, subscription, consumer };
std::string_view target_type_name(target_type t) noexcept;
std::optional<target_type> parse_target_type(std::string_view s) noexcept;

struct target {
  target_type type = target_type::topic;
  std::string name;
  auto operator<=>(const target&) const = default;
};

// Parameters a realised fault carries (only those of its kind are meaningful).
struct fault_params {
  int32_t lag = 0;              // reorder: positions the message is delivered late (1..window)
  bool allow_same_key = false;  // reorder: may pass messages of the same partition key
  int64_t delay_ms = 0;         // delay
  bool after_append = false;    // produce_error: the record was appended before the error
  bool operator==(const fault_params&) const = default;
};

// One fault that actually happened.
struct fault {
  fault_kind kind = fault_kind::fail;
  target tgt;             // the concrete target (never "*")
  int64_t position = 0;   // 1-based: the n-th event of its site at this target
  std::string message_id; // the envelope id concerned (may be empty, e.g. commits)
  fault_params params;
  int64_t time_ms = 0;    // injected clock time
  // With engine::track_messages(): the n-th question (1-based) of this site at
  // this target about message_id, so a replay can match by message instead of
  // by position (stable when other faults are removed, as when shrinking). 0: not tracked.
  int64_t occurrence = 0;
  bool operator==(const fault&) const = default;
};

using schedule = std::vector<fault>;

// JSON list of faults, e.g.
// [{"kind":"reorder","target":{"type":"topic","name":"a.b.c.v1"},"position":3,
//   "message_id":"...","time_ms":1700000000000,"params":{"lag":2}}]
// ("occurrence" appears when tracked.)
std::string to_json(const schedule& s);
// Errors (invalid_argument) name the JSON pointer of the bad value in details["pointer"].
core::result<schedule> schedule_from_json(std::string_view text);

}  // namespace eventfabric::faults
