#pragma once
// Comparing a faulty run with the clean one: the consumer's state (canonical
// JSON, minus ignored pointers) and its published events (a multiset by type,
// payload and partition key).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/harness/consumer.h"

namespace eventfabric::harness {

// One difference: the pointer, and the JSON text on each side (nullopt: absent).
struct state_difference {
  std::string pointer;
  std::optional<std::string> expected, actual;
  bool operator==(const state_difference&) const = default;
};

// Differences between two JSON documents after removing the `ignore`
// pointers from both ("*" as a token matches every key or index). Errors
// (invalid_argument) when either side is not JSON.
core::result<std::vector<state_difference>> diff_state(std::string_view expected, std::string_view actual,
                                                       const std::vector<std::string>& ignore);

// A published event as compared: "type", canonical payload JSON and partition key.
struct output_event {
  std::string type, payload, key;
  auto operator<=>(const output_event&) const = default;
};
output_event output_event_of(const published& p);

struct output_difference {
  std::vector<output_event> missing;  // in the clean run, not (as often) in this one
  std::vector<output_event> extra;    // in this run, not (as often) in the clean one
  bool empty() const { return missing.empty() && extra.empty(); }
};
output_difference diff_output(const std::vector<published>& expected, const std::vector<published>& actual);

}  // namespace eventfabric::harness
