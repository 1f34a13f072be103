// Unit tests for schema compatibility (emulator/schema/compat.h): the modes on
// both sides, explanations, Confluent's recursive-schema tests, Java hash order,
// loader edge cases, and malformed / hostile input (never a crash or a hang).

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/schema/compat.h"
#include "emulator/schema/compat_internal.h"

namespace {

using nlohmann::json;
using namespace eventfabric::schema;

std::vector<std::string> strings(const std::vector<change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.to_string());
  return out;
}

std::vector<std::string> diff_strings(const json& o, const json& u) {
  auto d = diff(o, u);
  EXPECT_TRUE(d) << d.error().message;
  return d ? strings(*d) : std::vector<std::string>{};
}

json closed_object(json properties, json required = json::array()) {
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

json open_object(json properties) { return {{"type", "object"}, {"properties", std::move(properties)}}; }

const json kString = {{"type", "string"}};
const json kNumber = {{"type", "number"}};
const json kInteger = {{"type", "integer"}};

// ---- modes -----------------------------------------------------------------------

TEST(CompatModes, ParseAndPrintEveryMode) {
  for (auto m : {compat_mode::backward, compat_mode::backward_transitive, compat_mode::forward,
                 compat_mode::forward_transitive, compat_mode::full, compat_mode::full_transitive,
                 compat_mode::none}) {
    EXPECT_EQ(parse_compat_mode(to_string(m)), m);
  }
  EXPECT_EQ(parse_compat_mode("full_transitive"), compat_mode::full_transitive);
  EXPECT_EQ(to_string(compat_mode::backward_transitive), "BACKWARD_TRANSITIVE");
  EXPECT_FALSE(parse_compat_mode("SIDEWAYS"));
  EXPECT_FALSE(parse_compat_mode(""));
}

TEST(CompatModes, BackwardAcceptsOptionalPropertyInClosedModelForwardDoesNot) {
  json v1 = closed_object({{"a", kString}});
  json v2 = closed_object({{"a", kString}, {"b", kString}});
  auto backward = check_compatibility(v2, {v1}, compat_mode::backward);
  EXPECT_TRUE(backward.compatible);
  EXPECT_TRUE(backward.changes.empty());

  auto forward = check_compatibility(v2, {v1}, compat_mode::forward);
  ASSERT_FALSE(forward.compatible);
  ASSERT_EQ(forward.changes.size(), 1u);
  EXPECT_EQ(forward.changes[0].to_string(), "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b");
  EXPECT_EQ(forward.changes[0].direction, "forward");
  EXPECT_EQ(forward.changes[0].against_version, 1);
  EXPECT_FALSE(forward.changes[0].explanation.empty());
  ASSERT_EQ(forward.messages.size(), 1u);
  EXPECT_NE(forward.messages[0].find("version 1 (forward)"), std::string::npos);

  EXPECT_FALSE(check_compatibility(v2, {v1}, compat_mode::full).compatible);
}

TEST(CompatModes, ForwardAcceptsNarrowedTypeBackwardDoesNot) {
  auto backward = check_compatibility(kInteger, {kNumber}, compat_mode::backward);
  ASSERT_FALSE(backward.compatible);
  EXPECT_EQ(backward.changes.at(0).to_string(), "TYPE_NARROWED #/");
  EXPECT_EQ(backward.changes.at(0).direction, "backward");
  EXPECT_TRUE(check_compatibility(kInteger, {kNumber}, compat_mode::forward).compatible);

  auto full = check_compatibility(kInteger, {kNumber}, compat_mode::full);
  ASSERT_FALSE(full.compatible);
  ASSERT_EQ(full.changes.size(), 1u);
  EXPECT_EQ(full.changes[0].direction, "backward");
}

TEST(CompatModes, FullAcceptsOnlyChangesCompatibleBothWays) {
  json v1 = {{"type", "string"}, {"description", "a name"}};
  json v2 = {{"type", "string"}, {"description", "the name"}};
  EXPECT_TRUE(check_compatibility(v2, {v1}, compat_mode::full).compatible);
  EXPECT_TRUE(check_compatibility(v2, {v1}, compat_mode::full_transitive).compatible);
}

TEST(CompatModes, TransitiveChecksOlderVersionsTheLatestOnlyDoesNot) {
  json v1 = {{"type", "string"}};
  json v2 = {{"type", "string"}, {"maxLength", 20}};
  json candidate = {{"type", "string"}, {"maxLength", 30}};
  EXPECT_TRUE(check_compatibility(candidate, {v1, v2}, compat_mode::backward).compatible);

  auto transitive = check_compatibility(candidate, {v1, v2}, compat_mode::backward_transitive);
  ASSERT_FALSE(transitive.compatible);
  ASSERT_EQ(transitive.changes.size(), 1u);
  EXPECT_EQ(transitive.changes[0].to_string(), "MAX_LENGTH_ADDED #/maxLength");
  EXPECT_EQ(transitive.changes[0].against_version, 1);

  // Forward: v1 and v2 must read candidate data.
  EXPECT_FALSE(check_compatibility(candidate, {v1, v2}, compat_mode::forward).compatible);
  EXPECT_FALSE(check_compatibility(candidate, {v1, v2}, compat_mode::full_transitive).compatible);
}

TEST(CompatModes, ForwardTransitiveFindsTheOldestBreak) {
  json v1 = {{"type", "string"}, {"maxLength", 10}};
  json v2 = {{"type", "string"}, {"maxLength", 40}};
  json candidate = {{"type", "string"}, {"maxLength", 30}};
  EXPECT_TRUE(check_compatibility(candidate, {v1, v2}, compat_mode::forward).compatible);
  auto r = check_compatibility(candidate, {v1, v2}, compat_mode::forward_transitive);
  ASSERT_FALSE(r.compatible);
  EXPECT_EQ(r.changes.at(0).to_string(), "MAX_LENGTH_DECREASED #/maxLength");
  EXPECT_EQ(r.changes.at(0).against_version, 1);
}

TEST(CompatModes, NoneAndEmptyHistoryAreAlwaysCompatible) {
  EXPECT_TRUE(check_compatibility(kString, {kNumber}, compat_mode::none).compatible);
  EXPECT_TRUE(check_compatibility(kString, {}, compat_mode::full_transitive).compatible);
  EXPECT_FALSE(check_compatibility(kString, {kNumber}, compat_mode::backward).compatible);
}

TEST(CompatModes, LenientAcceptsOptionalPropertyInOpenModel) {
  json v1 = open_object({{"a", kString}});
  json v2 = open_object({{"a", kString}, {"b", kNumber}});
  auto strict = check_compatibility(v2, {v1}, compat_mode::backward);
  ASSERT_FALSE(strict.compatible);
  EXPECT_EQ(strict.changes.at(0).type, "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");
  EXPECT_TRUE(check_compatibility(v2, {v1}, compat_mode::backward, true).compatible);
  // A required property without a default stays incompatible even when lenient.
  json v3 = closed_object({{"a", kString}, {"b", kNumber}}, {"b"});
  json v0 = closed_object({{"a", kString}});
  EXPECT_FALSE(check_compatibility(v3, {v0}, compat_mode::backward, true).compatible);
}

TEST(CompatModes, RequiredPropertyWithDefaultIsBackwardCompatible) {
  json v1 = closed_object({{"a", kString}});
  json v2 = closed_object({{"a", kString}, {"b", {{"type", "string"}, {"default", "x"}}}}, {"b"});
  EXPECT_TRUE(check_compatibility(v2, {v1}, compat_mode::backward).compatible);
  json v3 = closed_object({{"a", kString}, {"b", kString}}, {"b"});
  auto r = check_compatibility(v3, {v1}, compat_mode::backward);
  ASSERT_FALSE(r.compatible);
  EXPECT_EQ(r.changes.at(0).to_string(), "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b");
}

TEST(CompatModes, InvalidSchemaIsReportedNotThrown) {
  auto r = check_compatibility(json(42), {kString}, compat_mode::full);
  ASSERT_FALSE(r.compatible);
  ASSERT_FALSE(r.changes.empty());
  EXPECT_EQ(r.changes[0].type, "SCHEMA_INVALID");
  EXPECT_FALSE(r.messages.empty());
  EXPECT_FALSE(r.changes[0].explanation.empty());
}

// ---- change types ------------------------------------------------------------------

TEST(CompatExplain, EveryChangeTypeHasAnExplanation) {
  ASSERT_EQ(all_change_types().size(), 132u);
  for (auto type : all_change_types()) {
    std::string_view e = explain_change(type);
    EXPECT_FALSE(e.empty()) << type;
    EXPECT_EQ(e.find('\n'), std::string_view::npos) << type;
    // Incompatible changes say how to fix them ("...: what breaks; how to fix").
    if (!is_compatible_change(type)) {
      EXPECT_NE(e.find("; "), std::string_view::npos) << type;
    }
  }
  EXPECT_TRUE(explain_change("NO_SUCH_CHANGE").empty());
  EXPECT_FALSE(is_compatible_change("NO_SUCH_CHANGE", true));
}

TEST(CompatExplain, ChangesCarryTheirExplanation) {
  auto d = diff(open_object({{"a", kString}}), open_object({{"a", kNumber}}));
  ASSERT_TRUE(d);
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].explanation, explain_change("TYPE_CHANGED"));
  EXPECT_FALSE((*d)[0].compatible);
}

// ---- Confluent's own recursive / special-case tests (SchemaDiffTest) ----------------

json inline_union(const std::vector<std::string>& types) {
  json one_of = json::array();
  for (const auto& t : types) one_of.push_back({{"$ref", "#/definitions/" + t}});
  return {{"oneOf", one_of}};
}

json trade_schema() {
  std::vector<std::string> types = {"Asset",   "Basket", "Swap", "Bond",   "Option", "Future",
                                    "Forward", "Loan",   "Repo", "Equity", "Index",  "CommodityLeg"};
  json definitions = json::object();
  for (const auto& t : types) {
    definitions[t] = {
        {"type", "object"},
        {"properties",
         {{"id", kString}, {"underlying", inline_union(types)}, {"referenceProduct", inline_union(types)}}}};
  }
  return {{"$schema", "http://json-schema.org/draft-07/schema#"},
          {"title", "Trade"},
          {"type", "object"},
          {"additionalProperties", true},
          {"definitions", definitions},
          {"properties", {{"tradeId", kString}, {"product", inline_union(types)}}}};
}

TEST(CompatDiff, RecursiveOneOfUnionTerminates) {
  EXPECT_TRUE(diff_strings(trade_schema(), trade_schema()).empty());  // a loop would hit ctest's timeout
}

TEST(CompatDiff, RecursiveOneOfUnionDetectsIncompatibleChange) {
  json changed = trade_schema();
  changed["definitions"]["Asset"]["properties"]["id"]["type"] = "number";
  auto d = diff(trade_schema(), changed);
  ASSERT_TRUE(d) << d.error().message;
  bool incompatible = false;
  for (const auto& c : *d) incompatible = incompatible || !c.compatible;
  EXPECT_TRUE(incompatible);
}

json recursive_object(const std::string& id_type, const std::string& ref_target) {
  return {{"type", "object"},
          {"additionalProperties", true},
          {"properties",
           {{"id", {{"type", id_type}}},
            {"ref", {{"oneOf", json::array({{{"$ref", "#/definitions/" + ref_target}}})}}}}}};
}

json memo_masking_schema(const std::string& t0_id, const std::string& t1_id) {
  return {{"$schema", "http://json-schema.org/draft-07/schema#"},
          {"type", "object"},
          {"additionalProperties", true},
          {"definitions",
           {{"T0", recursive_object(t0_id, "T2")},
            {"T1", recursive_object(t1_id, "T2")},
            {"T2", recursive_object("integer", "T0")}}},
          {"properties",
           {{"root",
             {{"oneOf", json::array({{{"$ref", "#/definitions/T0"}}, {{"$ref", "#/definitions/T1"}}})}}}}}};
}

TEST(CompatDiff, RecursiveAssumptionsDoNotMaskIncompatibility) {
  auto d = diff(memo_masking_schema("integer", "boolean"), memo_masking_schema("boolean", "number"));
  ASSERT_TRUE(d) << d.error().message;
  bool incompatible = false;
  for (const auto& c : *d) incompatible = incompatible || !c.compatible;
  EXPECT_TRUE(incompatible);
  EXPECT_TRUE(
      diff_strings(memo_masking_schema("integer", "boolean"), memo_masking_schema("integer", "boolean"))
          .empty());
}

TEST(CompatDiff, EmptySchemaToEmptyObjectSchemaIsIncompatible) {
  EXPECT_EQ(diff_strings(json::object(), {{"properties", json::object()}}),
            std::vector<std::string>{"TYPE_CHANGED #/"});
}

TEST(CompatDiff, ConnectBytesMayChangeBetweenStringAndNumber) {
  json s = {
      {"type", "string"}, {"title", "org.apache.kafka.connect.data.Decimal"}, {"connect.type", "bytes"}};
  json n = s;
  n["type"] = "number";
  EXPECT_TRUE(diff_strings(s, n).empty());
}

// ---- loader and walker details ------------------------------------------------------

TEST(CompatDiff, JavaHashOrderMatchesHashMap) {
  using namespace eventfabric::schema::compat_detail;
  EXPECT_EQ(java_string_hash("hello"), 99162322);
  EXPECT_EQ(java_string_hash(""), 0);
  EXPECT_EQ(java_string_hash("\xC3\xA9"), 233);              // U+00E9
  EXPECT_EQ(java_string_hash("\xF0\x9F\x98\x80"), 1772899);  // U+1F600: 0xD83D * 31 + 0xDE00
  EXPECT_EQ(java_hash_order({"foo", "bar"}, 16), (std::vector<std::string>{"bar", "foo"}));
  EXPECT_EQ(java_hash_set_copy_capacity(0), 16);
  EXPECT_EQ(java_hash_set_copy_capacity(12), 32);
}

TEST(CompatDiff, ReportsInConfluentHashOrder) {
  json o = open_object({{"foo", kString}});
  json u = open_object({{"bar", kString}});
  EXPECT_EQ(diff_strings(o, u),
            (std::vector<std::string>{"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/bar",
                                      "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/foo"}));
}

TEST(CompatDiff, PointersKeepPropertyNamesVerbatim) {
  json o = open_object({{"a/b", kString}});
  json u = open_object({{"a/b", kNumber}});
  EXPECT_EQ(diff_strings(o, u), std::vector<std::string>{"TYPE_CHANGED #/properties/a/b"});
}

TEST(CompatDiff, TypeArraysAreUnions) {
  json nullable = {{"type", {"string", "null"}}};
  EXPECT_EQ(diff_strings(kString, nullable), std::vector<std::string>{"SUM_TYPE_EXTENDED #/"});
  EXPECT_EQ(diff_strings(nullable, kString), std::vector<std::string>{"TYPE_CHANGED #/"});
}

TEST(CompatDiff, Draft2020RootIdIsIgnoredNestedIdIsNot) {
  const std::string draft = "https://json-schema.org/draft/2020-12/schema";
  json o = {{"$schema", draft}, {"$id", "a"}, {"properties", {{"x", {{"$id", "x1"}, {"type", "string"}}}}}};
  json u = {{"$schema", draft}, {"$id", "b"}, {"properties", {{"x", {{"$id", "x2"}, {"type", "string"}}}}}};
  EXPECT_EQ(diff_strings(o, u), std::vector<std::string>{"ID_CHANGED #/properties/x"});
}

TEST(CompatDiff, Draft4BooleanExclusiveLimitsAreNotCompared) {
  json o = {{"$schema", "http://json-schema.org/draft-04/schema#"},
            {"type", "number"},
            {"maximum", 5},
            {"exclusiveMaximum", true}};
  json u = o;
  u["exclusiveMaximum"] = false;
  EXPECT_TRUE(diff_strings(o, u).empty());
}

TEST(CompatDiff, StructurallyEqualDefaultsAreUnchanged) {
  json o = {{"type", "object"}, {"default", {{"a", 1}}}};
  EXPECT_TRUE(diff_strings(o, o).empty());
}

TEST(CompatDiff, LegitimateRecursionThroughRefs) {
  json tree = {{"definitions",
                {{"node",
                  {{"type", "object"},
                   {"properties",
                    {{"children", {{"type", "array"}, {"items", {{"$ref", "#/definitions/node"}}}}}}}}}}},
               {"$ref", "#/definitions/node"}};
  EXPECT_TRUE(diff_strings(tree, tree).empty());
  json changed = tree;
  changed["definitions"]["node"]["properties"]["label"] = kString;
  EXPECT_EQ(diff_strings(tree, changed),
            std::vector<std::string>{"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/label"});
}

// ---- malformed and hostile input -----------------------------------------------------

TEST(CompatRobustness, NonSchemaValuesAreErrors) {
  for (const json& bad : {json(42), json("string"), json::array({1, 2}), json(nullptr), json(1.5)}) {
    auto d = diff(bad, kString);
    ASSERT_FALSE(d) << bad.dump();
    EXPECT_EQ(d.error().code, eventfabric::core::errc::invalid_argument);
    EXPECT_FALSE(diff(kString, bad));
  }
  EXPECT_FALSE(diff({{"properties", {{"a", 5}}}}, kString));
  EXPECT_FALSE(diff({{"type", "strnig"}}, kString));
  EXPECT_FALSE(diff({{"type", 5}}, kString));
  EXPECT_FALSE(diff({{"$schema", "https://json-schema.org/draft/2020-12/schema"}, {"type", "\xff"}}, kString));
  EXPECT_FALSE(diff({{"enum", "x"}}, kString));
  EXPECT_FALSE(diff({{"maxLength", "ten"}}, kString));
  EXPECT_FALSE(diff({{"oneOf", {{"type", "string"}}}}, kString));  // oneOf must be an array
}

TEST(CompatRobustness, PatternPropertiesWithBadPatternsOrLongKeys) {
  json o = {{"type", "object"},
            {"additionalProperties", false},
            {"patternProperties", {{"([", kString}, {"^I_", kInteger}}}};
  json u = o;
  u["properties"]["I_1"] = kNumber;
  u["properties"][std::string(100000, 'I')] = kString;
  auto d = diff(o, u);
  ASSERT_TRUE(d) << d.error().message;
  auto got = strings(*d);
  EXPECT_NE(std::find(got.begin(), got.end(),
                      "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/I_1"),
            got.end());
  EXPECT_EQ(got.size(), 4u);  // I_1: TYPE_EXTENDED, covered, optional; the long key: optional
}

TEST(CompatRobustness, BooleanSchemasLoad) {
  EXPECT_TRUE(diff_strings(json(true), json(false)).size() == 1);
  EXPECT_TRUE(diff_strings(json(false), kString).empty());  // false may change to anything
  EXPECT_TRUE(diff_strings(kString, json(true)).empty());   // anything may change to true
}

TEST(CompatRobustness, RefProblemsAreErrors) {
  EXPECT_FALSE(diff({{"$ref", "#/definitions/missing"}}, kString));
  EXPECT_FALSE(diff({{"$ref", "http://elsewhere.example/schema.json"}}, kString));
  EXPECT_FALSE(diff({{"$ref", 7}}, kString));
  json loop = {{"$ref", "#/definitions/a"},
               {"definitions", {{"a", {{"$ref", "#/definitions/b"}}}, {"b", {{"$ref", "#/definitions/a"}}}}}};
  auto d = diff(loop, kString);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("loop"), std::string::npos);
  EXPECT_FALSE(diff({{"$ref", "#"}}, kString));
}

json nested(int levels, const json& leaf) {
  json root = leaf;
  json* cur = &root;
  for (int i = 0; i < levels; ++i) {
    json wrapped = {{"type", "object"}, {"properties", {{"a", std::move(*cur)}}}};
    *cur = std::move(wrapped);
    cur = &(*cur)["properties"]["a"];
  }
  return root;
}

// Built in place: copying a 10,000-level json recurses as deep as the value itself.
json deep_schema(int levels) {
  json deep = json::object();
  json* cur = &deep;
  for (int i = 0; i < levels; ++i) cur = &(*cur)["properties"]["a"];
  *cur = kString;
  return deep;
}

TEST(CompatRobustness, DeepNestingIsAnErrorNotACrash) {
  json deep = deep_schema(10000);
  auto d = diff(deep, deep);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("nesting"), std::string::npos);
  std::vector<json> previous;
  previous.push_back(deep_schema(10000));
  auto r = check_compatibility(deep, previous, compat_mode::full);
  EXPECT_FALSE(r.compatible);
  EXPECT_EQ(r.changes.at(0).type, "SCHEMA_INVALID");
}

TEST(CompatRobustness, NestingAtTheLimitWorks) {
  json o = nested(250, kString);
  auto d = diff(o, nested(250, kNumber));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->size(), 1u);
  EXPECT_FALSE(diff(nested(300, kString), o));
}

TEST(CompatRobustness, NestingWithinTheLimitWorks) {
  json o = nested(100, kString);
  json u = nested(100, kNumber);
  auto d = diff(o, u);
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].type, "TYPE_CHANGED");
  EXPECT_EQ((*d)[0].pointer.size(), 2 + 100 * std::string("properties/a/").size() - 1);
}

TEST(CompatRobustness, HugeSchemasGetTheirChanges) {
  json props = json::object();
  for (int i = 0; i < 20000; ++i) props["p" + std::to_string(i)] = {{"type", i % 2 ? "string" : "integer"}};
  json o = closed_object(props);
  json u = o;
  u["properties"]["p7"]["type"] = "boolean";
  u["properties"]["extra"] = kString;
  auto d = diff(o, u);
  ASSERT_TRUE(d) << d.error().message;
  auto got = strings(*d);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got,
            (std::vector<std::string>{"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/extra",
                                      "TYPE_CHANGED #/properties/p7"}));
}

// The work is bounded by kMaxCompareSteps, not by a clock: no timing
// assertion here (ctest's timeout catches a hang), because the sanitizer
// build on a loaded 2-core machine is slow for reasons of its own.
TEST(CompatRobustness, HugeUnionsGiveAResultOrAStepLimitError) {
  json alternatives = json::array();
  for (int i = 0; i < 600; ++i) {
    alternatives.push_back(open_object({{"kind", {{"const", "k" + std::to_string(i)}}}, {"v", kString}}));
  }
  json o = {{"oneOf", alternatives}};
  json u = o;
  u["oneOf"][0]["properties"]["v"] = kNumber;
  auto d = diff(o, u);
  if (d) {
    EXPECT_FALSE(d->empty());
  } else {
    EXPECT_NE(d.error().message.find("steps"), std::string::npos);
  }
}

}  // namespace
