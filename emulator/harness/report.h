#pragma once
// The harness's reports: JSON (--report) and JUnit XML (--junit).
//
// JSON: {"contracts":[{"name","file","passed","runs","deliveries","notes":[..],
//   "violations":[{"check","run","seed","message","schedule","minimal_schedule",
//   "shrink_tries","diff","reproduce"}]}]}

#include <string>
#include <vector>

#include "emulator/harness/check.h"

namespace eventfabric::harness {

struct reported_contract {
  std::string file;                    // the contract file as given
  contract_result result;
  std::vector<std::string> reproduce;  // per violation: the command that re-runs it ("" when none)
};

std::string report_json(const std::vector<reported_contract>& contracts);
// A testsuite per contract, a testcase per check; a violation is a <failure>.
std::string report_junit(const std::vector<reported_contract>& contracts);

}  // namespace eventfabric::harness
