#pragma once
// What `eventfabric test` checks for one contract (and what the C++ API runs
// inside a GoogleTest test):
//  1. schema: every fixture envelope and every published event is valid
//     against the envelope schema and its type's schema; published types are
//     listed in `produces`;
//  2. idempotency: every faulty run ends in the clean run's state;
//  3. output: every faulty run publishes the clean run's multiset of events;
//  4. error-contract: a 4xx answer carries an error contract, and the set of
//     rejected messages is the clean run's.
// A violation found in a faulty run is shrunk to a minimal fault schedule.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/delivery/message.h"
#include "emulator/faults/fault.h"
#include "emulator/harness/consumer.h"
#include "emulator/harness/contract.h"

namespace eventfabric::schema {
class envelope_validator;
}

namespace eventfabric::harness {

struct violation {
  std::string check;                        // schema | idempotency | output | error-contract
  int run = 0;                              // 0: the fixtures / the clean run
  std::optional<uint64_t> seed;             // the faulty run's seed (re-run with --seed S --runs 1)
  faults::schedule schedule;                // the faults of that run
  std::optional<faults::schedule> minimal;  // shrunk; reproduces with --schedule
  int shrink_tries = 0;
  std::string message;                      // one sentence
  std::string diff;                         // JSON: what differs (of the minimal run when shrunk)
};

struct progress {
  std::string contract;
  int done = 0, total = 0;
  std::size_t violations = 0;
  std::string phase;  // "clean", "faulty", "shrinking"
};

struct check_options {
  std::optional<uint64_t> seed;              // overrides the contract's seed
  std::optional<int32_t> runs;               // overrides the contract's runs
  std::optional<faults::schedule> schedule;  // one faulty run replaying exactly this schedule
  bool shrink = true;
  int max_shrink_tries = 200;
  const schema::envelope_validator* validator = nullptr;  // null: the schema check is skipped (noted)
  std::function<void(const progress&)> on_progress;
};

struct contract_result {
  std::string name;
  bool passed = false;
  int runs = 0;                 // faulty runs done
  uint64_t deliveries = 0;      // attempts that reached the consumer, all runs
  std::vector<violation> violations;
  std::vector<std::string> notes;
  std::optional<core::error> error;  // the contract could not be run at all
};

// The seed of faulty run `run` (1-based): base + run - 1.
uint64_t run_seed(uint64_t base, int run);

contract_result check_contract(const contract& c, const std::vector<delivery::message>& messages, consumer& cons,
                               const check_options& o);

}  // namespace eventfabric::harness
