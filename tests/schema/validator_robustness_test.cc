// Malformed and hostile input: every case ends in an error value, never a
// crash, a hang or an exception.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "emulator/schema/validator.h"

using nlohmann::json;
using namespace eventfabric;
using namespace eventfabric::schema;

namespace {

// {"properties": {"a": {"properties": {"a": ... {} ...}}}}, `levels` schemas deep.
std::string nested_schema(std::size_t levels) {
  std::string s;
  for (std::size_t i = 0; i < levels; ++i) s += R"({"type": "object", "properties": {"a": )";
  s += "{}";
  for (std::size_t i = 0; i < levels; ++i) s += "}}";
  return s;
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

bool has_keyword(const std::vector<validation_error>& errors, const std::string& keyword) {
  for (const auto& e : errors)
    if (e.keyword == keyword) return true;
  return false;
}

compiled_schema compile_ok(std::string_view text) {
  auto c = compiled_schema::compile(text);
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return std::move(*c);
}

}  // namespace

TEST(ValidatorRobustness, InvalidJsonAndInvalidUtf8) {
  for (std::string_view bad : {"", "{", "{\"type\": }", "nul", "{\"a\": \"\xff\xfe\"}", "\"\xc3\x28\""}) {
    auto c = compiled_schema::compile(bad);
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.error().code, core::errc::invalid_argument);
  }
  auto s = compile_ok(R"({"type": "object"})");
  for (std::string_view bad : {"", "{", "[1,]", "{\"a\": \"\xff\"}", "\"\xed\xa0\x80\""}) {
    auto errors = s.validate(bad);
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].keyword, "json");
  }
}

TEST(ValidatorRobustness, DeeplyNestedSchemaIsRejected) {
  auto c = compiled_schema::compile(std::string_view(nested_schema(10'000)));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("deeper than"), std::string::npos) << c.error().message;
  auto arrays = compiled_schema::compile(std::string_view(nested_arrays(10'000)));
  ASSERT_FALSE(arrays);
}

TEST(ValidatorRobustness, SchemaNestingUpToTheLimitCompilesAndValidates) {
  auto s = compile_ok(nested_schema(120));  // 241 JSON levels, under the default 256
  std::string doc = "1";
  for (int i = 0; i < 119; ++i) doc = R"({"a": )" + doc + "}";
  auto errors = s.validate(std::string_view(doc));  // the 120th level is 1, not an object
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path.size(), 119u * 2);
  EXPECT_EQ(errors[0].keyword, "type");
}

TEST(ValidatorRobustness, DeeplyNestedInstanceIsAnError) {
  auto recursive = compile_ok(R"({"type": "array", "items": {"$ref": "#"}})");
  auto errors = recursive.validate(std::string_view(nested_arrays(10'000)));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "maxDepth");
  auto plain = compile_ok(R"({"uniqueItems": true})");
  EXPECT_TRUE(has_keyword(plain.validate(std::string_view(nested_arrays(10'000))), "maxDepth"));
  // Just under the limit, the recursive schema walks the whole instance.
  EXPECT_TRUE(recursive.validate(std::string_view(nested_arrays(250))).empty());
  compile_options deep;
  deep.max_instance_depth = 20;
  auto limited = compiled_schema::compile(std::string_view(R"({})"), deep);
  ASSERT_TRUE(limited);
  EXPECT_TRUE(has_keyword(limited->validate(std::string_view(nested_arrays(21))), "maxDepth"));
}

TEST(ValidatorRobustness, TenMegabyteDocument) {
  auto s = compile_ok(R"({"type": "array", "items": {"type": "object", "required": ["id", "text"],
      "properties": {"id": {"type": "integer"}, "text": {"type": "string", "pattern": "^[a-z]+$"}}}})");
  json doc = json::array();
  const std::string text(90, 'x');
  for (int i = 0; doc.size() < 100'000; ++i) doc.push_back({{"id", i}, {"text", text}});
  const std::string body = doc.dump();
  ASSERT_GE(body.size(), 10u << 20);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(s.validate(std::string_view(body)).empty());
  doc[99'999]["id"] = "oops";
  auto errors = s.validate(doc);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "/99999/id");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("10 MB document validated twice in %.2f s\n", seconds);
}

TEST(ValidatorRobustness, LongStringsAgainstPatternsDoNotOverflowTheStack) {
  auto s = compile_ok(R"({"type": "string", "pattern": "^[a-z]+$"})");
  EXPECT_TRUE(s.validate(json(std::string(100'000, 'a'))).empty());  // matched on a big-stack helper thread
  EXPECT_FALSE(s.validate(json(std::string(100'000, 'a') + "!")).empty());
  auto errors = s.validate(json(std::string(10u << 20, 'a')));  // 10 MB: over the matching limit
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "pattern");
  // Only strings matched against a pattern are limited: a 10 MB blob elsewhere is fine.
  auto partial = compile_ok(R"({"properties": {"id": {"pattern": "^a$"}}})");
  EXPECT_TRUE(partial.validate(json{{"id", "a"}, {"blob", std::string(10u << 20, 'x')}}).empty());
  auto keys = compile_ok(R"({"patternProperties": {"^a+$": {"type": "integer"}}})");
  EXPECT_TRUE(keys.validate(json{{std::string(50'000, 'a'), 1}}).empty());
  EXPECT_FALSE(keys.validate(json{{std::string(50'000, 'a'), "x"}}).empty());
  EXPECT_EQ(keys.validate(json{{std::string(1u << 20, 'a'), 1}}).at(0).keyword, "patternProperties");
}

TEST(ValidatorRobustness, NumbersAtTheEdges) {
  auto s = compile_ok(R"({"type": "integer", "multipleOf": 3, "maximum": 1e308})");
  for (const char* doc :
       {"18446744073709551615", "-9223372036854775808", "1e400", "-0", "3.0000000000000001"})
    (void)s.validate(std::string_view(doc));  // no crash; verdicts are the validator's
  auto tiny = compile_ok(R"({"multipleOf": 1e-8})");
  EXPECT_TRUE(tiny.validate(std::string_view("12391239123")).empty());
  EXPECT_TRUE(tiny.validate(std::string_view("0.00000003")).empty());
  EXPECT_FALSE(tiny.validate(std::string_view("0.000000035")).empty());
}
