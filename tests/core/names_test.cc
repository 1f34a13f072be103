#include "emulator/core/names.h"

#include <gtest/gtest.h>

namespace eventfabric::core {
namespace {

TEST(TopicName, StrictRuleAcceptsPlatformNames) {
  for (const char* ok : {"workflow.instance.started.v1", "billing.payment.captured.v12", "a.b.c.v1",
                         "notify.e-mail.sent_out.v2"})
    EXPECT_TRUE(check_topic_name(ok, true)) << ok;
}

TEST(TopicName, StrictRuleRejectsOthersWithTheRuleInTheMessage) {
  for (const char* bad : {"", "orders", "workflow.instance.started", "workflow.instance.started.v0",
                          "workflow.instance.started.1", "Workflow.instance.started.v1",
                          "workflow.instance.started.v1.extra", "workflow..started.v1", "workflow.instance.started.v01",
                          "1workflow.instance.started.v1", "workflow.instance.started.V1"}) {
    auto r = check_topic_name(bad, true);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, errc::invalid_name);
    EXPECT_NE(r.error().message.find("domain.entity.event.vN"), std::string::npos);
    EXPECT_EQ(r.error().detail("field"), "name");
  }
}

TEST(TopicName, RelaxedRuleUsesKafkaLegalCharacters) {
  EXPECT_TRUE(check_topic_name("Orders_2024-EU", false));
  EXPECT_TRUE(check_topic_name("orders", false));
  EXPECT_FALSE(check_topic_name("", false));
  EXPECT_FALSE(check_topic_name(".", false));
  EXPECT_FALSE(check_topic_name("..", false));
  EXPECT_FALSE(check_topic_name("has space", false));
  EXPECT_FALSE(check_topic_name("slash/no", false));
  EXPECT_FALSE(check_topic_name(std::string(250, 'a'), false));
  EXPECT_TRUE(check_topic_name(std::string(249, 'a'), false));
  EXPECT_FALSE(check_topic_name(std::string("bad\xff", 4), false));
}

TEST(EventType, DottedLowerCaseWithVersion) {
  EXPECT_TRUE(check_event_type("event.name.v1"));
  EXPECT_TRUE(check_event_type("workflow.instance.started.v1"));
  EXPECT_FALSE(check_event_type("event.v1"));
  EXPECT_FALSE(check_event_type("event.name"));
  EXPECT_FALSE(check_event_type("Event.Name.v1"));
  EXPECT_FALSE(check_event_type("event.name.v"));
  EXPECT_FALSE(check_event_type(""));
}

TEST(GroupName, PrintableAscii) {
  EXPECT_TRUE(check_group_name("ledger"));
  EXPECT_TRUE(check_group_name("ledger-consumers.v2"));
  EXPECT_FALSE(check_group_name(""));
  EXPECT_FALSE(check_group_name("has space"));
  EXPECT_FALSE(check_group_name(std::string("ctl\x01", 4)));
  EXPECT_FALSE(check_group_name(std::string(250, 'g')));
}

}  // namespace
}  // namespace eventfabric::core
