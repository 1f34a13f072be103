// The produce fast path takes ordinary bodies and reads them as the DOM path
// does; it declines everything else (the DOM path then answers, with the
// exact error), so it never accepts what the DOM path rejects.
#include "emulator/server/produce_scan.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "emulator/core/envelope.h"
#include "emulator/core/json_write.h"

namespace eventfabric::server {
namespace {

using json = nlohmann::json;

std::string envelope(const std::string& key, const std::string& id = "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91") {
  return R"({"id":")" + id +
         R"(","type":"billing.payment.captured.v1","occurred_at":"2024-05-01T12:00:00Z","source":"s",)"
         R"("correlation_id":"c","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","payload":{"amount":1.5,"note":"a\"b"},)"
         R"("metadata":{"partition_key":")" + key + R"("}})";
}

TEST(ProduceScan, ReadsOrdinaryBatches) {
  const std::string body = R"({"records":[{"value":)" + envelope("cus_1") + R"(},)" +
                           R"({"key":"explicit","value":)" + envelope("cus_2") + R"(,"partition":3,"headers":{"h":"v"}},)" +
                           R"({"value": [1, 2, {"a" : null}] , "key":null},{"value":"text"}]})";
  auto got = scan_produce_body(body, std::nullopt);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->records.size(), 4u);
  EXPECT_EQ(got->first_id, "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91");
  EXPECT_EQ(got->records[0].rec.key, "cus_1");
  EXPECT_EQ(got->records[0].partition, std::nullopt);
  EXPECT_EQ(json::parse(got->records[0].rec.value), json::parse(envelope("cus_1")));
  EXPECT_EQ(got->records[1].rec.key, "explicit");
  EXPECT_EQ(got->records[1].partition, 3);
  ASSERT_EQ(got->records[1].rec.headers.size(), 1u);
  EXPECT_EQ(got->records[1].rec.headers[0].key, "h");
  EXPECT_EQ(got->records[1].rec.headers[0].value, "v");
  EXPECT_EQ(got->records[2].rec.key, std::nullopt);
  EXPECT_EQ(got->records[2].rec.value, R"([1,2,{"a":null}])");  // compact, like the DOM path's dump
  EXPECT_EQ(got->records[3].rec.value, R"("text")");
  EXPECT_EQ(scan_produce_body(R"({"records":[{"value":1}]})", 2)->records[0].partition, 2);
}

// A compact value is stored as sent; whitespace anywhere between its tokens
// (not only at the top level) is removed, as the DOM path's dump would.
TEST(ProduceScan, StoresEveryValueCompact) {
  const std::string compact = envelope("cus_1");
  std::string spaced;  // whitespace after every ',', ':' and '{' outside strings
  bool in_string = false, escape = false;
  for (char ch : compact) {
    spaced += ch;
    if (escape) escape = false;
    else if (ch == '\\') escape = true;
    else if (ch == '"') in_string = !in_string;
    else if (!in_string && (ch == ',' || ch == ':' || ch == '{')) spaced += " \n\t";
  }
  spaced.insert(spaced.size() - 1, "\r ");
  const std::string body = R"({"records":[{"value":)" + compact + R"(},{"value": )" + spaced + R"( }]})";
  auto got = scan_produce_body(body, std::nullopt);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->records.size(), 2u);
  EXPECT_EQ(got->records[0].rec.value, compact);
  EXPECT_EQ(got->records[1].rec.value, compact);
  EXPECT_EQ(got->records[1].rec.key, "cus_1");
}

TEST(ProduceScan, DeclinesWhatTheDomPathMustAnswer) {
  const std::string bad_envelope = envelope("k", "not-a-uuid");
  for (const std::string& body : {
           std::string(""), std::string("{}"), std::string(R"({"records":[]})"), std::string(R"({"records":{}})"),
           std::string(R"({"records":[1]})"), std::string(R"({"records":[{}]})"),
           std::string(R"({"records":[{"value":1}]} x)"), std::string(R"({"records":[{"value":1}],"records":[]})"),
           std::string(R"({"records":[{"value":1,"value":2}]})"), std::string(R"({"records":[{"value":1,"key":5}]})"),
           std::string(R"({"records":[{"value":1,"partition":-1}]})"),
           std::string(R"({"records":[{"value":1,"partition":1.0}]})"),
           std::string(R"({"records":[{"value":1,"partition":2147483648}]})"),
           std::string(R"({"records":[{"value":1,"key":"a\nb"}]})"), std::string(R"({"rec\u006frds":[{"value":1}]})"),
           std::string(R"({"records":[{"value":1,"headers":{"h":1}}]})"),
           std::string("{\"records\":[{\"value\":\"\xFF\"}]}"), std::string(R"({"records":[{"value":1e999}]})"),
           R"({"records":[{"value":)" + bad_envelope + "}]}", std::string(R"({"records":[{"value":{"id":null}}]})")})
    EXPECT_FALSE(scan_produce_body(body, std::nullopt)) << body;
}

// What the DOM path stores for a body it accepts (values and keys), or
// nothing when it rejects it.
std::optional<std::vector<std::pair<json, std::optional<std::string>>>> dom_path(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("records") || !j["records"].is_array() || j["records"].empty())
    return std::nullopt;
  std::vector<std::pair<json, std::optional<std::string>>> out;
  for (const auto& r : j["records"]) {
    if (!r.is_object() || !r.contains("value")) return std::nullopt;
    std::optional<std::string> key;
    if (r.contains("key") && r["key"].is_string()) key = r["key"].get<std::string>();
    const auto check = core::check_parsed_envelope(r["value"]);
    bool marked = false;
    if (r["value"].is_object())
      for (const char* f : {"id", "type", "payload", "metadata", "trace_id", "correlation_id", "occurred_at"})
        marked = marked || r["value"].contains(f);
    if (marked && !check.ok()) return std::nullopt;
    if (marked && !key) key = check.value->partition_key;
    out.emplace_back(r["value"], key);
  }
  return out;
}

RC_GTEST_PROP(ProduceScan, NeverDisagreesWithTheDomPathOnMutatedBodies, ()) {
  std::string body = R"({"records":[{"value":)" + envelope("k1") + R"(},{"key":"k","value":{"id":"x","n":[1,2]}},)" +
                     R"({"value":[true,null,"s"]}]})";
  const int edits = *rc::gen::inRange(0, 3);
  for (int e = 0; e < edits; ++e) {
    const auto at = *rc::gen::inRange<std::size_t>(0, body.size());
    const char byte = *rc::gen::element<char>('{', '}', '[', ']', ',', ':', '"', '\\', '0', '-', ' ', '\xC3', 'x');
    if (*rc::gen::inRange(0, 2) == 0)
      body[at] = byte;
    else
      body.erase(at, 1);
  }
  const auto fast = scan_produce_body(body, std::nullopt);
  if (!fast) return;  // declined: the DOM path answers
  const auto dom = dom_path(body);
  RC_ASSERT(dom.has_value());
  RC_ASSERT(dom->size() == fast->records.size());
  for (std::size_t i = 0; i < dom->size(); ++i) {
    RC_ASSERT(json::parse(fast->records[i].rec.value) == (*dom)[i].first);
    std::string compact;  // nothing left to remove: stored compact
    core::append_compact_json(compact, fast->records[i].rec.value);
    RC_ASSERT(compact == fast->records[i].rec.value);
    RC_ASSERT(fast->records[i].rec.key == (*dom)[i].second);
  }
}

}  // namespace
}  // namespace eventfabric::server
