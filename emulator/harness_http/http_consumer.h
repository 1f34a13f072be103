#pragma once
// A consumer under test over HTTP (the consumer protocol in
// ../shared/ARCHITECTURE.md): deliveries are POSTed to deliver_url with the
// protocol headers, state is GET state_url, reset is POST reset_url.
//
// With a `command`, the harness runs the process: {port} in the command and
// URLs is a free port chosen once, {workdir} a fresh folder per run (kept
// across crash restarts within the run); it gets EVENTFABRIC_URL; its output
// goes to <workdir>/consumer.log. Without a reset_url, reset() restarts it
// on a new workdir. A process that died on its own is restarted (and
// counted) before the next delivery, as a supervisor would.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "emulator/harness/consumer.h"
#include "emulator/harness/contract.h"

namespace eventfabric::harness_http {

struct http_consumer_options {
  harness::endpoint consumer;                  // from the contract, placeholders not yet substituted
  std::filesystem::path workroot;              // run folders are created under it
  std::string eventfabric_url;                 // EVENTFABRIC_URL for the process
  std::chrono::milliseconds timeout{5000};     // per delivery
  std::chrono::milliseconds ready_timeout{20'000};
  // Reads and clears what the consumer published (the endpoint's collect()).
  std::function<core::result<std::vector<harness::published>>()> collect;
};

class http_consumer final : public harness::consumer {
 public:
  static core::result<std::unique_ptr<http_consumer>> create(http_consumer_options o);
  ~http_consumer() override;

  core::result<void> reset() override;
  delivery::outcome deliver(const delivery::delivery& d) override;
  core::result<std::string> state() override;
  bool can_restart() const override;
  core::result<void> restart() override;
  std::vector<harness::published> output() override;

  // Restarts of a process that died on its own, since the last reset().
  int unexpected_exits() const;

 private:
  struct impl;
  explicit http_consumer(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

// "{port}" and "{workdir}" replaced.
std::string substitute(std::string s, int port, const std::filesystem::path& workdir);

}  // namespace eventfabric::harness_http
