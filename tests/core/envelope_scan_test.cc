// The envelope checked on a scan of its text gives the same verdict and the
// same violations as on a DOM, whenever the scan answers; it declines only
// what it cannot read without decoding (escapes) or malformed text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/core/envelope.h"

namespace eventfabric::core {
namespace {

using json = nlohmann::json;

const std::string kValid =
    R"({"id":"6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91","type":"workflow.instance.started.v1",)"
    R"("occurred_at":"2024-05-01T12:00:00.123Z","source":"workflow-engine","correlation_id":"c-123",)"
    R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","payload":{"instance_id":"wf-1","n":[1,{"id":2}]},)"
    R"("metadata":{"partition_key":"wf-1","tenant_id":"acme"}})";

std::string with(std::string_view field, std::string_view value) {
  json j = json::parse(kValid);
  if (value.empty())
    j.erase(std::string(field));
  else
    j[std::string(field)] = json::parse(value);
  return j.dump();
}

void expect_same(const std::string& text) {
  envelope_view view;
  ASSERT_TRUE(scan_envelope_view(text, view)) << text;
  const auto scanned = check_envelope_view(view);
  const json j = json::parse(text);
  const auto parsed = check_parsed_envelope(j);
  ASSERT_EQ(scanned.violations.size(), parsed.violations.size()) << text;
  for (std::size_t i = 0; i < parsed.violations.size(); ++i) {
    EXPECT_EQ(scanned.violations[i].field, parsed.violations[i].field) << text;
    EXPECT_EQ(scanned.violations[i].message, parsed.violations[i].message) << text;
  }
  ASSERT_EQ(scanned.ok(), parsed.ok());
  if (parsed.ok()) {
    EXPECT_EQ(scanned.value->id, parsed.value->id);
    EXPECT_EQ(scanned.value->partition_key, parsed.value->partition_key);
    EXPECT_EQ(scanned.value->tenant_id, parsed.value->tenant_id);
  }
  if (j.is_object()) {  // the same from the members' texts, when it answers
    std::vector<std::string> texts;
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) {
      keys.push_back(k);
      texts.push_back(v.dump());
    }
    std::vector<json_member_text> members;
    for (std::size_t i = 0; i < keys.size(); ++i) members.push_back({keys[i], texts[i]});
    envelope_view of_members;
    if (envelope_view_of_members(members, of_members)) {
      const auto checked = check_envelope_view(of_members);
      ASSERT_EQ(checked.violations.size(), parsed.violations.size()) << text;
      for (std::size_t i = 0; i < parsed.violations.size(); ++i)
        EXPECT_EQ(checked.violations[i].message, parsed.violations[i].message) << text;
      if (parsed.ok()) {
        EXPECT_EQ(checked.value->id, parsed.value->id);
        EXPECT_EQ(checked.value->partition_key, parsed.value->partition_key);
        EXPECT_EQ(checked.value->tenant_id, parsed.value->tenant_id);
      }
    } else {
      ADD_FAILURE() << "declined the members of " << text;
    }
  }
  bool marked = false;
  if (j.is_object())
    for (const char* f : {"id", "type", "payload", "metadata", "trace_id", "correlation_id", "occurred_at"})
      marked = marked || j.contains(f);
  EXPECT_EQ(view.marked(), marked) << text;
}

TEST(EnvelopeScan, AgreesWithTheDomOnEveryRule) {
  std::vector<std::string> texts = {kValid, "[1,2]", "\"text\"", "42", "null", "{}", R"({"source":"only"})",
                                    R"( { "id" : null , "payload" : [] } )"};
  for (const char* f : {"id", "type", "occurred_at", "source", "correlation_id", "trace_id", "payload", "metadata"})
    for (const char* v : {"", "null", "1", "\"\"", "\"x\"", "{}", "[]", "true"}) texts.push_back(with(f, v));
  for (const char* md : {R"({"partition_key":""})", R"({"partition_key":7})", R"({"tenant_id":null})", R"({})",
                         R"({"partition_key":"a","partition_key":"b"})"})
    texts.push_back(with("metadata", md));
  // Duplicates: the last one wins, as in nlohmann's parse.
  texts.push_back(kValid.substr(0, kValid.size() - 1) + R"(,"id":"not-a-uuid"})");
  texts.push_back(kValid.substr(0, kValid.size() - 1) + R"(,"metadata":{"tenant_id":"t"}})");
  texts.push_back(kValid.substr(0, kValid.size() - 1) + R"(,"metadata":null})");
  for (const auto& t : texts) expect_same(t);
}

TEST(EnvelopeScan, DeclinesEscapesAndMalformedText) {
  envelope_view view;
  for (const std::string t : {R"({"id":"a\u0041"})", R"({"i\u0064":"x"})", R"({"metadata":{"partition_key":"\n"}})",
                              R"({"id":"x")", R"({"id":"x"} tail)", "", "[1,", "\xFF"})
    EXPECT_FALSE(scan_envelope_view(t, view)) << t;
  // From members: an escape in a wanted string declines too.
  const std::vector<json_member_text> escaped = {{"id", R"("a\u0041")"}};
  EXPECT_FALSE(envelope_view_of_members(escaped, view));
  // Escapes elsewhere (the payload, other fields) are fine.
  EXPECT_TRUE(scan_envelope_view(R"({"payload":{"note":"a\"b\u00e9"},"other":"\t"})", view));
}

}  // namespace
}  // namespace eventfabric::core
