#pragma once
// How the harness reaches a consumer under test: in-process (a C++ handler,
// inprocess.h) or over HTTP (emulator/harness_http). Calls come from one
// thread, in order.

#include <string>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/delivery/message.h"
#include "emulator/delivery/subscription.h"

namespace eventfabric::harness {

// An event the consumer published (its output).
struct published {
  std::string topic;     // or queue / exchange it was published to
  std::string envelope;  // JSON text
};

class consumer {
 public:
  virtual ~consumer() = default;
  // Before each run: empty state (and a fresh working folder), no output yet.
  virtual core::result<void> reset() = 0;
  // One delivery attempt (envelope body and consumer-protocol headers); the
  // answer as the consumer protocol reads it.
  virtual delivery::outcome deliver(const delivery::delivery& d) = 0;
  // The observable state as JSON text.
  virtual core::result<std::string> state() = 0;
  // Whether crash faults can be applied (the harness can kill and restart it).
  virtual bool can_restart() const = 0;
  // Kills and restarts the consumer, keeping its working folder.
  virtual core::result<void> restart() = 0;
  // The events published since the last reset(), in order.
  virtual std::vector<published> output() = 0;
};

}  // namespace eventfabric::harness
