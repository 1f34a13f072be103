#pragma once
// The push runtime of one subscription: a coroutine loop on the server's
// io_context (its only thread is the broker's strand) that fills the
// subscription from its source, starts every attempt that is due, and POSTs
// each to the webhook with Beast over keep-alive connections (a small pool:
// one connection per attempt in flight, reused afterwards).
//
// One attempt: connect (if needed) + send + answer within timeout_ms.
//   no answer in time ........................ outcome::timeout
//   refused, reset, closed without answering .. outcome::connection_error
//   an HTTP answer ............................ outcome::from_status(status, body)
// A pooled connection that turns out closed by the peer before answering is
// retried once on a fresh connection (a keep-alive race, not a failure).
//
// Crash fault: there is no consumer process to kill on this side, so a crash
// drops every connection of the subscription (pooled and on the wire) and the
// state machine redelivers everything in flight.
//
// Beast stays in runner.cc; boost::asio::io_context is only declared here.

#include <functional>
#include <memory>
#include <string>

#include "emulator/core/broker.h"
#include "emulator/delivery/subscription.h"
#include "emulator/push/live.h"

namespace boost::asio {
class io_context;
}

namespace eventfabric::push {

// Told about every completed attempt (metrics); `o` is what the consumer did.
using verdict_listener =
    std::function<void(const std::string& subscription, delivery::verdict v, const delivery::outcome& o, double seconds)>;

class runner {
 public:
  // Starts the loop on `io` (call on its thread, or before it runs).
  static std::shared_ptr<runner> start(boost::asio::io_context& io, core::broker& b, std::shared_ptr<live> l,
                                       verdict_listener on_verdict);
  ~runner();
  // New data or a redrive: look again now.
  void wake();
  // Stops the loop: connections closed, attempts in flight redelivered (in
  // memory), the source closed (group left / queue consumer cancelled).
  void stop();

 private:
  struct impl;
  explicit runner(std::shared_ptr<impl> i);
  std::shared_ptr<impl> impl_;
};

}  // namespace eventfabric::push
