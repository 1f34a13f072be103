// Push subscriptions over real HTTP: `eventfabric serve` as a child process
// pushing to a scripted webhook inside the test (tests/support/test_webhook.h).
// Waits are bounded polls of the server's own state, never timing assertions.
#include <gtest/gtest.h>

#include "tests/server/push_fixture.h"

namespace eventfabric {
namespace {

using json = nlohmann::json;
using testing::envelope;
using testing::kQueue;
using testing::kTopic;
using testing::PushHttp;
using testing::test_webhook;
using testing::topic_subscription;
using testing::webhook_reply;
using testing::webhook_request;

TEST_F(PushHttp, TransientFailuresAreRetriedUntilProcessed) {
  std::atomic<int> calls{0};
  test_webhook hook([&](const webhook_request&) {
    return ++calls <= 2 ? webhook_reply{503, R"({"error":{"code":"BUSY","message":"later","details":{}}})"}
                        : webhook_reply{200, "{}"};
  });
  make_topic();
  produce("0b6e2f5c-8d3a-4f1e-9a7b-2c4d6e8f0a1b");
  subscribe(topic_subscription("billing-webhook", hook.url()));
  auto s = wait_for("/subscriptions/billing-webhook", [](const json& j) { return j["stats"]["processed"] == 1; });
  EXPECT_EQ(s["stats"]["attempts"], 3);
  EXPECT_EQ(s["stats"]["retries"], 2);
  EXPECT_EQ(s["dlq"], 0);

  // The consumer protocol on every attempt, over one keep-alive connection.
  const auto seen = hook.requests();
  ASSERT_EQ(seen.size(), 3u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].target, "/events");
    EXPECT_EQ(seen[i].header("X-Event-Id"), "0b6e2f5c-8d3a-4f1e-9a7b-2c4d6e8f0a1b");
    EXPECT_EQ(seen[i].header("Idempotency-Key"), "0b6e2f5c-8d3a-4f1e-9a7b-2c4d6e8f0a1b");
    EXPECT_EQ(seen[i].header("X-Event-Type"), "billing.payment.captured.v1");
    EXPECT_EQ(seen[i].header("X-Delivery-Attempt"), std::to_string(i + 1));
    EXPECT_EQ(seen[i].header("X-Topic"), kTopic);
    EXPECT_EQ(seen[i].header("X-Offset"), "0");
    EXPECT_EQ(seen[i].header("traceparent").substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
    EXPECT_EQ(json::parse(seen[i].body)["id"], "0b6e2f5c-8d3a-4f1e-9a7b-2c4d6e8f0a1b");
  }
  EXPECT_EQ(hook.connections(), 1u) << "keep-alive: one connection for the three attempts";

  // The group committed past the message.
  auto lag = wait_for("/subscriptions/billing-webhook", [](const json& j) { return j["waiting"] == 0; });
  EXPECT_EQ(lag["in_flight"], 0);
  auto metrics = call("GET", "/metrics");
  EXPECT_NE(metrics.body.find("eventfabric_event_processed_total{consumer=\"billing-webhook\"} 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("eventfabric_event_failed_total{consumer=\"billing-webhook\"} 2"), std::string::npos);
  EXPECT_NE(metrics.body.find("eventfabric_subscription_dlq_depth{consumer=\"billing-webhook\"} 0"), std::string::npos);
  EXPECT_NE(metrics.body.find("eventfabric_consumer_lag{group=\"billing-webhook\",topic=\"" + kTopic +
                              "\",partition=\"0\"} 0"),
            std::string::npos)
      << metrics.body;
}

TEST_F(PushHttp, APermanentFailureGoesToTheDlqWithItsContextAndRedrivesBack) {
  std::atomic<bool> accept{false};
  test_webhook hook([&](const webhook_request&) {
    if (accept) return webhook_reply{200, "{}"};
    return webhook_reply{422, R"({"error":{"code":"AMOUNT_INVALID","message":"amount must be positive",)"
                              R"("details":{"field":"payload.amount"}}})"};
  });
  ASSERT_EQ(call("PUT", "/queues/" + kQueue, "{}").status, 201);
  ASSERT_EQ(call("POST", "/queues/" + kQueue + "/messages",
                 json{{"body", json::parse(envelope("7d1f0c3a-5b2e-4a9c-8e6f-1a2b3c4d5e6f"))}}.dump())
                .status,
            201);
  subscribe({{"name", "capture-hook"}, {"queue", kQueue}, {"url", hook.url("/capture")}, {"max_attempts", 5}});

  auto dlq = wait_for("/subscriptions/capture-hook/dlq", [](const json& j) { return j.size() == 1; });
  const json& e = dlq[0];
  EXPECT_EQ(e["reason"], "permanent_failure");
  EXPECT_EQ(e["attempts"], 1) << "a 4xx is not retried";
  EXPECT_EQ(e["last_status"], 422);
  EXPECT_EQ(e["error"]["code"], "AMOUNT_INVALID");
  EXPECT_EQ(e["error"]["details"]["field"], "payload.amount");
  EXPECT_NE(e["response_body"].get<std::string>().find("amount must be positive"), std::string::npos);
  EXPECT_EQ(e["source"]["queue"], kQueue);
  EXPECT_EQ(e["event_id"], "7d1f0c3a-5b2e-4a9c-8e6f-1a2b3c4d5e6f");
  EXPECT_EQ(e["headers"]["X-Queue"], kQueue);
  EXPECT_EQ(e["message"]["payload"]["amount"], 10);
  EXPECT_EQ(get("/subscriptions/capture-hook/dlq/" + e["id"].dump())["error"]["code"], "AMOUNT_INVALID");
  EXPECT_EQ(call("GET", "/subscriptions/capture-hook/dlq/999").status, 404);
  // Parked means acked: the queue holds nothing for it any more.
  auto q = wait_for("/queues/" + kQueue, [](const json& j) { return j["unacked"] == 0; });
  EXPECT_EQ(q["ready"], 0);

  // A filter that matches nothing moves nothing; an empty one redrives all.
  auto none = call("POST", "/subscriptions/capture-hook/dlq/redrive", R"({"error_code":"OTHER"})");
  EXPECT_EQ(json::parse(none.body)["redriven"], 0);
  accept = true;
  auto redriven = call("POST", "/subscriptions/capture-hook/dlq/redrive", "");
  ASSERT_EQ(redriven.status, 200) << redriven.body;
  EXPECT_EQ(json::parse(redriven.body)["redriven"], 1);
  auto s = wait_for("/subscriptions/capture-hook", [](const json& j) { return j["stats"]["processed"] == 1; });
  EXPECT_EQ(s["dlq"], 0);
  EXPECT_EQ(s["stats"]["redriven"], 1);
  EXPECT_EQ(hook.requests().back().header("X-Delivery-Attempt"), "1") << "a redrive starts a fresh attempt count";
}

TEST_F(PushHttp, AMessageThatCrashesTheConsumerIsQuarantinedAndUnblocksItsPartition) {
  const std::string poison = "11111111-1111-4111-8111-111111111111", good = "22222222-2222-4222-8222-222222222222";
  test_webhook hook([&](const webhook_request& r) {
    if (r.header("X-Event-Id") == poison) return webhook_reply{.drop = true};
    return webhook_reply{200, "{}"};
  });
  make_topic();
  produce(poison);
  produce(good);  // the same key, the same partition: blocked behind the poison until it is quarantined
  json def = topic_subscription("crashy", hook.url());
  def["quarantine_after"] = 2;
  def["max_attempts"] = 10;
  subscribe(def);
  auto s = wait_for("/subscriptions/crashy", [](const json& j) { return j["stats"]["processed"] == 1; });
  EXPECT_EQ(s["quarantine"], 1);
  EXPECT_EQ(s["dlq"], 0);
  auto q = get("/subscriptions/crashy/quarantine");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0]["reason"], "poison_pill");
  EXPECT_EQ(q[0]["error"]["code"], "CONNECTION_ERROR");
  EXPECT_EQ(q[0]["crashes"], 2);
  EXPECT_EQ(q[0]["source"]["offset"], 0);
  EXPECT_NE(q[0]["why"].get<std::string>().find("poison pill"), std::string::npos);
  const auto seen = hook.requests();
  EXPECT_EQ(seen.back().header("X-Event-Id"), good);

  // Purge with a filter by id; the quarantine is then empty.
  auto purged = call("DELETE", "/subscriptions/crashy/quarantine?id=" + q[0]["id"].dump());
  ASSERT_EQ(purged.status, 200) << purged.body;
  EXPECT_EQ(json::parse(purged.body)["purged"], 1);
  EXPECT_TRUE(get("/subscriptions/crashy/quarantine").empty());
}

TEST_F(PushHttp, AWebhookThatNeverAnswersTimesOut) {
  test_webhook hook([&](const webhook_request&) { return webhook_reply{.hang = true}; });
  make_topic();
  produce("33333333-3333-4333-8333-333333333333");
  json def = topic_subscription("slow", hook.url());
  def["timeout_ms"] = 100;
  def["quarantine_after"] = 1;
  subscribe(def);
  auto q = wait_for("/subscriptions/slow/quarantine", [](const json& j) { return j.size() == 1; });
  EXPECT_EQ(q[0]["error"]["code"], "TIMEOUT");
}

TEST_F(PushHttp, DeliveryFaultsFromFaultsActOnPushAttempts) {
  test_webhook hook([&](const webhook_request&) { return webhook_reply{200, "{}"}; });
  make_topic();
  // The first attempt fails before reaching the webhook; the second one is
  // answered but a crash loses the answer and drops the connection; the
  // third one is processed.
  auto put = call("PUT", "/faults", R"({"seed":3,"rules":[{"kind":"fail","subscription":"faulty","positions":[1]},
                                                        {"kind":"crash","subscription":"faulty","positions":[2]}]})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_TRUE(json::parse(put.body)["warnings"].empty()) << "a server with push subscriptions applies them";
  produce("66666666-6666-4666-8666-666666666666");
  subscribe(topic_subscription("faulty", hook.url()));
  auto s = wait_for("/subscriptions/faulty", [](const json& j) { return j["stats"]["processed"] == 1; });
  EXPECT_EQ(s["stats"]["injected"], 2);
  EXPECT_EQ(s["stats"]["redelivered"], 1);
  EXPECT_EQ(s["dlq"], 0);
  const auto seen = hook.requests();
  ASSERT_EQ(seen.size(), 2u) << "the failed attempt never reached the webhook";
  EXPECT_EQ(seen[0].header("X-Delivery-Attempt"), "2");
  EXPECT_EQ(hook.connections(), 2u) << "the crash dropped the first connection";
  auto realised = json::parse(call("GET", "/faults/schedule").body);
  ASSERT_EQ(realised.size(), 2u);
  EXPECT_EQ(realised[0]["kind"], "fail");
  EXPECT_EQ(realised[1]["kind"], "crash");
}

TEST_F(PushHttp, DefinitionsAreValidatedAndSurviveARestart) {
  test_webhook hook([&](const webhook_request&) { return webhook_reply{200, "{}"}; });
  make_topic();
  auto bad = call("POST", "/subscriptions", json{{"name", "x"}, {"topic", kTopic}, {"url", "ftp://nowhere"}}.dump());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["error"]["details"]["field"], "url");
  bad = call("POST", "/subscriptions", json{{"name", "x"}, {"topic", kTopic}, {"url", hook.url()}, {"max_attempts", 0}}.dump());
  EXPECT_EQ(json::parse(bad.body)["error"]["details"]["field"], "max_attempts") << bad.body;
  bad = call("POST", "/subscriptions", json{{"name", "x"}, {"topic", "no.such.topic.v1"}, {"url", hook.url()}}.dump());
  EXPECT_EQ(bad.status, 404) << bad.body;

  json def = topic_subscription("durable", hook.url());
  subscribe(def);
  EXPECT_EQ(call("POST", "/subscriptions", def.dump()).status, 200) << "the same definition again";
  def["max_attempts"] = 7;
  EXPECT_EQ(call("POST", "/subscriptions", def.dump()).status, 409) << "another definition under the name";
  produce("44444444-4444-4444-8444-444444444444");
  wait_for("/subscriptions/durable", [](const json& j) { return j["stats"]["processed"] == 1; });

  client_.reset();
  ASSERT_EQ(WEXITSTATUS(srv_->kill_now(SIGTERM)), 0);
  start();
  auto s = get("/subscriptions/durable");
  EXPECT_EQ(s["url"], hook.url());
  EXPECT_EQ(s["max_attempts"], 5);
  produce("55555555-5555-4555-8555-555555555555");
  wait_for("/subscriptions/durable", [](const json& j) { return j["stats"]["processed"] == 1; });
  const auto seen = hook.requests();
  ASSERT_EQ(seen.size(), 2u) << "the first message was committed before the restart: not pushed again";
  EXPECT_EQ(seen[1].header("X-Event-Id"), "55555555-5555-4555-8555-555555555555");

  EXPECT_EQ(call("DELETE", "/subscriptions/durable").status, 204);
  EXPECT_EQ(call("GET", "/subscriptions/durable").status, 404);
  EXPECT_EQ(call("DELETE", "/subscriptions/durable").status, 404);
  EXPECT_TRUE(get("/subscriptions").empty());
}

}  // namespace
}  // namespace eventfabric
