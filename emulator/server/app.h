#pragma once
// The server's application state and request dispatch, free of transport:
// app::handle(request) -> outcome. Owned by the server; every call happens on
// the server's single strand (one io_context thread), which is also the
// broker's strand.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/broker.h"
#include "emulator/server/http_types.h"
#include "emulator/server/metrics.h"

namespace eventfabric::schema {
class registry;
}
namespace eventfabric::delivery {
class idempotency_store;
}
namespace eventfabric::faults {
class engine;
}
namespace eventfabric::push {
class manager;
}

namespace eventfabric::server {

class router;
class consumer_instances;

struct app_options {
  std::size_t max_body_bytes = 8 << 20;  // larger bodies get 413
  std::string base_url = "http://127.0.0.1:8095";  // for REST-proxy base_uri answers
  std::string version = "0";
  // The schema registry behind the Confluent routes; null disables them.
  schema::registry* registry = nullptr;
  // The idempotency key store behind /idempotency (attach it to the broker so
  // it persists); null answers 404.
  delivery::idempotency_store* idempotency = nullptr;
  // The fault engine behind /faults; null answers 404.
  faults::engine* faults = nullptr;
  // The push subscriptions behind /subscriptions (attach the manager to the
  // broker so definitions persist; the HTTP server starts and stops its
  // runners); null answers 404.
  push::manager* subscriptions = nullptr;
  // Kafka's auto.create.topics.enable: a REST-proxy produce to an unknown
  // topic creates it (auto_create_partitions partitions) instead of a 404.
  bool auto_create_topics = false;
  int32_t auto_create_partitions = 1;
};

class app {
 public:
  app(core::broker& broker, app_options opts);
  ~app();

  // Maps one request to its outcome. Never throws: a handler exception
  // becomes a 500 in the error contract.
  outcome handle(const request& req);

  // The route table as {method, pattern}, e.g. {"POST", "/topics/{topic}"}.
  std::vector<std::pair<std::string, std::string>> routes() const;

  core::broker& broker() { return broker_; }
  server::metrics& metrics() { return metrics_; }
  consumer_instances& consumers() { return *consumers_; }
  // Time-driven housekeeping, called from the server's tick: forgets idle
  // REST-proxy consumer instances and purges expired idempotency keys.
  void expire();
  const app_options& options() const { return opts_; }
  // Called when records or messages were added, to wake long polls and push
  // subscriptions.
  void set_on_data(std::function<void()> fn) { on_data_ = std::move(fn); }
  void data_arrived();

 private:
  core::broker& broker_;
  app_options opts_;
  server::metrics metrics_;
  std::unique_ptr<consumer_instances> consumers_;
  std::unique_ptr<router> router_;
  std::function<void()> on_data_;
};

}  // namespace eventfabric::server
