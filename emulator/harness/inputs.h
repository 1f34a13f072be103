#pragma once
// The messages a run delivers, from fixture lines: topic messages get their
// recorded partition and offset, or Kafka's partition for their key (over
// kDefaultPartitions) and the next offset of that partition; queue messages
// get ids in order.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/delivery/message.h"

namespace eventfabric::harness {

inline constexpr int32_t kDefaultPartitions = 3;

struct input {
  bool topic = true;                    // false: a queue
  std::string name;                     // topic or queue
  std::optional<int32_t> partition;
  std::optional<int64_t> offset;
  std::optional<std::string> key;       // else the envelope's metadata.partition_key
  std::string envelope;                 // JSON text
  std::string origin;                   // "file:line", for errors
};

// Errors (validation_failed) name the origin and the envelope field.
core::result<std::vector<delivery::message>> to_messages(const std::vector<input>& inputs);

}  // namespace eventfabric::harness
