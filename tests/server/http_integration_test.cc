// `eventfabric serve` as a real process over loopback: durability across
// SIGKILL, queue flows, the bad-request table on the wire, graceful stop.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "emulator/http_client/client.h"
#include "tests/support/http_client.h"
#include "tests/support/test_dir.h"

namespace eventfabric {
namespace {

using json = nlohmann::json;
using testing::http_client;
using testing::server_process;
namespace fs = std::filesystem;

constexpr const char* kV2Json = "application/vnd.kafka.json.v2+json";
constexpr const char* kV2 = "application/vnd.kafka.v2+json";

std::string envelope(int i) {
  return json{{"id", "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a" + std::string(i < 10 ? "0" : "") + std::to_string(i)},
              {"type", "workflow.instance.started.v1"},
              {"occurred_at", "2024-05-01T12:00:00Z"},
              {"source", "wf"},
              {"correlation_id", "c-" + std::to_string(i)},
              {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
              {"payload", {{"i", i}}},
              {"metadata", {{"partition_key", "key-" + std::to_string(i % 4)}}}}
      .dump();
}

class HttpIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::fresh_test_dir("ef-http");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<server_process> start(std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--data-dir", dir_.string()});
    auto s = std::make_unique<server_process>(EF_EVENTFABRIC_BIN, extra);
    EXPECT_TRUE(s->start(port_));
    return s;
  }
  fs::path dir_;
  uint16_t port_ = testing::free_port();
};

// Produces envelope(i) to workflow.instance.started.v1; returns the status.
int produce_started(http_client& c, int i) {
  return c.call("POST", "/topics/workflow.instance.started.v1", R"({"records":[{"value":)" + envelope(i) + "}]}", kV2Json)
      .status;
}

std::vector<json> fetch_all(http_client& c, const std::string& base, std::size_t want) {
  std::vector<json> got;
  for (int i = 0; i < 50 && got.size() < want; ++i) {
    auto r = c.call("GET", base + "/records?timeout=200");
    EXPECT_EQ(r.status, 200) << r.body;
    for (auto& rec : json::parse(r.body)) got.push_back(rec);
  }
  return got;
}

TEST_F(HttpIntegration, GroupResumesFromCommittedOffsetsAfterKill9) {
  auto srv = start();
  http_client c(port_);
  ASSERT_EQ(c.call("POST", "/admin/topics", R"({"name":"workflow.instance.started.v1","partitions":3})").status, 201);
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(produce_started(c, i), 200);
  const std::string base = "/consumers/ledger/instances/c1";
  ASSERT_EQ(c.call("POST", "/consumers/ledger", R"({"name":"c1","auto.offset.reset":"earliest","auto.commit.enable":"false"})", kV2).status, 200);
  ASSERT_EQ(c.call("POST", base + "/subscription", R"({"topics":["workflow.instance.started.v1"]})", kV2).status, 204);
  auto first = fetch_all(c, base, 20);
  ASSERT_EQ(first.size(), 20u);
  ASSERT_EQ(c.call("POST", base + "/offsets", "", kV2).status, 204);  // commit everything fetched
  for (int i = 20; i < 25; ++i)
    ASSERT_EQ(produce_started(c, i), 200);

  const int status = srv->kill_now(SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(status));
  c.close();
  srv = start();

  json topic = json::parse(c.call("GET", "/admin/topics/workflow.instance.started.v1").body);
  int64_t total = 0;
  for (const auto& p : topic["partition_info"]) total += p["high_watermark"].get<int64_t>();
  EXPECT_EQ(total, 25) << "acknowledged records were lost";
  ASSERT_EQ(c.call("POST", "/consumers/ledger", R"({"name":"c2","auto.offset.reset":"earliest","auto.commit.enable":"false"})", kV2).status, 200);
  ASSERT_EQ(c.call("POST", "/consumers/ledger/instances/c2/subscription", R"({"topics":["workflow.instance.started.v1"]})", kV2).status, 204);
  auto rest = fetch_all(c, "/consumers/ledger/instances/c2", 5);
  ASSERT_EQ(rest.size(), 5u);
  std::set<int> seen;
  for (const auto& r : rest) seen.insert(r["value"]["payload"]["i"].get<int>());
  EXPECT_EQ(seen, (std::set<int>{20, 21, 22, 23, 24}));
}

// Group commit is observable: one commit per sequential produce here, and
// every commit carried at least one waiting request.
// Both ends keep room for 64 KiB reads: a request body and a response many
// reads long arrive whole and in order (here ~270 KB each way).
TEST_F(HttpIntegration, BodiesManyReadsLongArriveWhole) {
  auto srv = start();
  http_client c(port_);
  ASSERT_EQ(c.call("POST", "/admin/topics", R"({"name":"workflow.instance.started.v1","partitions":1})").status, 201);
  std::string body = R"({"records":[)";
  for (int i = 0; i < 1000; ++i) body += (i ? "," : "") + std::string(R"({"value":)") + envelope(i % 100) + "}";
  body += "]}";
  ASSERT_GT(body.size(), 250'000u);
  const auto produced = c.call("POST", "/topics/workflow.instance.started.v1", body, kV2Json);
  ASSERT_EQ(produced.status, 200) << produced.body;
  EXPECT_EQ(json::parse(produced.body)["offsets"].size(), 1000u);
  eventfabric::http_client::client cli("127.0.0.1", std::to_string(port_));
  auto page = cli.call("GET", "/admin/topics/workflow.instance.started.v1/partitions/0/records?max=1000", "", {},
                       std::chrono::seconds(10));
  ASSERT_TRUE(page.has_value()) << page.error().what;
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_GT(page->body.size(), 250'000u);
  const json records = json::parse(page->body)["records"];
  ASSERT_EQ(records.size(), 1000u);
  for (int i : {0, 511, 999}) {
    EXPECT_EQ(records[i]["offset"], i);
    EXPECT_EQ(records[i]["value"], json::parse(envelope(i % 100)));
  }
}

TEST_F(HttpIntegration, MetricsCountStoreCommitsAndTheRequestsTheyCarried) {
  auto srv = start();
  http_client c(port_);
  ASSERT_EQ(c.call("POST", "/admin/topics", R"({"name":"workflow.instance.started.v1","partitions":1})").status, 201);
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(produce_started(c, i), 200);
  const std::string text = c.call("GET", "/metrics").body;
  auto value = [&](const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    EXPECT_NE(at, std::string::npos) << name << " missing in\n" << text;
    return at == std::string::npos ? 0.0 : std::stod(text.substr(at + name.size() + 2));
  };
  const double commits = value("eventfabric_store_commits_total");
  EXPECT_GE(commits, 6);  // the topic, then each produce (ticks may add more)
  EXPECT_GE(value("eventfabric_store_commit_waiters_total"), commits);
}

TEST_F(HttpIntegration, QueueNackRedeliveryAndDeadLetterSurviveKill9) {
  auto srv = start();
  http_client c(port_);
  ASSERT_EQ(c.call("PUT", "/queues/notify.email.high.dlq", "{}").status, 201);
  ASSERT_EQ(c.call("PUT", "/queues/notify.email.high", R"({"dead_letter_routing_key":"notify.email.high.dlq"})").status, 201);
  ASSERT_EQ(c.call("POST", "/queues/notify.email.high/messages", R"({"body":"hello"})").status, 201);
  auto d1 = json::parse(c.call("POST", "/queues/notify.email.high/receive", R"({"max":1})").body);
  ASSERT_EQ(d1.size(), 1u);
  ASSERT_EQ(c.call("POST", "/queues/notify.email.high/nack", json{{"delivery_tag", d1[0]["delivery_tag"]}, {"requeue", true}}.dump()).status, 204);
  auto d2 = json::parse(c.call("POST", "/queues/notify.email.high/receive", R"({"max":1})").body);
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_TRUE(d2[0]["redelivered"].get<bool>());
  ASSERT_EQ(c.call("POST", "/queues/notify.email.high/reject", json{{"delivery_tag", d2[0]["delivery_tag"]}}.dump()).status, 204);
  srv->kill_now(SIGKILL);
  c.close();
  srv = start();
  auto dead = json::parse(c.call("GET", "/queues/notify.email.high.dlq/messages").body);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["body"], "hello");
  EXPECT_EQ(dead[0]["x-death"][0]["reason"], "rejected");
  EXPECT_EQ(json::parse(c.call("GET", "/queues/notify.email.high").body)["ready"], 0);
}

// Sends raw bytes and returns what the server answered (possibly nothing).
std::string raw_exchange(uint16_t port, const std::string& bytes, std::chrono::milliseconds wait_for_close) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  boost::asio::write(s, boost::asio::buffer(bytes), ec);
  std::string out;
  const auto until = std::chrono::steady_clock::now() + wait_for_close;
  char buf[4096];
  while (std::chrono::steady_clock::now() < until) {
    s.non_blocking(true);
    const auto n = s.read_some(boost::asio::buffer(buf), ec);
    if (!ec) out.append(buf, n);
    else if (ec != boost::asio::error::would_block) break;  // closed by the server
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return out;
}

TEST_F(HttpIntegration, BadRequestsOnTheWireLeaveTheServerHealthy) {
  auto srv = start({"--max-body", "2048", "--request-timeout-ms", "300"});
  http_client c(port_);
  ASSERT_EQ(c.call("POST", "/admin/topics", R"({"name":"workflow.instance.started.v1"})").status, 201);
  struct wire_case {
    const char* name;
    std::string method, path, body, type;
    int status;
    const char* code;
  };
  const std::vector<wire_case> cases = {
      {"malformed JSON", "POST", "/topics/workflow.instance.started.v1", "{\"records\":", kV2Json, 400, "MALFORMED_JSON"},
      {"wrong content type", "POST", "/topics/workflow.instance.started.v1", "{}", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"oversized body", "POST", "/topics/workflow.instance.started.v1", std::string(4096, ' '), kV2Json, 413, "TOO_LARGE"},
      {"unknown topic", "POST", "/topics/a.b.c.v1", "{\"records\":[{\"value\":1}]}", kV2Json, 404, "NOT_FOUND"},
      {"invalid envelope", "POST", "/topics/workflow.instance.started.v1", "{\"records\":[{\"value\":{\"id\":\"x\"}}]}", kV2Json, 422, "VALIDATION_FAILED"},
      {"invalid UTF-8", "POST", "/topics/workflow.instance.started.v1", "{\"records\":[{\"value\":\"\xc3\x28\"}]}", kV2Json, 400, "MALFORMED_JSON"},
  };
  for (const auto& w : cases) {
    auto r = c.call(w.method, w.path, w.body, w.type);
    EXPECT_EQ(r.status, w.status) << w.name << ": " << r.body;
    EXPECT_EQ(json::parse(r.body)["error"]["code"], w.code) << w.name;
  }
  // A header flood gets 431 and the connection closed.
  std::string flood = "GET /health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) flood += "X-Flood-" + std::to_string(i) + ": aaaaaaaaaaaaaaaaaaaa\r\n";
  flood += "\r\n";
  EXPECT_NE(raw_exchange(port_, flood, std::chrono::milliseconds(2000)).find("431"), std::string::npos);
  // Garbage instead of HTTP gets 400.
  EXPECT_NE(raw_exchange(port_, "NOT HTTP AT ALL\r\n\r\n", std::chrono::milliseconds(2000)).find("400"), std::string::npos);
  // A slow client that never finishes its request is cut off after the request timeout.
  const auto t0 = std::chrono::steady_clock::now();
  auto slow = raw_exchange(port_, "POST /topics/workflow.instance.started.v1 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
                           std::chrono::milliseconds(3000));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2500)) << "slow client held the connection";
  EXPECT_EQ(c.call("GET", "/health").status, 200);
}

TEST_F(HttpIntegration, SigtermStopsCleanlyWithExitZero) {
  auto srv = start();
  http_client c(port_);
  ASSERT_EQ(c.call("POST", "/admin/topics", R"({"name":"workflow.instance.started.v1"})").status, 201);
  const int status = srv->kill_now(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  srv = start();
  EXPECT_EQ(c.call("GET", "/admin/topics/workflow.instance.started.v1").status, 200);
}

}  // namespace
}  // namespace eventfabric
