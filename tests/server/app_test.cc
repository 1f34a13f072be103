// The HTTP API mapped in memory: app::handle(request) with no sockets.
#include "emulator/server/app.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "emulator/schema/registry.h"
#include "emulator/store/memory_store.h"
#include "tests/support/app_request.h"

namespace eventfabric::server {
namespace {

using json = nlohmann::json;

const char* kEnvelope =
    R"({"id":"6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91","type":"workflow.instance.started.v1",)"
    R"("occurred_at":"2024-05-01T12:00:00Z","source":"wf","correlation_id":"c-1",)"
    R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","payload":{"n":1},"metadata":{"partition_key":"21"}})";

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.attach(registry_);
    ASSERT_TRUE(broker_.recover());
    auto r = call("POST", "/admin/topics", R"({"name":"workflow.instance.started.v1","partitions":3})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  response call(std::string method, std::string path, std::string body = "",
                std::string content_type = "application/json", std::map<std::string, std::string, std::less<>> query = {}) {
    auto out = app_.handle(testing::make_request(std::move(method), std::move(path), std::move(body),
                                                 std::move(content_type), std::move(query)));
    if (auto* p = std::get_if<pending>(&out)) return *p->poll(true);
    return std::get<response>(out);
  }
  response produce(const std::string& body) {
    return call("POST", "/topics/workflow.instance.started.v1", body, "application/vnd.kafka.json.v2+json");
  }
  core::manual_clock clock_;
  store::memory_store store_;
  core::broker broker_{{.clk = &clock_, .seed = 1, .store = &store_}};
  schema::registry registry_{&store_};
  app app_{broker_, {.max_body_bytes = 4096, .registry = &registry_}};
};

std::string error_code(const response& r) { return json::parse(r.body)["error"]["code"]; }

TEST_F(AppTest, HealthAndMetrics) {
  auto h = call("GET", "/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(json::parse(h.body)["status"], "ok");
  auto m = call("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("eventfabric_topic_high_watermark{topic=\"workflow.instance.started.v1\",partition=\"0\"} 0"),
            std::string::npos);
}

TEST_F(AppTest, ProduceUsesEnvelopePartitionKeyAndNeedsSync) {
  auto r = produce(std::string(R"({"records":[{"value":)") + kEnvelope + "}]}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.needs_sync);
  auto j = json::parse(r.body);
  EXPECT_EQ(j["offsets"][0]["partition"], (-973932308 & 0x7fffffff) % 3);
  EXPECT_EQ(j["offsets"][0]["offset"], 0);
}

TEST_F(AppTest, ProduceToAnUnknownTopicIs404UnlessAutoCreateIsOn) {
  const std::string body = R"({"records":[{"value":{"a":1}}]})";
  auto r = call("POST", "/topics/new.topic.here.v1", body, "application/vnd.kafka.json.v2+json");
  EXPECT_EQ(r.status, 404) << r.body;

  app autocreating{broker_, {.registry = &registry_, .auto_create_topics = true, .auto_create_partitions = 2}};
  auto out = autocreating.handle(
      testing::make_request("POST", "/topics/new.topic.here.v1", body, "application/vnd.kafka.json.v2+json"));
  auto created = std::get<response>(out);
  EXPECT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(broker_.topics().partition_count("new.topic.here.v1").value_or(0), 2);
}

TEST_F(AppTest, ProduceToExplicitPartition) {
  auto r = call("POST", "/topics/workflow.instance.started.v1/partitions/2", R"({"records":[{"value":{"a":1}},{"value":2}]})",
                "application/vnd.kafka.json.v2+json");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["offsets"][1]["partition"], 2);
  EXPECT_EQ(j["offsets"][1]["offset"], 1);
}

struct bad_case {
  const char* name;
  const char* method;
  const char* path;
  std::string body;
  const char* content_type;
  int status;
  const char* code;
};

TEST_F(AppTest, BadRequestsGetTheirStatusAndCode) {
  const std::string big(5000, 'x');
  const std::vector<bad_case> cases = {
      {"malformed JSON", "POST", "/topics/workflow.instance.started.v1", "{\"records\":[", "application/vnd.kafka.json.v2+json", 400, "MALFORMED_JSON"},
      {"empty body", "POST", "/topics/workflow.instance.started.v1", "", "application/vnd.kafka.json.v2+json", 400, "MALFORMED_JSON"},
      {"invalid UTF-8", "POST", "/topics/workflow.instance.started.v1", "{\"records\":[{\"value\":\"\xff\xfe\"}]}", "application/vnd.kafka.json.v2+json", 400, "MALFORMED_JSON"},
      {"wrong content type", "POST", "/topics/workflow.instance.started.v1", "{}", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"binary embedded format", "POST", "/topics/workflow.instance.started.v1", "{}", "application/vnd.kafka.binary.v2+json", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"oversized body", "POST", "/topics/workflow.instance.started.v1", big, "application/vnd.kafka.json.v2+json", 413, "TOO_LARGE"},
      {"unknown topic", "POST", "/topics/nope.nope.nope.v1", "{\"records\":[{\"value\":1}]}", "application/vnd.kafka.json.v2+json", 404, "NOT_FOUND"},
      {"unknown partition", "POST", "/topics/workflow.instance.started.v1/partitions/9", "{\"records\":[{\"value\":1}]}", "application/vnd.kafka.json.v2+json", 404, "NOT_FOUND"},
      {"bad partition number", "POST", "/topics/workflow.instance.started.v1/partitions/x", "{\"records\":[{\"value\":1}]}", "application/vnd.kafka.json.v2+json", 400, "INVALID_ARGUMENT"},
      {"no records", "POST", "/topics/workflow.instance.started.v1", "{\"records\":[]}", "application/vnd.kafka.json.v2+json", 400, "INVALID_ARGUMENT"},
      {"wrong type for records", "POST", "/topics/workflow.instance.started.v1", "{\"records\":5}", "application/vnd.kafka.json.v2+json", 400, "INVALID_ARGUMENT"},
      {"invalid envelope", "POST", "/topics/workflow.instance.started.v1", "{\"records\":[{\"value\":{\"type\":\"a.b.v1\",\"payload\":{}}}]}", "application/vnd.kafka.json.v2+json", 422, "VALIDATION_FAILED"},
      {"unknown route", "GET", "/nowhere", "", "", 404, "NOT_FOUND"},
      {"wrong method", "PATCH", "/topics", "", "", 405, "METHOD_NOT_ALLOWED"},
      {"bad topic name", "POST", "/admin/topics", "{\"name\":\"Orders\"}", "application/json", 400, "INVALID_NAME"},
      {"topic conflict", "POST", "/admin/topics", "{\"name\":\"workflow.instance.started.v1\",\"partitions\":7}", "application/json", 409, "ALREADY_EXISTS"},
      {"wrong field type", "POST", "/admin/topics", "{\"name\":\"a.b.c.v1\",\"partitions\":\"3\"}", "application/json", 400, "INVALID_ARGUMENT"},
      {"unknown consumer", "GET", "/consumers/g/instances/nobody/records", "", "", 404, "NOT_FOUND"},
      {"unknown queue", "POST", "/queues/notify.email.high/messages", "{\"body\":\"x\"}", "application/json", 404, "NOT_FOUND"},
      {"bad queue name", "PUT", "/queues/notify", "{}", "application/json", 400, "INVALID_NAME"},
      {"ack without tag", "POST", "/queues/notify.email.high/ack", "{}", "application/json", 400, "INVALID_ARGUMENT"},
  };
  for (const auto& c : cases) {
    auto r = call(c.method, c.path, c.body, c.content_type);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    ASSERT_NO_THROW(json::parse(r.body)) << c.name;
    EXPECT_EQ(error_code(r), c.code) << c.name;
    EXPECT_FALSE(r.needs_sync) << c.name;
  }
  EXPECT_EQ(call("GET", "/health").status, 200);
}

TEST_F(AppTest, RestProxyConsumerFlowWithCommits) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(call("POST", "/topics/workflow.instance.started.v1/partitions/0", R"({"records":[{"value":{"i":)" + std::to_string(i) + "}}]}",
                   "application/vnd.kafka.json.v2+json").status, 200);
  auto c = call("POST", "/consumers/ledger", R"({"name":"c1","auto.offset.reset":"earliest","auto.commit.enable":"false"})",
                "application/vnd.kafka.v2+json");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(json::parse(c.body)["instance_id"], "c1");
  ASSERT_EQ(call("POST", "/consumers/ledger/instances/c1/subscription", R"({"topics":["workflow.instance.started.v1"]})",
                 "application/vnd.kafka.v2+json").status, 204);
  auto recs = call("GET", "/consumers/ledger/instances/c1/records", "", "", {{"timeout", "0"}});
  ASSERT_EQ(recs.status, 200) << recs.body;
  auto j = json::parse(recs.body);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[2]["value"]["i"], 2);
  ASSERT_EQ(call("POST", "/consumers/ledger/instances/c1/offsets",
                 R"({"offsets":[{"topic":"workflow.instance.started.v1","partition":0,"offset":1}]})",
                 "application/vnd.kafka.v2+json").status, 204);
  // REST Proxy commits the last processed offset; Kafka stores the next one.
  EXPECT_EQ(*broker_.groups().committed("ledger", "workflow.instance.started.v1", 0), std::optional<int64_t>(2));
  ASSERT_EQ(call("DELETE", "/consumers/ledger/instances/c1", "", "").status, 204);
  call("POST", "/consumers/ledger", R"({"name":"c2","auto.offset.reset":"earliest"})", "application/vnd.kafka.v2+json");
  call("POST", "/consumers/ledger/instances/c2/subscription", R"({"topics":["workflow.instance.started.v1"]})",
       "application/vnd.kafka.v2+json");
  auto again = json::parse(call("GET", "/consumers/ledger/instances/c2/records", "", "", {{"timeout", "0"}}).body);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0]["offset"], 2);
}

TEST_F(AppTest, LongPollWaitsThenAnswersWhenDataArrives) {
  call("POST", "/consumers/g", R"({"name":"c","auto.offset.reset":"earliest"})", "application/vnd.kafka.v2+json");
  call("POST", "/consumers/g/instances/c/subscription", R"({"topics":["workflow.instance.started.v1"]})",
       "application/vnd.kafka.v2+json");
  request req;
  req.method = "GET";
  req.path = "/consumers/g/instances/c/records";
  req.query = {{"timeout", "5000"}};
  auto out = app_.handle(req);
  ASSERT_TRUE(std::holds_alternative<pending>(out));
  auto& p = std::get<pending>(out);
  EXPECT_EQ(p.timeout, std::chrono::milliseconds(5000));
  EXPECT_FALSE(p.poll(false).has_value());
  ASSERT_EQ(produce(R"({"records":[{"value":{"late":true}}]})").status, 200);
  auto r = p.poll(false);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(json::parse(r->body)[0]["value"]["late"], true);
}

TEST_F(AppTest, QueueFlowPublishReceiveNackRedeliverRejectDeadLetter) {
  ASSERT_EQ(call("PUT", "/queues/notify.email.high.dlq", "{}").status, 201);
  ASSERT_EQ(call("PUT", "/queues/notify.email.high", R"({"dead_letter_exchange":"","dead_letter_routing_key":"notify.email.high.dlq"})").status, 201);
  auto pub = call("POST", "/queues/notify.email.high/messages", R"({"body":{"to":"a@example.com"},"message_id":"m1"})");
  ASSERT_EQ(pub.status, 201) << pub.body;
  auto got = json::parse(call("POST", "/queues/notify.email.high/receive", R"({"max":1,"lease_ms":60000})").body);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0]["redelivered"].get<bool>());
  EXPECT_EQ(got[0]["message"]["body"]["to"], "a@example.com");
  const auto tag = got[0]["delivery_tag"].get<uint64_t>();
  ASSERT_EQ(call("POST", "/queues/notify.email.high/nack", R"({"delivery_tag":)" + std::to_string(tag) + R"(,"requeue":true})").status, 204);
  auto again = json::parse(call("POST", "/queues/notify.email.high/receive", R"({"max":1})").body);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0]["redelivered"].get<bool>());
  EXPECT_EQ(again[0]["delivery_count"], 2);
  ASSERT_EQ(call("POST", "/queues/notify.email.high/reject",
                 R"({"delivery_tag":)" + std::to_string(again[0]["delivery_tag"].get<uint64_t>()) + "}").status, 204);
  auto dlq = json::parse(call("GET", "/queues/notify.email.high.dlq/messages").body);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0]["x-death"][0]["reason"], "rejected");
  EXPECT_EQ(dlq[0]["x-death"][0]["queue"], "notify.email.high");
  auto stats = json::parse(call("GET", "/queues/notify.email.high").body);
  EXPECT_EQ(stats["ready"], 0);
  EXPECT_EQ(stats["unacked"], 0);
}

TEST_F(AppTest, ExchangesAndBindingsRouteByTopicPattern) {
  ASSERT_EQ(call("PUT", "/exchanges/notify", R"({"type":"topic"})").status, 201);
  ASSERT_EQ(call("PUT", "/queues/notify.email.high", "").status, 201);
  ASSERT_EQ(call("POST", "/bindings", R"({"exchange":"notify","queue":"notify.email.high","routing_key":"email.#"})").status, 201);
  auto hit = json::parse(call("POST", "/exchanges/notify/publish", R"({"routing_key":"email.welcome.v1","body":"hi"})").body);
  EXPECT_EQ(hit["queues"], json::array({"notify.email.high"}));
  auto miss = call("POST", "/exchanges/notify/publish", R"({"routing_key":"sms.x","body":"hi","mandatory":true})");
  EXPECT_EQ(miss.status, 404);
  EXPECT_EQ(error_code(miss), "UNROUTABLE");
}

TEST_F(AppTest, SchemaRegistryRoundTripInConfluentShape) {
  const std::string sr = "application/vnd.schemaregistry.v1+json";
  const std::string v1 = R"({"type":"object","properties":{"amount":{"type":"number"}},"additionalProperties":false})";
  auto reg = call("POST", "/subjects/billing.payment.captured.v1-value/versions",
                  json{{"schema", v1}, {"schemaType", "JSON"}}.dump(), sr);
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_TRUE(reg.needs_sync);
  const int id = json::parse(reg.body)["id"];
  EXPECT_EQ(json::parse(call("GET", "/subjects").body), json::array({"billing.payment.captured.v1-value"}));
  EXPECT_EQ(json::parse(call("GET", "/subjects/billing.payment.captured.v1-value/versions").body), json::array({1}));
  auto latest = json::parse(call("GET", "/subjects/billing.payment.captured.v1-value/versions/latest").body);
  EXPECT_EQ(latest["id"], id);
  EXPECT_EQ(latest["schemaType"], "JSON");
  EXPECT_EQ(json::parse(json::parse(call("GET", "/schemas/ids/" + std::to_string(id)).body)["schema"].get<std::string>()),
            json::parse(v1));
  auto found = call("POST", "/subjects/billing.payment.captured.v1-value", json{{"schema", v1}}.dump(), sr);
  EXPECT_EQ(json::parse(found.body)["version"], 1);
  const std::string breaking = R"({"type":"object","properties":{"amount":{"type":"string"}},"additionalProperties":false})";
  auto compat = json::parse(call("POST", "/compatibility/subjects/billing.payment.captured.v1-value/versions/latest",
                                 json{{"schema", breaking}}.dump(), sr).body);
  EXPECT_FALSE(compat["is_compatible"].get<bool>());
  auto refused = call("POST", "/subjects/billing.payment.captured.v1-value/versions", json{{"schema", breaking}}.dump(), sr);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(json::parse(refused.body)["error_code"], 409);
  EXPECT_EQ(json::parse(call("GET", "/config").body)["compatibilityLevel"], "BACKWARD");
  EXPECT_EQ(call("PUT", "/config/billing.payment.captured.v1-value", R"({"compatibility":"NONE"})", sr).status, 200);
  EXPECT_EQ(call("PUT", "/config", R"({"compatibility":"SIDEWAYS"})", sr).status, 422);
  auto missing = call("GET", "/subjects/nope-value/versions");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["error_code"], 40401);
  EXPECT_EQ(call("GET", "/subjects/billing.payment.captured.v1-value/versions/zero").status, 422);
  EXPECT_EQ(call("DELETE", "/subjects/billing.payment.captured.v1-value", "", "").status, 200);
  EXPECT_EQ(json::parse(call("GET", "/subjects").body), json::array());
}

// The WebSocket tails' sources, without the socket: what the session sends.
live_stream tail_of(app& a, const std::string& path, std::map<std::string, std::string, std::less<>> query = {}) {
  request req;
  req.method = "GET";
  req.path = path;
  req.query = std::move(query);
  req.headers.emplace_back("upgrade", "websocket");
  auto out = a.handle(req);
  if (auto* r = std::get_if<response>(&out)) ADD_FAILURE() << r->status << " " << r->body;
  return std::get<live_stream>(out);
}

TEST_F(AppTest, TopicTailStreamsNewRecordsAndCountsWhatIsOwed) {
  ASSERT_EQ(produce(R"({"records":[{"value":1,"partition":0}]})").status, 200);
  auto live = tail_of(app_, "/ws/topics/workflow.instance.started.v1");
  auto old = tail_of(app_, "/ws/topics/workflow.instance.started.v1", {{"from", "beginning"}});
  EXPECT_TRUE(live.next(10).frames.empty()) << "from the end by default";
  ASSERT_EQ(produce(R"({"records":[{"key":"a","value":{"n":1},"partition":1},{"value":"x","partition":1},{"value":3,"partition":1}]})").status, 200);
  auto two = live.next(2);
  ASSERT_EQ(two.frames.size(), 2u);
  EXPECT_EQ(two.behind, 1u) << "the third record is owed";
  auto f0 = json::parse(two.frames[0]);
  EXPECT_EQ(f0["topic"], "workflow.instance.started.v1");
  EXPECT_EQ(f0["partition"], 1);
  EXPECT_EQ(f0["offset"], 0);
  EXPECT_EQ(f0["key"], "a");
  EXPECT_EQ(f0["value"], json({{"n", 1}}));
  EXPECT_TRUE(f0.contains("timestamp"));
  auto rest = live.next(10);
  ASSERT_EQ(rest.frames.size(), 1u);
  EXPECT_EQ(json::parse(rest.frames[0])["offset"], 2);
  EXPECT_EQ(rest.behind, 0u);
  auto all = old.next(10);
  EXPECT_EQ(all.frames.size(), 4u) << "from the beginning: the record produced before, then the new ones";
  EXPECT_EQ(all.behind, 0u) << "history is not owed";
  EXPECT_EQ(call("DELETE", "/admin/topics/workflow.instance.started.v1").status, 204);
  EXPECT_TRUE(live.next(10).end.has_value());
}

TEST_F(AppTest, QueueTailShowsPublishedMessagesWithoutConsuming) {
  ASSERT_EQ(call("PUT", "/queues/notify.email.high", "{}").status, 201);
  ASSERT_EQ(call("POST", "/queues/notify.email.high/messages", R"({"body":"before"})").status, 201);
  auto live = tail_of(app_, "/ws/queues/notify.email.high");
  ASSERT_EQ(call("POST", "/queues/notify.email.high/messages", R"({"body":{"to":"a@example.com"}})").status, 201);
  ASSERT_EQ(call("POST", "/queues/notify.email.high/messages", R"({"body":"second"})").status, 201);
  auto got = live.next(10);
  ASSERT_EQ(got.frames.size(), 2u);
  EXPECT_EQ(json::parse(got.frames[0])["body"], json({{"to", "a@example.com"}}));
  EXPECT_EQ(json::parse(got.frames[0])["queue"], "notify.email.high");
  EXPECT_EQ(json::parse(got.frames[1])["body"], "second");
  EXPECT_TRUE(live.next(10).frames.empty());
  EXPECT_EQ(json::parse(call("GET", "/queues/notify.email.high").body)["ready"], 3) << "nothing consumed";
  auto from_start = tail_of(app_, "/ws/queues/notify.email.high", {{"from", "beginning"}});
  EXPECT_EQ(from_start.next(10).frames.size(), 3u);
}

TEST_F(AppTest, TailRoutesAnswerHttpErrorsBeforeAnyUpgrade) {
  request req;
  req.method = "GET";
  req.path = "/ws/topics/a.b.c.v1";
  req.headers.emplace_back("upgrade", "websocket");
  auto missing = std::get<response>(app_.handle(req));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "NOT_FOUND");
  req.path = "/ws/topics/workflow.instance.started.v1";
  req.query["from"] = "now";
  EXPECT_EQ(std::get<response>(app_.handle(req)).status, 400);
  auto plain = call("GET", "/ws/topics/workflow.instance.started.v1");
  EXPECT_EQ(plain.status, 426);
  EXPECT_EQ(error_code(plain), "UPGRADE_REQUIRED");
}

}  // namespace
}  // namespace eventfabric::server
