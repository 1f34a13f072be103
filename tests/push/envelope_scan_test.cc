// The envelope fast path agrees with a full JSON parse (message_from_body
// falls back to one whenever the scan gives up).
#include "emulator/push/envelope_scan.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "emulator/push/source.h"

namespace eventfabric::push {
namespace {

using json = nlohmann::json;

// What a full parse reads, as message_from_body's fallback does.
envelope_fields parsed(const std::string& body) {
  envelope_fields f;
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return f;
  auto str = [](const json& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  f.id = str(j, "id");
  f.type = str(j, "type");
  f.trace_id = str(j, "trace_id");
  if (auto md = j.find("metadata"); md != j.end() && md->is_object())
    if (auto k = str(*md, "partition_key"); !k.empty()) f.partition_key = k;
  return f;
}

TEST(EnvelopeScan, AgreesWithAFullParse) {
  const std::string bodies[] = {
      R"({"id":"a1","type":"billing.payment.captured.v1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","metadata":{"partition_key":"cus_42"}})",
      R"( { "payload" : {"note":"}{][\"","n":[1,2,{"id":"inner"}]}, "id" : "x", "type":"t" , "metadata":{"tenant_id":"acme"} } )",
      R"({"id":7,"type":null,"metadata":"flat","trace_id":true})",
      R"({"metadata":{"partition_key":""},"id":"k"})",
      R"({"metadata":{"partition_key":{"nested":1}},"id":"k"})",
      R"({})",
      R"({"a":-1.5e3,"b":false,"id":"late"})",
  };
  for (const auto& b : bodies) {
    envelope_fields f;
    ASSERT_TRUE(scan_envelope(b, f)) << b;
    const auto p = parsed(b);
    EXPECT_EQ(f.id, p.id) << b;
    EXPECT_EQ(f.type, p.type) << b;
    EXPECT_EQ(f.trace_id, p.trace_id) << b;
    EXPECT_EQ(f.partition_key, p.partition_key) << b;
  }
}

TEST(EnvelopeScan, GivesUpOnWhatItDoesNotHandle) {
  const std::string bodies[] = {
      R"({"id":"a\"b"})",                 // an escape in a wanted string
      R"({"metadata":{"partition_key":"\u00e9"}})",
      R"([1,2])", R"("text")", R"(not json)", R"({"id":"a")", R"({"id":"a"} trailing)", R"({"a":{"b":[}})",
      "",
  };
  for (const auto& b : bodies) {
    envelope_fields f;
    EXPECT_FALSE(scan_envelope(b, f)) << b;
  }
}

TEST(EnvelopeScan, MessageFromBodyFallsBackToAFullParse) {
  auto m = message_from_body(delivery::source_kind::queue, "q", R"({"id":"a\"b","type":"t\u0041","metadata":{"partition_key":"k"}})");
  EXPECT_EQ(m.envelope_id, "a\"b");
  EXPECT_EQ(m.type, "tA");
  EXPECT_EQ(m.key, "k");
  EXPECT_EQ(m.source, "q");
  auto plain = message_from_body(delivery::source_kind::topic, "t", "plain text");
  EXPECT_TRUE(plain.envelope_id.empty());
  EXPECT_EQ(plain.body, "plain text");
}

}  // namespace
}  // namespace eventfabric::push
