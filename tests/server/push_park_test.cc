// The DLQ and the quarantine of push subscriptions survive restarts (a clean
// stop and a SIGKILL), and a redrive goes back to the source (a new record on
// the same topic partition, or a new queue message) or, with "to":
// "subscription", to this subscription only.
//
// Determinism: the server stages a parked entry together with the offset
// commit / ack that lets its message go, and makes them durable with the next
// group commit. The tests wait until the entry is visible, then send a
// request that commits before answering (PUT /idempotency/...), so a SIGKILL
// after its answer cannot lose the entry. A redrive commits before answering.
#include <gtest/gtest.h>

#include "tests/server/push_fixture.h"

namespace eventfabric::testing {
namespace {

const std::string kRejected =
    R"({"error":{"code":"AMOUNT_INVALID","message":"amount must be positive","details":{"field":"payload.amount"}}})";

class PushPark : public PushHttp {
 protected:
  // Produces one envelope with a header; returns its partition.
  int produce_with_header(const std::string& id, const std::string& key) {
    json rec = {{"key", key}, {"value", json::parse(envelope(id, key))}, {"headers", {{"origin", "billing-test"}}}};
    auto r = call("POST", "/topics/" + kTopic, json{{"records", {rec}}}.dump(), "application/vnd.kafka.json.v2+json");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["offsets"][0]["partition"].get<int>();
  }
  // A request that commits everything staged before it answers.
  void force_commit(const std::string& tag) {
    ASSERT_EQ(call("PUT", "/idempotency/commit-" + tag + "?ttl=600").status, 201);
  }
  json records(int partition) { return get("/admin/topics/" + kTopic + "/partitions/" + std::to_string(partition) + "/records?offset=0"); }
};

TEST_F(PushPark, ADlqEntrySurvivesRestartsAndRedrivesToItsTopicPartition) {
  std::atomic<bool> accept{false};
  test_webhook hook([&](const webhook_request&) { return accept ? webhook_reply{200, "{}"} : webhook_reply{422, kRejected}; });
  make_topic(3);
  const std::string id = "8a6c1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
  const int partition = produce_with_header(id, "cus_42");
  subscribe(topic_subscription("ledger-hook", hook.url()));
  auto before = wait_for("/subscriptions/ledger-hook/dlq", [](const json& j) { return j.size() == 1; });
  ASSERT_EQ(before.size(), 1u);
  force_commit("1");

  restart(SIGKILL);
  auto after_crash = get("/subscriptions/ledger-hook/dlq");
  EXPECT_EQ(after_crash, before) << "the whole entry survives a SIGKILL";
  const json& e = after_crash[0];
  EXPECT_EQ(e["reason"], "permanent_failure");
  EXPECT_EQ(e["error"]["code"], "AMOUNT_INVALID");
  EXPECT_EQ(e["error"]["details"]["field"], "payload.amount");
  EXPECT_EQ(e["response_body"], kRejected);
  EXPECT_EQ(e["last_status"], 422);
  EXPECT_EQ(e["attempts"], 1);
  EXPECT_EQ(e["headers"]["X-Offset"], "0");
  EXPECT_EQ(e["source"], json({{"topic", kTopic}, {"partition", partition}, {"offset", 0}}));
  EXPECT_EQ(e["message"]["id"], id);
  EXPECT_GT(e["first_failure_ms"].get<int64_t>(), 0);
  EXPECT_EQ(get("/subscriptions/ledger-hook/dlq/" + e["id"].dump()), e);
  EXPECT_EQ(get("/subscriptions/ledger-hook")["dlq"], 1);

  restart(SIGTERM);
  EXPECT_EQ(get("/subscriptions/ledger-hook/dlq"), before) << "and a clean stop";

  // Redrive, by default to the source: a new record on the same partition,
  // same key, value and headers; the subscription reads it like any other.
  accept = true;
  auto redriven = call("POST", "/subscriptions/ledger-hook/dlq/redrive", "");
  ASSERT_EQ(redriven.status, 200) << redriven.body;
  EXPECT_EQ(json::parse(redriven.body), json({{"redriven", 1}, {"to", "source"}, {"event_ids", {id}}}));
  auto s = wait_for("/subscriptions/ledger-hook", [](const json& j) { return j["stats"]["processed"] == 1; });
  EXPECT_EQ(s["dlq"], 0);
  auto recs = records(partition);
  EXPECT_EQ(recs["high_watermark"], 2);
  ASSERT_EQ(recs["records"].size(), 2u);
  EXPECT_EQ(recs["records"][1]["key"], "cus_42");
  EXPECT_EQ(recs["records"][1]["value"], recs["records"][0]["value"]);
  EXPECT_EQ(recs["records"][1]["headers"], json({{"origin", "billing-test"}}));
  const auto seen = hook.requests();
  ASSERT_EQ(seen.size(), 2u) << "pushed once before the restarts (committed, parked), once after the redrive";
  EXPECT_EQ(seen[1].header("X-Offset"), "1");
  EXPECT_EQ(seen[1].header("X-Partition"), std::to_string(partition));
  EXPECT_EQ(seen[1].header("X-Event-Id"), id);
  EXPECT_EQ(seen[1].header("X-Delivery-Attempt"), "1");

  restart(SIGKILL);  // the redrive committed before it answered
  EXPECT_TRUE(get("/subscriptions/ledger-hook/dlq").empty());
  EXPECT_EQ(get("/subscriptions/ledger-hook")["dlq"], 0);
}

TEST_F(PushPark, AQuarantineEntrySurvivesRestartsAndRedrivesToItsQueue) {
  std::atomic<bool> accept{false};
  test_webhook hook([&](const webhook_request&) { return accept ? webhook_reply{200, "{}"} : webhook_reply{.drop = true}; });
  ASSERT_EQ(call("PUT", "/queues/" + kQueue, "{}").status, 201);
  const std::string id = "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716";
  ASSERT_EQ(call("POST", "/queues/" + kQueue + "/messages",
                 json{{"body", json::parse(envelope(id))}, {"message_id", "amqp-1"}, {"headers", {{"origin", "q-test"}}}}.dump())
                .status,
            201);
  subscribe({{"name", "capture-hook"}, {"queue", kQueue}, {"url", hook.url("/capture")}, {"quarantine_after", 1},
             {"max_attempts", 5}, {"initial_delay_ms", 5}});
  auto before = wait_for("/subscriptions/capture-hook/quarantine", [](const json& j) { return j.size() == 1; });
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0]["reason"], "poison_pill");
  EXPECT_EQ(before[0]["error"]["code"], "CONNECTION_ERROR");
  force_commit("1");

  restart(SIGKILL);
  EXPECT_EQ(get("/subscriptions/capture-hook/quarantine"), before);
  EXPECT_TRUE(get("/subscriptions/capture-hook/dlq").empty());
  auto q = get("/queues/" + kQueue);
  EXPECT_EQ(q["ready"], 0) << "acked when it was quarantined: the quarantine holds the only copy";
  restart(SIGTERM);
  EXPECT_EQ(get("/subscriptions/capture-hook/quarantine"), before);

  accept = true;
  auto redriven = call("POST", "/subscriptions/capture-hook/quarantine/redrive", R"({"to":"source"})");
  ASSERT_EQ(redriven.status, 200) << redriven.body;
  EXPECT_EQ(json::parse(redriven.body)["redriven"], 1);
  auto s = wait_for("/subscriptions/capture-hook", [](const json& j) { return j["stats"]["processed"] == 1; });
  EXPECT_EQ(s["quarantine"], 0);
  const auto seen = hook.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].header("X-Queue"), kQueue);
  EXPECT_EQ(seen[1].header("X-Event-Id"), id);
  EXPECT_NE(seen[1].header("X-Message-Id"), seen[0].header("X-Message-Id")) << "a new message in the queue";
  EXPECT_EQ(json::parse(seen[1].body), json::parse(seen[0].body));

  restart(SIGKILL);
  EXPECT_TRUE(get("/subscriptions/capture-hook/quarantine").empty());
}

TEST_F(PushPark, RedriveToTheSubscriptionBadTargetsAndAMissingSource) {
  std::atomic<bool> accept{false};
  test_webhook hook([&](const webhook_request&) { return accept ? webhook_reply{200, "{}"} : webhook_reply{422, kRejected}; });
  make_topic(1);
  produce("9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a");
  subscribe(topic_subscription("ledger-hook", hook.url()));
  wait_for("/subscriptions/ledger-hook/dlq", [](const json& j) { return j.size() == 1; });

  for (const std::string body : {R"({"to":"elsewhere"})", R"({"to":5})", R"({"to":null})"}) {
    auto bad = call("POST", "/subscriptions/ledger-hook/dlq/redrive", body);
    EXPECT_EQ(bad.status, 400) << body;
    auto err = json::parse(bad.body, nullptr, false);
    EXPECT_EQ(err["error"]["code"], "INVALID_ARGUMENT") << bad.body;
    EXPECT_EQ(err["error"]["details"]["field"], "to") << bad.body;
  }
  EXPECT_EQ(call("POST", "/subscriptions/ledger-hook/dlq/redrive?to=nowhere").status, 400);
  EXPECT_EQ(call("DELETE", "/subscriptions/ledger-hook/dlq", R"({"to":"source"})").status, 400) << "purge has no target";
  EXPECT_EQ(get("/subscriptions/ledger-hook/dlq").size(), 1u) << "a bad request moves nothing";

  // "subscription": pushed again to this subscription only, nothing appended.
  accept = true;
  auto redriven = call("POST", "/subscriptions/ledger-hook/dlq/redrive", R"({"to":"subscription"})");
  ASSERT_EQ(redriven.status, 200) << redriven.body;
  EXPECT_EQ(json::parse(redriven.body)["to"], "subscription");
  wait_for("/subscriptions/ledger-hook", [](const json& j) { return j["stats"]["processed"] == 1; });
  EXPECT_EQ(records(0)["high_watermark"], 1);
  EXPECT_EQ(hook.requests().back().header("X-Offset"), "0");
  EXPECT_EQ(hook.requests().back().header("X-Delivery-Attempt"), "1");
  EXPECT_TRUE(get("/subscriptions/ledger-hook/dlq").empty());

  // A source that no longer exists: 409, and the entry stays.
  accept = false;
  produce("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  auto dlq = wait_for("/subscriptions/ledger-hook/dlq", [](const json& j) { return j.size() == 1; });
  ASSERT_EQ(call("DELETE", "/admin/topics/" + kTopic).status, 204);
  auto gone = call("POST", "/subscriptions/ledger-hook/dlq/redrive", "");
  EXPECT_EQ(gone.status, 409) << gone.body;
  auto err = json::parse(gone.body, nullptr, false);
  EXPECT_EQ(err["error"]["code"], "PRECONDITION_FAILED");
  EXPECT_EQ(err["error"]["details"]["topic"], kTopic);
  EXPECT_EQ(get("/subscriptions/ledger-hook/dlq"), dlq) << "nothing removed when the republish cannot happen";

  // Deleting the subscription deletes its entries: a subscription created
  // again under the name starts with an empty DLQ, also after a restart.
  make_topic(1);
  ASSERT_EQ(call("DELETE", "/subscriptions/ledger-hook").status, 204);
  subscribe(topic_subscription("ledger-hook", hook.url()));
  restart(SIGTERM);
  EXPECT_TRUE(get("/subscriptions/ledger-hook/dlq").empty());
}

TEST_F(PushPark, ARedriveToTheSubscriptionStillInFlightIsBackInTheDlqAfterACrash) {
  std::atomic<bool> hang{false};
  test_webhook hook([&](const webhook_request&) { return hang ? webhook_reply{.hang = true} : webhook_reply{422, kRejected}; });
  make_topic(1);
  produce("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f");
  json def = topic_subscription("ledger-hook", hook.url());
  def["timeout_ms"] = 60'000;
  subscribe(def);
  auto before = wait_for("/subscriptions/ledger-hook/dlq", [](const json& j) { return j.size() == 1; });
  ASSERT_EQ(before.size(), 1u);

  hang = true;
  auto redriven = call("POST", "/subscriptions/ledger-hook/dlq/redrive", R"({"to":"subscription"})");
  ASSERT_EQ(redriven.status, 200) << redriven.body;
  auto s = wait_for("/subscriptions/ledger-hook", [](const json& j) { return j["in_flight"] == 1; });
  EXPECT_EQ(s["dlq"], 0) << "redriven: out of the DLQ while it is pushed again";

  // Only this process held the redriven message: the stored entry stays
  // until its delivery finishes, so the crash finds it in the DLQ again.
  restart(SIGKILL);
  EXPECT_EQ(get("/subscriptions/ledger-hook/dlq"), before);
}

}  // namespace
}  // namespace eventfabric::testing
