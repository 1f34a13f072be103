#pragma once
// The C++ API of the harness: run the contract checks inside a GoogleTest
// test against an in-process handler, with no HTTP in between.
//
//   harness::handler h;
//   h.handle = [&](const harness::request& r, harness::publisher& out) {
//     ... apply r.envelope, out.publish("billing.ledger.entry.posted.v1", env); ...
//     return harness::response{200};
//   };
//   h.state = [&] { return state_as_json(); };
//   h.reset = [&] { clear(); };
//   harness::inprocess_consumer c(std::move(h));
//   auto result = harness::check_contract(contract, messages, c, {});

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/harness/consumer.h"

namespace eventfabric::harness {

struct request {
  std::string_view envelope;                  // the body
  const std::vector<core::header>& headers;   // consumer-protocol headers
  int32_t attempt = 1;
  std::string_view header(std::string_view name) const;  // case-insensitive; empty when absent
};

struct response {
  int status = 200;
  std::string body;  // for 4xx: the error contract
};

class publisher {
 public:
  void publish(std::string topic, std::string envelope) { out_.push_back({std::move(topic), std::move(envelope)}); }

 private:
  friend class inprocess_consumer;
  std::vector<published> out_;
};

struct handler {
  std::function<response(const request&, publisher&)> handle;  // required
  std::function<std::string()> state;                          // required: JSON text
  std::function<void()> reset;                                 // required: empty the state
  std::function<void()> restart;  // optional: a crash; state the handler keeps "on disk" survives
};

class inprocess_consumer final : public consumer {
 public:
  explicit inprocess_consumer(handler h) : h_(std::move(h)) {}
  core::result<void> reset() override;
  delivery::outcome deliver(const delivery::delivery& d) override;
  core::result<std::string> state() override;
  bool can_restart() const override { return static_cast<bool>(h_.restart); }
  core::result<void> restart() override;
  std::vector<published> output() override { return pub_.out_; }

 private:
  handler h_;
  publisher pub_;
};

}  // namespace eventfabric::harness
