// The realised schedule as JSON: round trip and rejection of bad input.
#include <gtest/gtest.h>

#include "emulator/faults/fault.h"

namespace eventfabric::faults {
namespace {

schedule sample() {
  schedule s;
  s.push_back({fault_kind::reorder, {target_type::topic, "a.b.c.v1"}, 3, "id-1", {.lag = 2}, 1000});
  s.push_back({fault_kind::delay, {target_type::queue, "q.x.high"}, 1, "id-2", {.delay_ms = 250}, 1001});
  s.push_back({fault_kind::produce_error, {target_type::topic, "t"}, 9, "", {.after_append = true}, 1002});
  s.push_back({fault_kind::crash, {target_type::consumer, "c1"}, 4, "id-3", {}, 1003});
  s.push_back({fault_kind::reorder, {target_type::subscription, "s"}, 5, "id-4",
               {.lag = 1, .allow_same_key = true}, 1004});
  return s;
}

TEST(ScheduleJson, RoundTrips) {
  const schedule s = sample();
  const std::string text = to_json(s);
  auto back = schedule_from_json(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, s);
  EXPECT_EQ(to_json(*back), text);
}

TEST(ScheduleJson, IsAListOfPlainFaults) {
  EXPECT_EQ(to_json({}), "[]");
  EXPECT_EQ(to_json({sample()[0]}),
            R"([{"kind":"reorder","message_id":"id-1","params":{"allow_same_key":false,"lag":2},)"
            R"("position":3,"target":{"name":"a.b.c.v1","type":"topic"},"time_ms":1000}])");
}

TEST(ScheduleJson, EveryKindRoundTrips) {
  for (int k = 0; k <= static_cast<int>(fault_kind::delay); ++k) {
    const auto kind = static_cast<fault_kind>(k);
    ASSERT_EQ(parse_kind(kind_name(kind)), kind);
    schedule s{{kind, {target_type::consumer, "c"}, 1, "m", {}, 5}};
    auto back = schedule_from_json(to_json(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s) << kind_name(kind);
  }
}

TEST(ScheduleJson, BadInputNamesThePointer) {
  auto ptr = [](std::string_view text) {
    auto s = schedule_from_json(text);
    EXPECT_FALSE(s) << text;
    return s ? std::string("<accepted>") : std::string(s.error().detail("pointer"));
  };
  EXPECT_EQ(ptr("{}"), "");
  EXPECT_EQ(ptr("[1]"), "/0");
  EXPECT_EQ(ptr(R"([{"kind":"nope","target":{"type":"topic","name":"t"},"position":1}])"), "/0/kind");
  EXPECT_EQ(ptr(R"([{"kind":"fail","target":{"type":"planet","name":"t"},"position":1}])"), "/0/target/type");
  EXPECT_EQ(ptr(R"([{"kind":"fail","target":{"type":"topic","name":"t"},"position":0}])"), "/0/position");
  EXPECT_EQ(ptr(R"([{"kind":"fail","target":{"type":"topic","name":"t"}}])"), "/0");
  EXPECT_EQ(ptr(R"([{"kind":"fail","target":{"type":"topic","name":"t"},"position":1,"x":1}])"), "/0/x");
  EXPECT_EQ(ptr(R"([{"kind":"delay","target":{"type":"topic","name":"t"},"position":1,"params":{"delay_ms":-1}}])"),
            "/0/params/delay_ms");
}

}  // namespace
}  // namespace eventfabric::faults
