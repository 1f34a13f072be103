// Consumer-protocol headers and the error context of an outcome.
#include <gtest/gtest.h>

#include "emulator/delivery/message.h"

namespace eventfabric::delivery {
namespace {

message topic_msg() {
  return {.kind = source_kind::topic, .source = "billing.payment.captured.v1", .partition = 2, .offset = 17,
          .key = "order-1", .envelope_id = "6f1c1a52-8d7e-4b1a-9c3e-2a4b5c6d7e8f",
          .type = "billing.payment.captured.v1", .trace_id = "4bf92f3577b34da6a3ce929d0e0e4736", .body = "{}"};
}

std::string header(const std::vector<core::header>& hs, std::string_view k) {
  for (const auto& h : hs)
    if (h.key == k) return h.value;
  return "<absent>";
}

TEST(ProtocolHeaders, TopicDelivery) {
  const auto hs = protocol_headers(topic_msg(), 3);
  EXPECT_EQ(header(hs, "X-Event-Id"), "6f1c1a52-8d7e-4b1a-9c3e-2a4b5c6d7e8f");
  EXPECT_EQ(header(hs, "Idempotency-Key"), "6f1c1a52-8d7e-4b1a-9c3e-2a4b5c6d7e8f");
  EXPECT_EQ(header(hs, "X-Event-Type"), "billing.payment.captured.v1");
  EXPECT_EQ(header(hs, "X-Delivery-Attempt"), "3");
  EXPECT_EQ(header(hs, "X-Topic"), "billing.payment.captured.v1");
  EXPECT_EQ(header(hs, "X-Partition"), "2");
  EXPECT_EQ(header(hs, "X-Offset"), "17");
  EXPECT_EQ(header(hs, "X-Queue"), "<absent>");
  const std::string tp = header(hs, "traceparent");
  ASSERT_EQ(tp.size(), 55u);
  EXPECT_EQ(tp.substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
  EXPECT_EQ(tp.substr(52), "-01");
  EXPECT_EQ(tp, traceparent(topic_msg(), 3));     // stable
  EXPECT_NE(tp, traceparent(topic_msg(), 4));     // a new span per attempt
}

TEST(ProtocolHeaders, QueueDeliveryAndMissingTrace) {
  message m{.kind = source_kind::queue, .source = "notify.email.high", .queue_id = 9, .envelope_id = "e",
            .type = "t.v1", .trace_id = "not-a-trace"};
  const auto hs = protocol_headers(m, 1);
  EXPECT_EQ(header(hs, "X-Queue"), "notify.email.high");
  EXPECT_EQ(header(hs, "X-Message-Id"), "9");
  EXPECT_EQ(header(hs, "X-Topic"), "<absent>");
  EXPECT_EQ(header(hs, "traceparent"), "<absent>");
  EXPECT_EQ(header(hs, "X-Delivery-Attempt"), "1");
}

TEST(Outcome, FromStatusFollowsTheProtocol) {
  EXPECT_EQ(outcome::from_status(200).kind, outcome_kind::processed);
  EXPECT_EQ(outcome::from_status(204).kind, outcome_kind::processed);
  EXPECT_EQ(outcome::from_status(400).kind, outcome_kind::permanent);
  EXPECT_EQ(outcome::from_status(422).kind, outcome_kind::permanent);
  EXPECT_EQ(outcome::from_status(500).kind, outcome_kind::transient);
  EXPECT_EQ(outcome::from_status(503).kind, outcome_kind::transient);
  EXPECT_EQ(outcome::from_status(302).kind, outcome_kind::transient);
}

TEST(ErrorContext, TakesTheConsumersErrorContract) {
  auto e = error_from(outcome::permanent(
      422, R"({"error":{"code":"VALIDATION_FAILED","message":"Missing field x","details":{"field":"x"}}})"));
  EXPECT_EQ(e.code, "VALIDATION_FAILED");
  EXPECT_EQ(e.message, "Missing field x");
  EXPECT_EQ(e.details_json, R"({"field":"x"})");
  EXPECT_EQ(to_error_contract(e),
            R"({"error":{"code":"VALIDATION_FAILED","details":{"field":"x"},"message":"Missing field x"}})");
}

TEST(ErrorContext, MadeUpWhenTheBodyIsNotAnErrorContract) {
  auto e = error_from(outcome::transient(503, "upstream down"));
  EXPECT_EQ(e.code, "HTTP_503");
  EXPECT_NE(e.message.find("upstream down"), std::string::npos);
  EXPECT_EQ(e.details_json, "{}");
  EXPECT_EQ(error_from(outcome::timeout()).code, "TIMEOUT");
  EXPECT_EQ(error_from(outcome::connection_error("reset")).code, "CONNECTION_ERROR");
  EXPECT_EQ(error_from(outcome::connection_error("reset")).message, "reset");
  EXPECT_EQ(error_from(outcome::permanent(404, R"({"error":"nope"})")).code, "HTTP_404");
}

}  // namespace
}  // namespace eventfabric::delivery
