// /idempotency and /faults mapped in memory: app::handle(request), manual clock.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "emulator/delivery/idempotency_store.h"
#include "emulator/faults/engine.h"
#include "emulator/server/app.h"
#include "emulator/store/memory_store.h"
#include "tests/support/app_request.h"

namespace eventfabric::server {
namespace {

using json = nlohmann::json;
constexpr const char* kTopic = "workflow.instance.started.v1";

class FaultRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.attach(idem_);
    ASSERT_TRUE(broker_.recover());
    ASSERT_EQ(call("POST", "/admin/topics", R"({"name":"workflow.instance.started.v1","partitions":1})").status, 201);
  }
  response call(std::string method, std::string path, std::string body = "",
                std::string content_type = "application/json", std::map<std::string, std::string, std::less<>> query = {}) {
    auto out = app_.handle(testing::make_request(std::move(method), std::move(path), std::move(body),
                                                 std::move(content_type), std::move(query)));
    auto r = std::get<response>(out);
    if (r.needs_sync) EXPECT_TRUE(broker_.sync().has_value());
    return r;
  }
  response produce(int n) {
    return call("POST", std::string("/topics/") + kTopic,
                R"({"records":[{"key":"k","value":{"n":)" + std::to_string(n) + "}}]}",
                "application/vnd.kafka.json.v2+json");
  }
  int64_t high_watermark() { return (*broker_.topics().log(kTopic, 0))->high_watermark(); }

  core::manual_clock clock_;
  store::memory_store store_;
  core::broker broker_{{.clk = &clock_, .seed = 1, .store = &store_}};
  delivery::idempotency_store idem_{clock_, &store_};
  faults::engine faults_{7, clock_};
  app app_{broker_, {.max_body_bytes = 1 << 20, .idempotency = &idem_, .faults = &faults_}};
};

std::string error_code(const response& r) { return json::parse(r.body)["error"]["code"]; }

TEST_F(FaultRoutesTest, IdempotencyPutConflictsUntilTheTtlRunsOut) {
  auto first = call("PUT", "/idempotency/order-1", "", "", {{"ttl", "60"}});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(json::parse(first.body)["expires_at_ms"], clock_.now_ms() + 60'000);
  auto again = call("PUT", "/idempotency/order-1", "", "", {{"ttl", "60"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_code(again), "ALREADY_EXISTS");
  EXPECT_EQ(call("GET", "/idempotency/order-1").status, 200);
  clock_.advance(60'000);
  auto gone = call("GET", "/idempotency/order-1");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(error_code(gone), "NOT_FOUND");
  EXPECT_EQ(call("PUT", "/idempotency/order-1", "", "", {{"ttl", "60"}}).status, 201);
  EXPECT_EQ(call("DELETE", "/idempotency/order-1").status, 204);
  EXPECT_EQ(call("DELETE", "/idempotency/order-1").status, 404);
}

TEST_F(FaultRoutesTest, IdempotencyDefaultsTtlAndRejectsBadOnes) {
  auto r = call("PUT", "/idempotency/k");
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(json::parse(r.body)["expires_at_ms"], clock_.now_ms() + 24LL * 3600 * 1000);
  for (const char* bad : {"0", "-5", "ten", "99999999999999999999"}) {
    auto b = call("PUT", "/idempotency/x", "", "", {{"ttl", bad}});
    EXPECT_EQ(b.status, 400) << bad << " " << b.body;
  }
  auto tooLong = call("PUT", "/idempotency/" + std::string(600, 'k'));
  EXPECT_EQ(tooLong.status, 413) << tooLong.body;
}

TEST_F(FaultRoutesTest, IdempotencyKeysSurviveARestart) {
  ASSERT_EQ(call("PUT", "/idempotency/pay-9", "", "", {{"ttl", "3600"}}).status, 201);
  core::broker again{{.clk = &clock_, .seed = 1, .store = &store_}};
  delivery::idempotency_store idem{clock_, &store_};
  again.attach(idem);
  ASSERT_TRUE(again.recover());
  EXPECT_TRUE(idem.has("pay-9"));
}

TEST_F(FaultRoutesTest, ProduceErrorAtAPositionFailsThatProduceOnly) {
  auto put = call("PUT", "/faults", R"({"rules":[{"kind":"produce_error","topic":"*","positions":[2]}]})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_TRUE(json::parse(put.body)["warnings"].empty());
  EXPECT_EQ(produce(1).status, 200);
  auto failed = produce(2);
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(error_code(failed), "FAULT_INJECTED");
  EXPECT_EQ(high_watermark(), 1);  // not appended
  EXPECT_EQ(produce(3).status, 200);
  auto schedule = json::parse(call("GET", "/faults/schedule").body);
  ASSERT_EQ(schedule.size(), 1u);
  EXPECT_EQ(schedule[0]["kind"], "produce_error");
  EXPECT_EQ(schedule[0]["position"], 2);
  EXPECT_EQ(schedule[0]["target"]["name"], kTopic);
}

TEST_F(FaultRoutesTest, ProduceErrorAfterAppendIsTheProducerSideDuplicate) {
  ASSERT_EQ(call("PUT", "/faults",
                 R"({"rules":[{"kind":"produce_error","topic":"workflow.instance.started.v1","positions":[1],"after_append":true}]})")
                .status,
            200);
  auto failed = produce(1);
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(high_watermark(), 1);  // appended and durable, yet the producer saw an error
  EXPECT_EQ(produce(1).status, 200);  // the retry: the same record twice
  EXPECT_EQ(high_watermark(), 2);
}

TEST_F(FaultRoutesTest, ASavedScheduleReplaysExactly) {
  ASSERT_EQ(call("PUT", "/faults", R"({"seed":3,"rules":[{"kind":"produce_error","topic":"*","probability":0.5}]})")
                .status,
            200);
  std::vector<int> first;
  for (int i = 0; i < 20; ++i) first.push_back(produce(i).status);
  const std::string saved = call("GET", "/faults/schedule").body;
  ASSERT_FALSE(json::parse(saved).empty());
  auto replay = call("PUT", "/faults/schedule", saved);
  ASSERT_EQ(replay.status, 200) << replay.body;
  std::vector<int> second;
  for (int i = 0; i < 20; ++i) second.push_back(produce(i).status);
  EXPECT_EQ(first, second);
  // The same faults recur at the same positions (the manual clock did not move).
  EXPECT_EQ(json::parse(call("GET", "/faults/schedule").body), json::parse(saved));
}

TEST_F(FaultRoutesTest, BadRulesNameTheirPointerAndChangeNothing) {
  ASSERT_EQ(call("PUT", "/faults", R"([{"kind":"produce_error","topic":"*","positions":[1]}])").status, 200);
  auto bad = call("PUT", "/faults", R"({"rules":[{"kind":"fail","topic":"*","probability":1.5}]})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(error_code(bad), "INVALID_ARGUMENT");
  EXPECT_NE(bad.body.find("/rules/0/probability"), std::string::npos) << bad.body;
  EXPECT_EQ(call("PUT", "/faults", "{not json").status, 400);
  EXPECT_EQ(call("PUT", "/faults", "[]", "text/plain").status, 415);
  auto rules = json::parse(call("GET", "/faults").body)["rules"];
  ASSERT_EQ(rules.size(), 1u);  // the earlier rules stand
  EXPECT_EQ(rules[0]["kind"], "produce_error");
}

TEST_F(FaultRoutesTest, ProduceErrorActsOnQueueAndExchangePublishes) {
  ASSERT_EQ(call("PUT", "/queues/notify.email.high", "{}").status, 201);
  ASSERT_EQ(call("PUT", "/exchanges/notify", R"({"type":"topic"})").status, 201);
  ASSERT_EQ(call("POST", "/bindings", R"({"exchange":"notify","queue":"notify.email.high","routing_key":"email.#"})").status, 201);
  auto put = call("PUT", "/faults", R"({"rules":[
      {"kind":"produce_error","queue":"notify.email.high","positions":[1]},
      {"kind":"produce_error","queue":"notify","positions":[1],"after_append":true}]})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_TRUE(json::parse(put.body)["warnings"].empty()) << put.body;
  auto ready = [&] { return broker_.queues().stats("notify.email.high")->ready; };

  // The first direct publish fails before anything is enqueued; the next one passes.
  auto failed = call("POST", "/queues/notify.email.high/messages", R"({"body":{"n":1}})");
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(error_code(failed), "FAULT_INJECTED");
  EXPECT_EQ(json::parse(failed.body)["error"]["details"]["appended"], "false");
  EXPECT_EQ(ready(), 0u);
  EXPECT_EQ(call("POST", "/queues/notify.email.high/messages", R"({"body":{"n":2}})").status, 201);
  EXPECT_EQ(ready(), 1u);

  // Through the exchange, after_append: the producer sees 503 but the message is there.
  auto dup = call("POST", "/exchanges/notify/publish", R"({"routing_key":"email.high","body":{"n":3}})");
  EXPECT_EQ(dup.status, 503);
  EXPECT_EQ(json::parse(dup.body)["error"]["details"]["appended"], "true");
  EXPECT_EQ(ready(), 2u);
  auto realised = json::parse(call("GET", "/faults/schedule").body);
  ASSERT_EQ(realised.size(), 2u);
  EXPECT_EQ(realised[0]["kind"], "produce_error");
}

TEST_F(FaultRoutesTest, RulesTheServerDoesNotApplyComeWithAWarning) {
  auto put = call("PUT", "/faults", R"({"rules":[{"kind":"duplicate","topic":"*","probability":0.1}]})");
  ASSERT_EQ(put.status, 200);
  auto warnings = json::parse(put.body)["warnings"];
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].get<std::string>().find("duplicate"), std::string::npos);
  EXPECT_EQ(call("DELETE", "/faults").status, 204);
  EXPECT_TRUE(json::parse(call("GET", "/faults").body)["rules"].empty());
}

}  // namespace
}  // namespace eventfabric::server
