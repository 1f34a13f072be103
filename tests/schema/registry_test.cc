#include "emulator/schema/registry.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "emulator/store/memory_store.h"

namespace eventfabric::schema {
namespace {

const char* kV1 = R"({"type":"object","properties":{"amount":{"type":"number"}},"additionalProperties":false})";
const char* kV2Compatible =
    R"({"type":"object","properties":{"amount":{"type":"number"},"note":{"type":"string"}},"additionalProperties":false})";
const char* kV2Breaking = R"({"type":"object","properties":{"amount":{"type":"string"}},"additionalProperties":false})";

std::string code(const core::error& e) { return std::string(e.detail("confluent_code")); }

TEST(Registry, RegisterVersionsAndGlobalIds) {
  registry r(nullptr);
  auto a = r.register_schema("billing.payment.captured.v1-value", kV1);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->version, 1);
  EXPECT_EQ(a->id, 1);
  // The same schema again: same version and id (whitespace does not matter).
  auto again = r.register_schema("billing.payment.captured.v1-value",
                                 R"({ "additionalProperties": false, "type": "object", "properties": {"amount": {"type": "number"}} })");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(again->id, 1);
  // The same schema under another subject shares the id.
  auto other = r.register_schema("other-value", kV1);
  EXPECT_EQ(other->id, 1);
  EXPECT_EQ(other->version, 1);
  auto b = r.register_schema("billing.payment.captured.v1-value", kV2Compatible);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->version, 2);
  EXPECT_EQ(b->id, 2);
  EXPECT_EQ(*r.versions("billing.payment.captured.v1-value"), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(r.get("billing.payment.captured.v1-value", kLatest)->version, 2);
  EXPECT_EQ(r.by_id(2)->schema, nlohmann::json::parse(kV2Compatible).dump());
  EXPECT_EQ(r.lookup("other-value", kV1)->version, 1);
  EXPECT_EQ(r.subjects(), (std::vector<std::string>{"billing.payment.captured.v1-value", "other-value"}));
}

TEST(Registry, IncompatibleChangeIsRefusedWithConfluentVocabulary) {
  registry r(nullptr);
  ASSERT_TRUE(r.register_schema("s", kV1));
  auto bad = r.register_schema("s", kV2Breaking);
  ASSERT_FALSE(bad);
  EXPECT_EQ(code(bad.error()), "409");
  EXPECT_NE(bad.error().message.find("TYPE_CHANGED"), std::string::npos) << bad.error().message;
  auto verdict = r.test("s", kLatest, kV2Breaking);
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->compatible);
  r.set_subject_level("s", compat_mode::none);
  EXPECT_TRUE(r.register_schema("s", kV2Breaking));
  EXPECT_EQ(*r.subject_level("s", false), compat_mode::none);
  EXPECT_EQ(code(r.subject_level("other", false).error()), "40408");
  EXPECT_EQ(*r.subject_level("other", true), compat_mode::backward);
}

TEST(Registry, TransitiveModesCheckEveryVersion) {
  registry r(nullptr);
  r.set_global_level(compat_mode::none);
  ASSERT_TRUE(r.register_schema("s", R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false})"));
  ASSERT_TRUE(r.register_schema("s", R"({"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false})"));
  const char* back_to_first = R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false,"title":"t"})";
  r.set_global_level(compat_mode::backward);
  EXPECT_FALSE(r.test("s", std::nullopt, back_to_first)->compatible);  // incompatible with v2 (latest)
  r.set_global_level(compat_mode::backward_transitive);
  EXPECT_FALSE(r.test("s", std::nullopt, back_to_first)->compatible);
  EXPECT_TRUE(r.test("s", 1, back_to_first)->compatible);  // one version: the base mode against v1 only
}

TEST(Registry, SoftThenHardDelete) {
  registry r(nullptr);
  ASSERT_TRUE(r.register_schema("s", kV1));
  EXPECT_EQ(code(r.delete_subject("s", true).error()), "40405");  // soft delete first
  EXPECT_EQ(*r.delete_subject("s", false), std::vector<int32_t>{1});
  EXPECT_TRUE(r.subjects().empty());
  EXPECT_EQ(r.subjects(true), std::vector<std::string>{"s"});
  EXPECT_EQ(code(r.get("s", 1).error()), "40401");
  EXPECT_TRUE(r.get("s", 1, true));
  EXPECT_EQ(code(r.delete_subject("s", false).error()), "40404");
  EXPECT_EQ(*r.delete_subject("s", true), std::vector<int32_t>{1});
  EXPECT_TRUE(r.subjects(true).empty());
  EXPECT_TRUE(r.by_id(1)) << "ids stay resolvable, as in Confluent";
}

TEST(Registry, BadInputIsAnError) {
  registry r(nullptr);
  EXPECT_EQ(code(r.register_schema("s", "{not json").error()), "42201");
  EXPECT_EQ(code(r.register_schema("s", "[1,2]").error()), "42201");
  EXPECT_EQ(code(r.register_schema("s", kV1, "AVRO").error()), "42201");
  EXPECT_EQ(code(r.register_schema("s", R"({"$ref":"#/definitions/nope"})").error()), "42201");
  EXPECT_EQ(code(r.get("nope", 1).error()), "40401");
  ASSERT_TRUE(r.register_schema("s", kV1));
  EXPECT_EQ(code(r.get("s", 7).error()), "40402");
  EXPECT_EQ(code(r.get("s", 0).error()), "42202");
  EXPECT_EQ(code(r.by_id(99).error()), "40403");
  EXPECT_EQ(code(r.lookup("s", kV2Compatible).error()), "40403");
}

class registry_loader final : public core::storage_loader {
 public:
  explicit registry_loader(registry& r) : r_(r) {}
  void on_value(std::string_view s, std::string_view k, std::string_view v) override { (void)r_.restore(s, k, v); }
  void on_record(std::string_view, int32_t, core::record&&) override {}
  registry& r_;
};

TEST(Registry, SurvivesReloadFromTheStore) {
  store::memory_store store;
  registry before(&store);
  ASSERT_TRUE(before.register_schema("s", kV1));
  ASSERT_TRUE(before.register_schema("s", kV2Compatible));
  before.set_subject_level("s", compat_mode::full);
  before.set_global_level(compat_mode::forward);
  ASSERT_TRUE(before.delete_version("s", 1, false));
  ASSERT_TRUE(store.commit());
  registry after(&store);
  registry_loader l(after);
  ASSERT_TRUE(store.load(l));
  EXPECT_EQ(*after.versions("s"), std::vector<int32_t>{2});
  EXPECT_EQ(*after.versions("s", true), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(after.global_level(), compat_mode::forward);
  EXPECT_EQ(*after.subject_level("s", false), compat_mode::full);
  EXPECT_EQ(after.by_id(2)->schema, before.by_id(2)->schema);
  // New ids continue after the restored ones.
  EXPECT_EQ(after.register_schema("t", R"({"type":"string"})")->id, 3);
}

}  // namespace
}  // namespace eventfabric::schema
