#include "emulator/core/envelope.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace eventfabric::core {
namespace {

using json = nlohmann::json;

json valid() {
  return json::parse(R"({
    "id": "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91",
    "type": "workflow.instance.started.v1",
    "occurred_at": "2024-05-01T12:00:00.123Z",
    "source": "workflow-engine",
    "correlation_id": "c-123",
    "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
    "payload": {"instance_id": "wf-1"},
    "metadata": {"partition_key": "wf-1", "tenant_id": "acme"}
  })");
}

std::vector<std::string> fields_of(const envelope_check& c) {
  std::vector<std::string> out;
  for (const auto& v : c.violations) out.push_back(v.field);
  return out;
}

TEST(Envelope, ValidEnvelopeParses) {
  auto c = check_envelope(valid().dump());
  ASSERT_TRUE(c.ok()) << c.violations.front().message;
  EXPECT_EQ(c.value->type, "workflow.instance.started.v1");
  EXPECT_EQ(c.value->partition_key, std::optional<std::string>("wf-1"));
  EXPECT_EQ(c.value->tenant_id, std::optional<std::string>("acme"));
}

TEST(Envelope, EachRequiredFieldIsNamedWhenMissing) {
  for (const char* f : {"id", "type", "occurred_at", "source", "correlation_id", "trace_id", "payload", "metadata"}) {
    auto j = valid();
    j.erase(f);
    auto c = check_envelope(j.dump());
    ASSERT_FALSE(c.ok()) << f;
    EXPECT_EQ(fields_of(c), std::vector<std::string>{f});
    EXPECT_NE(c.violations[0].message.find("Missing field"), std::string::npos);
    auto r = parse_envelope(j.dump());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::validation_failed);
    EXPECT_EQ(r.error().detail("field"), f);
  }
}

TEST(Envelope, WrongTypesAreNamed) {
  auto j = valid();
  j["id"] = 5;
  j["payload"] = "text";
  j["metadata"]["partition_key"] = 7;
  auto c = check_envelope(j.dump());
  EXPECT_EQ(fields_of(c), (std::vector<std::string>{"id", "payload", "metadata.partition_key"}));
}

TEST(Envelope, FormatRules) {
  struct bad_case {
    const char* field;
    json value;
  };
  for (const auto& [field, value] : std::vector<bad_case>{{"id", "not-a-uuid"},
                                                          {"id", "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a9"},
                                                          {"type", "WorkflowStarted"},
                                                          {"type", "workflow.started"},
                                                          {"occurred_at", "2024-05-01 12:00:00Z"},
                                                          {"occurred_at", "2024-02-30T12:00:00Z"},
                                                          {"occurred_at", "2024-05-01T12:00:00"},
                                                          {"trace_id", "4BF92F3577B34DA6A3CE929D0E0E4736"},
                                                          {"trace_id", "00000000000000000000000000000000"},
                                                          {"trace_id", "abc"},
                                                          {"correlation_id", ""},
                                                          {"source", nullptr}}) {
    auto j = valid();
    j[field] = value;
    auto c = check_envelope(j.dump());
    EXPECT_EQ(fields_of(c), std::vector<std::string>{field}) << field << " = " << value.dump();
  }
}

TEST(Envelope, Rfc3339Cases) {
  for (const char* ok : {"2024-05-01T12:00:00Z", "2024-05-01t12:00:00z", "2024-02-29T23:59:60+01:00",
                         "1985-04-12T23:20:50.52Z", "1996-12-19T16:39:57-08:00"})
    EXPECT_TRUE(is_rfc3339(ok)) << ok;
  for (const char* bad : {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z",
                          "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+0100", "2024-05-01", "",
                          "2024-05-01T12:00:00+24:00"})
    EXPECT_FALSE(is_rfc3339(bad)) << bad;
}

TEST(Envelope, MalformedInputNeverThrows) {
  for (std::string bad : {std::string(""), std::string("{"), std::string("[]"), std::string("null"),
                          std::string("\"str\""), std::string("{\"id\": \"\xff\xfe\"}"),
                          std::string(100000, '['), std::string("{\"a\":") + std::string(5000, '{')}) {
    auto c = check_envelope(bad);
    EXPECT_FALSE(c.ok());
    EXPECT_FALSE(c.violations.empty());
  }
}

TEST(Envelope, ErrorContractNamesTheField) {
  auto j = valid();
  j.erase("correlation_id");
  auto r = parse_envelope(j.dump());
  auto body = json::parse(to_error_contract(r.error()));
  EXPECT_EQ(body["error"]["code"], "VALIDATION_FAILED");
  EXPECT_EQ(body["error"]["message"], "Missing field correlation_id");
  EXPECT_EQ(body["error"]["details"]["field"], "correlation_id");
}

TEST(ErrorContract, EveryCodeHasAName) {
  for (int c = 0; c <= static_cast<int>(errc::internal); ++c) {
    auto name = code_name(static_cast<errc>(c));
    EXPECT_FALSE(name.empty());
    for (char ch : name) EXPECT_TRUE((ch >= 'A' && ch <= 'Z') || ch == '_') << name;
  }
  error e{errc::not_found, std::string("bad \xff byte"), {{"topic", "x"}}};
  auto body = json::parse(to_error_contract(e));  // invalid UTF-8 is replaced, not thrown
  EXPECT_EQ(body["error"]["code"], "NOT_FOUND");
  EXPECT_EQ(body["error"]["details"]["topic"], "x");
}

}  // namespace
}  // namespace eventfabric::core
