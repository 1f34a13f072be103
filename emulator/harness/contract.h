#pragma once
// A consumer contract (contracts/consumers/<name>.json): what a consumer
// consumes, the fixtures to feed it, how to reach it, and the faults to
// prove it idempotent under. The format is public (see README.md, "Contract
// files"); fields are kept, extensions are free.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/faults/rule.h"

namespace eventfabric::harness {

struct source {
  bool topic = true;   // false: a queue
  std::string name;
  std::string group;   // topics: the consumer group (defaults to the contract name)
};

struct endpoint {
  std::vector<std::string> command;  // empty: the consumer is already running
  std::string deliver_url, state_url, reset_url, ready_url;
};

enum class ordering : uint8_t { per_key, none };

// "faults": probabilities per delivery attempt (0..1) and parameters.
struct fault_plan {
  double duplicate = 0, reorder = 0, fail = 0, timeout = 0, lost_ack = 0, crash = 0, rebalance = 0,
         commit_error = 0, delay = 0;
  int32_t reorder_window = 0;  // > 0 with no "reorder" probability: reorder with 0.2
  int64_t delay_ms = 100;
  bool empty() const;
};

struct contract {
  std::string name;
  std::filesystem::path file;                  // the contract file (empty when parsed from text)
  std::vector<source> consumes;
  std::vector<std::filesystem::path> fixtures; // resolved from the contract's folder
  endpoint consumer;
  std::vector<std::string> state_ignore;       // JSON pointers; "*" matches any key or index
  std::vector<std::string> produces;           // event types the consumer may publish
  ordering order = ordering::per_key;
  int32_t max_attempts = 5;
  int64_t timeout_ms = 5000;                   // per delivery (HTTP consumers)
  fault_plan faults;
  int32_t runs = 50;
  uint64_t seed = 1;

  bool consumes_topic(std::string_view t) const;
  bool consumes_queue(std::string_view q) const;
};

// Errors are invalid_argument: "<file>: <pointer>: <what>", details {"file", "pointer"}.
core::result<contract> parse_contract(std::string_view text, const std::filesystem::path& file);
core::result<contract> load_contract(const std::filesystem::path& file);

// The fault rules of a plan, targeting the harness's subscription. Without
// crash support (no command to restart) crash is left out.
std::vector<faults::rule> rules_of(const contract& c, bool can_crash);

}  // namespace eventfabric::harness
