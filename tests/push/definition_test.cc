// Subscription definitions: defaults, validation naming the field, and the
// canonical JSON round trip used for persistence.
#include "emulator/push/definition.h"

#include <gtest/gtest.h>

namespace eventfabric::push {
namespace {

TEST(Definition, DefaultsAndRoundTrip) {
  auto d = parse_definition(R"({"name":"wf","topic":"workflow.instance.started.v1","url":"http://127.0.0.1:9000/x"})");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->kind, delivery::source_kind::topic);
  EXPECT_EQ(d->group, "wf");
  EXPECT_FALSE(d->start_earliest);
  EXPECT_EQ(d->options.name, "wf");
  EXPECT_EQ(d->options.retry.max_attempts, 5);
  EXPECT_EQ(d->timeout_ms, 5000);
  auto again = parse_definition(to_json(*d));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *d);
  EXPECT_EQ(to_json(*again), to_json(*d));

  auto q = parse_definition(R"({"name":"m","queue":"notify.email.high","url":"http://h/","jitter":"full",
                               "initial_delay_ms":10,"max_delay_ms":100,"multiplier":3,"blocking":false})");
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->options.retry.jitter, delivery::jitter_mode::full);
  EXPECT_EQ(q->options.retry.multiplier, 3.0);
  EXPECT_EQ(parse_definition(to_json(*q)).value(), *q);
  EXPECT_EQ(to_json(*q).find("group"), std::string::npos) << "queues have no group";
}

TEST(Definition, BadFieldsAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"topic":"t","url":"http://h/"})", "name"},
      {R"({"name":"a b","topic":"t","url":"http://h/"})", "name"},
      {R"({"name":"a","url":"http://h/"})", "topic"},
      {R"({"name":"a","topic":"t","queue":"q","url":"http://h/"})", "queue"},
      {R"({"name":"a","topic":"t"})", "url"},
      {R"({"name":"a","topic":"t","url":"https://h/"})", "url"},
      {R"({"name":"a","topic":"t","url":"http://h:99999/"})", "url"},
      {R"({"name":"a","topic":"t","url":"http://h/","start":"middle"})", "start"},
      {R"({"name":"a","queue":"q","url":"http://h/","group":"g"})", "group"},
      {R"({"name":"a","topic":"t","url":"http://h/","max_attempts":0})", "max_attempts"},
      {R"({"name":"a","topic":"t","url":"http://h/","multiplier":0.5})", "multiplier"},
      {R"({"name":"a","topic":"t","url":"http://h/","initial_delay_ms":10,"max_delay_ms":5})", "max_delay_ms"},
      {R"({"name":"a","topic":"t","url":"http://h/","timeout_ms":0})", "timeout_ms"},
      {R"({"name":"a","topic":"t","url":"http://h/","blocking":"yes"})", "blocking"},
      {R"({"name":"a","topic":"t","url":"http://h/","retry":{}})", "retry"},
  };
  for (const auto& [text, field] : cases) {
    auto d = parse_definition(text);
    ASSERT_FALSE(d) << text;
    EXPECT_EQ(d.error().code, core::errc::invalid_argument) << text;
    EXPECT_EQ(d.error().detail("field"), field) << text << " -> " << d.error().message;
  }
  EXPECT_FALSE(parse_definition("[1]"));
  EXPECT_FALSE(parse_definition("{not json"));
}

}  // namespace
}  // namespace eventfabric::push
