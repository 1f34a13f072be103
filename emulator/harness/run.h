#pragma once
// One run of a consumer over the fixture messages, on a manual clock: the
// messages are enqueued on a delivery::subscription (the same engine push
// subscriptions use) and delivered one attempt at a time, jumping the clock
// to the next due attempt instead of sleeping. A clean run has no faults; a
// faulty run draws them from the contract's plan with a seed, or replays a
// saved schedule exactly.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "emulator/delivery/message.h"
#include "emulator/faults/fault.h"
#include "emulator/harness/consumer.h"
#include "emulator/harness/contract.h"

namespace eventfabric::harness {

inline constexpr int64_t kRunStartMs = 1'700'000'000'000;  // the manual clock's start

struct run_options {
  std::optional<uint64_t> seed;             // a faulty run from the contract's plan
  std::optional<faults::schedule> replay;   // a faulty run replaying exactly these faults
  bool can_crash = false;                   // apply crash faults (the consumer can restart)
};

// A 4xx answer whose body is not an error contract.
struct bad_error_answer {
  std::string message_id;
  int status = 0;
  std::string body;
};

struct run_result {
  std::optional<core::error> failure;   // the run could not be completed (reset / state failed)
  std::string state;                    // the consumer's state, JSON text
  std::vector<published> output;
  std::set<std::string> rejected;       // envelope ids the consumer answered 4xx
  std::set<std::string> dead_lettered;  // envelope ids that ended in the DLQ (any reason)
  std::vector<bad_error_answer> bad_errors;
  faults::schedule schedule;            // the faults that happened
  uint64_t deliveries = 0;              // attempts that reached the consumer
  uint64_t restarts = 0;
  bool incomplete = false;              // the step bound was hit
};

// The subscription options the harness uses for a contract.
delivery::subscription_options subscription_for(const contract& c);

run_result run_once(const contract& c, const std::vector<delivery::message>& messages, consumer& cons,
                    const run_options& o);

// True when the body is {"error":{"code": non-empty string, "message": string, ...}}.
bool is_error_contract(std::string_view body);

}  // namespace eventfabric::harness
