// The WebSocket tails over loopback with a Beast WebSocket client against a
// real `eventfabric serve`: live records with their offsets, from the
// beginning, a queue, HTTP errors before the upgrade, abrupt disconnects,
// and the connection limit.
#include <gtest/gtest.h>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/support/http_client.h"

namespace eventfabric {
namespace {

using json = nlohmann::json;
using testing::http_client;
using testing::server_process;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

constexpr const char* kTopic = "workflow.instance.started.v1";
constexpr const char* kV2Json = "application/vnd.kafka.json.v2+json";

// A WebSocket client whose reads give up after a deadline.
class ws_client {
 public:
  explicit ws_client(uint16_t port) : port_(port), ws_(io_) {}

  // Connects and upgrades; on refusal, `refused` holds the HTTP answer.
  bool open(const std::string& target) {
    ws_.next_layer().connect({asio::ip::make_address("127.0.0.1"), port_});
    // The asynchronous handshake keeps a refusal's response (the synchronous one drops it).
    std::optional<beast::error_code> done;
    ws_.async_handshake(refused, "127.0.0.1", target, [&done](beast::error_code ec) { done = ec; });
    io_.restart();
    io_.run_for(std::chrono::seconds(5));
    return done && !*done;
  }

  // The next text frame, or nullopt if none came within `wait` (or the
  // server closed the stream: see close_reason()).
  std::optional<std::string> read(std::chrono::milliseconds wait = std::chrono::seconds(5)) {
    buffer_.consume(buffer_.size());
    std::optional<beast::error_code> done;
    ws_.async_read(buffer_, [&done](beast::error_code ec, std::size_t) { done = ec; });
    io_.restart();
    io_.run_for(wait);
    if (!done) {
      beast::error_code ignored;
      ws_.next_layer().cancel(ignored);
      io_.restart();
      io_.run();
      return std::nullopt;
    }
    if (*done) return std::nullopt;
    return beast::buffers_to_string(buffer_.data());
  }

  websocket::close_reason close_reason() const { return ws_.reason(); }
  // Drops the TCP connection without a close frame.
  void kill() {
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
  }

  websocket::response_type refused;

 private:
  uint16_t port_;
  asio::io_context io_;
  websocket::stream<asio::ip::tcp::socket> ws_;
  beast::flat_buffer buffer_;
};

class WsTail : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }
  void start(std::vector<std::string> extra) {
    extra.insert(extra.begin(), "--in-memory");
    srv_ = std::make_unique<server_process>(EF_EVENTFABRIC_BIN, extra);
    ASSERT_TRUE(srv_->start(port_));
    ASSERT_EQ(http_.call("POST", "/admin/topics", json{{"name", kTopic}, {"partitions", 1}}.dump()).status, 201);
  }
  void produce(int n, int first = 0) {
    for (int i = first; i < first + n; ++i)
      ASSERT_EQ(http_.call("POST", std::string("/topics/") + kTopic,
                           json{{"records", {{{"key", "k" + std::to_string(i)}, {"value", {{"i", i}}}}}}}.dump(), kV2Json)
                    .status,
                200);
  }
  uint16_t port_ = testing::free_port();
  std::unique_ptr<server_process> srv_;
  http_client http_{port_};
};

TEST_F(WsTail, StreamsProducedRecordsWithTheirOffsets) {
  produce(2);  // before the tail: not sent by default
  ws_client ws(port_);
  ASSERT_TRUE(ws.open(std::string("/ws/topics/") + kTopic)) << ws.refused.body();
  produce(3, 2);
  for (int64_t offset = 2; offset < 5; ++offset) {
    auto frame = ws.read();
    ASSERT_TRUE(frame) << "no frame for offset " << offset;
    auto j = json::parse(*frame);
    EXPECT_EQ(j["topic"], kTopic);
    EXPECT_EQ(j["partition"], 0);
    EXPECT_EQ(j["offset"], offset);
    EXPECT_EQ(j["key"], "k" + std::to_string(offset));
    EXPECT_EQ(j["value"]["i"], offset);
    EXPECT_GT(j["timestamp"].get<int64_t>(), 0);
  }
  EXPECT_FALSE(ws.read(std::chrono::milliseconds(200))) << "nothing more was produced";
}

TEST_F(WsTail, FromBeginningSendsHistoryFirst) {
  produce(3);
  ws_client ws(port_);
  ASSERT_TRUE(ws.open(std::string("/ws/topics/") + kTopic + "?from=beginning")) << ws.refused.body();
  for (int64_t offset = 0; offset < 3; ++offset) {
    auto frame = ws.read();
    ASSERT_TRUE(frame);
    EXPECT_EQ(json::parse(*frame)["offset"], offset);
  }
}

TEST_F(WsTail, TailsAQueueWithoutConsuming) {
  ASSERT_EQ(http_.call("PUT", "/queues/notify.email.high", "{}").status, 201);
  ws_client ws(port_);
  ASSERT_TRUE(ws.open("/ws/queues/notify.email.high")) << ws.refused.body();
  ASSERT_EQ(http_.call("POST", "/queues/notify.email.high/messages", R"({"body":{"to":"a@example.com"}})").status, 201);
  auto frame = ws.read();
  ASSERT_TRUE(frame);
  EXPECT_EQ(json::parse(*frame)["body"]["to"], "a@example.com");
  EXPECT_EQ(json::parse(http_.call("GET", "/queues/notify.email.high").body)["ready"], 1);
}

TEST_F(WsTail, UnknownNamesGetTheErrorContractBeforeTheUpgrade) {
  ws_client topic(port_);
  ASSERT_FALSE(topic.open("/ws/topics/a.b.c.v1"));
  EXPECT_EQ(topic.refused.result_int(), 404u);
  auto body = json::parse(topic.refused.body(), nullptr, false);
  ASSERT_TRUE(body.is_object()) << topic.refused.body();
  EXPECT_EQ(body["error"]["code"], "NOT_FOUND");
  ws_client queue(port_);
  ASSERT_FALSE(queue.open("/ws/queues/nope.nope.high"));
  EXPECT_EQ(queue.refused.result_int(), 404u);
  ws_client from(port_);
  ASSERT_FALSE(from.open(std::string("/ws/topics/") + kTopic + "?from=yesterday"));
  EXPECT_EQ(from.refused.result_int(), 400u);
  auto plain = http_.call("GET", std::string("/ws/topics/") + kTopic);
  EXPECT_EQ(plain.status, 426);
  EXPECT_EQ(json::parse(plain.body)["error"]["code"], "UPGRADE_REQUIRED");
}

TEST_F(WsTail, ServerStaysHealthyAfterAbruptDisconnects) {
  {
    ws_client gone(port_);
    ASSERT_TRUE(gone.open(std::string("/ws/topics/") + kTopic));
    produce(1);
    ASSERT_TRUE(gone.read());
    gone.kill();  // no close frame
  }
  ws_client silent(port_);
  ASSERT_TRUE(silent.open(std::string("/ws/topics/") + kTopic));
  silent.kill();  // before anything was sent
  produce(50, 1);  // the server writes into dead connections
  EXPECT_EQ(http_.call("GET", "/health").status, 200);
  ws_client next(port_);
  ASSERT_TRUE(next.open(std::string("/ws/topics/") + kTopic + "?from=beginning"));
  for (int i = 0; i < 51; ++i) ASSERT_TRUE(next.read()) << i;
}

TEST_F(WsTail, TailsCountTowardsTheConnectionLimitAndSlowReadersAreClosed) {
  srv_->kill_now(SIGKILL);
  http_.close();
  start({"--max-connections", "2", "--tail-max-behind", "300"});
  http_.close();  // frees its connection (the server notices soon: retry until it has)
  auto open_tail = [this] {
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto ws = std::make_unique<ws_client>(port_);
      if (ws->open(std::string("/ws/topics/") + kTopic)) return ws;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::unique_ptr<ws_client>();
  };
  auto a_ptr = open_tail(), b_ptr = open_tail();
  ASSERT_TRUE(a_ptr && b_ptr);
  ws_client& a = *a_ptr;
  ws_client& b = *b_ptr;
  ws_client c(port_);
  ASSERT_FALSE(c.open(std::string("/ws/topics/") + kTopic));
  EXPECT_EQ(c.refused.result_int(), 503u);
  b.kill();
  // One produce of 600 records leaves `a` 600 - 256 behind after the first batch: over the limit.
  json records = json::array();
  for (int i = 0; i < 600; ++i) records.push_back({{"value", i}});
  bool produced = false;
  for (int attempt = 0; attempt < 100 && !produced; ++attempt) {  // until b's slot is released
    try {
      http_client h(port_);
      produced = h.call("POST", std::string("/topics/") + kTopic, json{{"records", records}}.dump(), kV2Json).status == 200;
    } catch (const std::exception&) {
    }
    if (!produced) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(produced);
  int frames = 0;
  while (a.read()) ++frames;
  EXPECT_EQ(frames, 256);
  EXPECT_EQ(a.close_reason().code, websocket::close_code::policy_error);
  const std::string why(a.close_reason().reason.data(), a.close_reason().reason.size());
  EXPECT_NE(why.find("slow reader"), std::string::npos) << why;
}

}  // namespace
}  // namespace eventfabric
