#pragma once
// The in-process emulator a consumer under test publishes to (its
// EVENTFABRIC_URL): an in-memory broker behind the server's own HTTP API
// (REST Proxy produce and the rest), on a free port of 127.0.0.1, with topics
// created on first produce. collect() reads back everything published since
// the last collect() and empties the topics.

#include <memory>
#include <string>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/harness/consumer.h"

namespace eventfabric::harness_http {

class endpoint {
 public:
  static core::result<std::unique_ptr<endpoint>> start();
  ~endpoint();

  std::string url() const;
  core::result<std::vector<harness::published>> collect();

 private:
  struct impl;
  explicit endpoint(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace eventfabric::harness_http
