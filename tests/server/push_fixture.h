#pragma once
// The fixture of the push-subscription tests over real HTTP: `eventfabric
// serve` as a child process with a persistent data folder, a client, and
// bounded polls of the server's own state (never timing assertions).
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "tests/support/http_client.h"
#include "tests/support/test_dir.h"
#include "tests/support/test_webhook.h"

namespace eventfabric::testing {

using json = nlohmann::json;
namespace fs = std::filesystem;

inline const std::string kTopic = "billing.payment.captured.v1";
inline const std::string kQueue = "billing.capture.high";

inline std::string envelope(const std::string& id, const std::string& key = "cus_42") {
  return json{{"id", id},
              {"type", "billing.payment.captured.v1"},
              {"occurred_at", "2025-03-14T09:26:53Z"},
              {"source", "billing-service"},
              {"correlation_id", "inv-1"},
              {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
              {"payload", {{"amount", 10}}},
              {"metadata", {{"partition_key", key}}}}
      .dump();
}

class PushHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::fresh_test_dir("ef-push");
    start();
  }
  void TearDown() override {
    srv_.reset();
    fs::remove_all(dir_);
  }
  // Stops the server with `sig` (SIGTERM: a clean stop; SIGKILL: a crash) and starts it again on the same data.
  void restart(int sig) {
    client_.reset();
    const int status = srv_->kill_now(sig);
    if (sig == SIGTERM) {
      EXPECT_EQ(WEXITSTATUS(status), 0);
    }
    start();
  }
  void start() {
    port_ = free_port();
    srv_ = std::make_unique<server_process>(EF_EVENTFABRIC_BIN,
                                            std::vector<std::string>{"--data-dir", (dir_ / "data").string()});
    ASSERT_TRUE(srv_->start(port_));
    client_ = std::make_unique<http_client>(port_);
  }
  http_reply call(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& ct = "application/json") {
    return client_->call(method, target, body, ct);
  }
  json get(const std::string& target) {
    auto r = call("GET", target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  }
  void make_topic(int partitions = 1) {
    auto r = call("POST", "/admin/topics", json{{"name", kTopic}, {"partitions", partitions}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  void produce(const std::string& id, const std::string& key = "cus_42") {
    auto r = call("POST", "/topics/" + kTopic, json{{"records", {{{"value", json::parse(envelope(id, key))}}}}}.dump(),
                  "application/vnd.kafka.json.v2+json");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  json subscribe(json def) {
    auto r = call("POST", "/subscriptions", def.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  // Polls GET `target` until `pred` holds (bounded: 20 s).
  json wait_for(const std::string& target, const std::function<bool(const json&)>& pred) {
    json last;
    for (int i = 0; i < 2000; ++i) {
      last = get(target);
      if (pred(last)) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "timed out waiting on " << target << "; last: " << last.dump();
    return last;
  }

  fs::path dir_;
  uint16_t port_ = 0;
  std::unique_ptr<server_process> srv_;
  std::unique_ptr<http_client> client_;
};

inline json topic_subscription(const std::string& name, const std::string& url) {
  return {{"name", name},          {"topic", kTopic},           {"start", "earliest"}, {"url", url},
          {"initial_delay_ms", 5}, {"max_delay_ms", 20},        {"max_attempts", 5},   {"timeout_ms", 2000}};
}

}  // namespace eventfabric::testing
