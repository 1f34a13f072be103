#pragma once
// Shrinking a failing fault schedule: delta debugging (Zeller and
// Hildebrandt's ddmin) over the list of faults, re-running the consumer for
// each candidate through `fails` (true: the violation still happens).

#include <functional>

#include "emulator/faults/fault.h"

namespace eventfabric::harness {

struct shrink_result {
  faults::schedule minimal;  // 1-minimal when !exhausted: removing any one fault makes it pass
  int tries = 0;             // calls of `fails`
  bool exhausted = false;    // stopped at max_tries; `minimal` is the smallest failing one found
};

shrink_result shrink(const faults::schedule& failing, const std::function<bool(const faults::schedule&)>& fails,
                     int max_tries = 200);

}  // namespace eventfabric::harness
