// compiled_schema / schema_cache: compile once, validate many; errors carry
// the instance pointer and the keyword; bad schemas are errors, not crashes.
#include "emulator/schema/validator.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

using nlohmann::json;
using namespace eventfabric;
using namespace eventfabric::schema;

namespace {

compiled_schema must_compile(const json& schema, const compile_options& o = {}) {
  auto c = compiled_schema::compile(schema, o);
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
  return std::move(*c);
}

bool has_error(const std::vector<validation_error>& errors, const std::string& path,
               const std::string& keyword) {
  for (const auto& e : errors)
    if (e.path == path && e.keyword == keyword) return true;
  return false;
}

std::string dump(const std::vector<validation_error>& errors) {
  std::string s;
  for (const auto& e : errors) s += e.path + " [" + e.keyword + "] " + e.message + "\n";
  return s;
}

const json payment_schema = json::parse(R"({
  "type": "object",
  "required": ["amount", "currency"],
  "additionalProperties": false,
  "properties": {
    "amount": {"type": "integer", "minimum": 1},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "lines": {"type": "array", "items": {"$ref": "#/definitions/line"}},
    "note": {"type": "string", "maxLength": 5}
  },
  "definitions": {"line": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}}}
})");

}  // namespace

TEST(Validator, ValidInstanceHasNoErrors) {
  auto s = must_compile(payment_schema);
  EXPECT_TRUE(s.validate(json{{"amount", 5}, {"currency", "EUR"}}).empty());
  EXPECT_TRUE(s.validate(std::string_view(R"({"amount":1,"currency":"USD","lines":[{"sku":"a"}]})")).empty());
}

TEST(Validator, ErrorsNamePointerAndKeyword) {
  auto s = must_compile(payment_schema);
  auto errors = s.validate(json::parse(R"({"amount": 0, "currency": "eur", "lines": [{"sku": 1}, {}], "x": 1,
                                            "note": "toolong"})"));
  EXPECT_TRUE(has_error(errors, "/amount", "minimum")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/currency", "pattern")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/lines/0/sku", "type")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/lines/1", "required")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "", "additionalProperties")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/note", "maxLength")) << dump(errors);
  for (const auto& e : errors) EXPECT_FALSE(e.keyword.empty() || e.message.empty()) << dump(errors);
}

TEST(Validator, MissingRequiredAndWrongTypeAtRoot) {
  auto s = must_compile(payment_schema);
  EXPECT_TRUE(has_error(s.validate(json{{"currency", "EUR"}}), "", "required"));
  EXPECT_TRUE(has_error(s.validate(json::array()), "", "type"));
  EXPECT_TRUE(has_error(s.validate(json{{"amount", "5"}, {"currency", "EUR"}}), "/amount", "type"));
}

TEST(Validator, PointerTokensAreEscaped) {
  auto s =
      must_compile(json::parse(R"({"properties": {"a/b": {"type": "string"}, "c~d": {"type": "string"}}})"));
  auto errors = s.validate(json{{"a/b", 1}, {"c~d", 2}});
  EXPECT_TRUE(has_error(errors, "/a~1b", "type")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/c~0d", "type")) << dump(errors);
}

TEST(Validator, FloatWithZeroFractionIsAnInteger) {
  auto s = must_compile(json{{"type", "integer"}});
  EXPECT_TRUE(s.validate(json::parse("1.0")).empty());
  EXPECT_TRUE(has_error(s.validate(json::parse("1.5")), "", "type"));
}

TEST(Validator, FormatsAssertedAndNonStringsIgnored) {
  auto s = must_compile(json::parse(R"({"properties": {"t": {"format": "date-time"}, "u": {"format": "uuid"},
                                      "e": {"format": "email"}, "i": {"format": "ipv4"}}})"));
  EXPECT_TRUE(
      s.validate(json::parse(R"({"t": "2024-05-01T12:00:00Z", "u": "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91",
                                       "e": "a@example.com", "i": "10.0.0.1"})"))
          .empty());
  EXPECT_TRUE(s.validate(json::parse(R"({"t": 5, "u": [], "e": null, "i": {}})")).empty());
  auto errors =
      s.validate(json::parse(R"({"t": "2024-02-30T12:00:00Z", "u": "nope", "e": "a@", "i": "256.1.1.1"})"));
  for (const char* p : {"/t", "/u", "/e", "/i"})
    EXPECT_TRUE(has_error(errors, p, "format")) << p << dump(errors);
}

TEST(Validator, UnassertedFormatIsAWarningNotSilence) {
  auto s = must_compile(json::parse(R"({"properties": {"x": {"format": "iri"}}})"));
  ASSERT_EQ(s.warnings().size(), 1u);
  EXPECT_NE(s.warnings()[0].find("iri"), std::string::npos);
}

TEST(Validator, LookaheadPatternsWork) {
  auto s = must_compile(json{{"type", "string"}, {"pattern", "^(?!0{32}$)[0-9a-f]{32}$"}});
  EXPECT_TRUE(s.validate(json("4bf92f3577b34da6a3ce929d0e0e4736")).empty());
  EXPECT_TRUE(has_error(s.validate(json(std::string(32, '0'))), "", "pattern"));
}

TEST(Validator, UnsupportedKeywordsRejectedByDefault) {
  auto c = compiled_schema::compile(json::parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
      "properties": {"a": {"type": "object", "unevaluatedProperties": false}}})"));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, core::errc::invalid_argument);
  EXPECT_NE(c.error().message.find("unevaluatedProperties at /properties/a/unevaluatedProperties"),
            std::string::npos)
      << c.error().message;
}

TEST(Validator, UnsupportedKeywordsReportedWithEachResult) {
  compile_options o;
  o.on_unsupported = unsupported_policy::report;
  auto s = must_compile(
      json::parse(R"({"contains": {"type": "string"}, "minContains": 2, "dependentRequired": {}})"), o);
  ASSERT_EQ(s.unsupported_keywords().size(), 2u);  // draft-07 schema using 2019+ keywords
  EXPECT_EQ(s.unsupported_keywords()[0].pointer, "/dependentRequired");
  EXPECT_EQ(s.unsupported_keywords()[1].pointer, "/minContains");
  auto report = s.check(json::array({"a"}));
  EXPECT_TRUE(report.ok());
  EXPECT_FALSE(report.complete());
  EXPECT_EQ(report.unsupported->size(), 2u);
}

TEST(Validator, UnknownKeywordsAreAnnotations) {
  auto s =
      must_compile(json::parse(R"({"type": "string", "x-pii": true, "x-anything": {"$ref": "#/nowhere"}})"));
  EXPECT_TRUE(s.unsupported_keywords().empty());
  EXPECT_TRUE(s.validate(json("ok")).empty());
}

TEST(Validator, Draft2020Translations) {
  auto s = must_compile(json::parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
      "$defs": {"pos": {"$anchor": "pos", "type": "integer", "minimum": 0}},
      "prefixItems": [{"$ref": "#pos"}, {"type": "string"}], "items": false,
      "dependentRequired": {"a": ["b"]}})"));
  EXPECT_EQ(s.schema_dialect(), dialect::draft2020_12);
  EXPECT_TRUE(s.validate(json::parse(R"([1, "x"])")).empty());
  EXPECT_FALSE(s.validate(json::parse(R"([-1, "x"])")).empty());
  EXPECT_FALSE(s.validate(json::parse(R"([1, "x", 3])")).empty());
  EXPECT_FALSE(s.validate(json::parse(R"({"a": 1})")).empty());
  auto siblings = must_compile(json::parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
      "$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "maxLength": 2})"));
  EXPECT_TRUE(siblings.validate(json("ab")).empty());
  EXPECT_FALSE(siblings.validate(json("abc")).empty());
  EXPECT_FALSE(siblings.validate(json(1)).empty());
}

TEST(Validator, RecursiveSchemaThroughRef) {
  auto s = must_compile(json::parse(R"({"type": "object", "properties": {"children": {"type": "array",
      "items": {"$ref": "#"}}, "name": {"type": "string"}}, "required": ["name"]})"));
  EXPECT_TRUE(
      s.validate(json::parse(R"({"name": "a", "children": [{"name": "b", "children": []}]})")).empty());
  auto errors = s.validate(json::parse(R"({"name": "a", "children": [{"children": [{"name": 1}]}]})"));
  EXPECT_TRUE(has_error(errors, "/children/0", "required")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/children/0/children/0/name", "type")) << dump(errors);
}

TEST(Validator, RemoteRefsUseFetch) {
  compile_options o;
  o.fetch = [](const std::string& uri) -> std::optional<std::string> {
    if (uri == "https://example.test/money.json") return R"({"definitions": {"cents": {"type": "integer"}}})";
    return std::nullopt;
  };
  auto s = must_compile(json{{"$ref", "https://example.test/money.json#/definitions/cents"}}, o);
  EXPECT_TRUE(s.validate(json(5)).empty());
  EXPECT_FALSE(s.validate(json("5")).empty());
  auto missing = compiled_schema::compile(json{{"$ref", "https://example.test/other.json"}}, o);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("other.json"), std::string::npos);
}

TEST(Validator, BuiltInDraft7MetaSchema) {
  auto meta = must_compile(json{{"$ref", "http://json-schema.org/draft-07/schema#"}});
  EXPECT_TRUE(meta.validate(payment_schema).empty());
  EXPECT_FALSE(meta.validate(json::parse(R"({"type": 5})")).empty());
  EXPECT_FALSE(meta.validate(json::parse(R"({"minLength": -1})")).empty());
}

TEST(Validator, CompileErrorsAreClear) {
  struct bad_case {
    const char* schema;
    const char* expect;  // a fragment of the message
  };
  const bad_case cases[] = {
      {R"({"$ref": "#"})", "$ref loop"},
      {R"({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
           "properties": {"x": {"$ref": "#/definitions/a"}}})",
       "$ref loop"},
      {R"({"$ref": "#/definitions/missing"})", "unresolvable $ref"},
      {R"({"$ref": "other.json"})", "unresolvable $ref"},
      {R"({"$ref": "#unknown-anchor"})", "unknown anchor"},
      {R"({"pattern": "(unclosed"})", "invalid regular expression"},
      {R"({"patternProperties": {"[": {}}})", "invalid regular expression"},
      {R"({"type": "strin"})", "type at"},
      {R"({"multipleOf": 0})", "multipleOf"},
      {R"({"properties": {"a": 5}})", "must be an object or a boolean"},
      {R"({"$schema": "http://json-schema.org/draft-04/schema#"})", "unsupported $schema"},
      {R"({"required": "a"})", "invalid schema"},
      {R"({"minLength": -1})", "invalid schema"},
      {R"({"format": 5})", "format"},
      {R"(["not", "a", "schema"])", "object or a boolean"},
  };
  for (const auto& c : cases) {
    auto r = compiled_schema::compile(std::string_view(c.schema));
    ASSERT_FALSE(r.has_value()) << c.schema;
    EXPECT_EQ(r.error().code, core::errc::invalid_argument) << c.schema;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << c.schema << " -> " << r.error().message;
  }
}

TEST(Validator, RefChainsAreCollapsedNotLoops) {
  auto s = must_compile(
      json::parse(R"({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/c"},
      "c": {"type": "string"}}, "$ref": "#/definitions/a"})"));
  EXPECT_TRUE(s.validate(json("x")).empty());
  EXPECT_FALSE(s.validate(json(1)).empty());
}

TEST(Validator, BooleanSchemas) {
  EXPECT_TRUE(must_compile(json(true)).validate(json{{"any", 1}}).empty());
  EXPECT_FALSE(must_compile(json(false)).validate(json(1)).empty());
}

TEST(Validator, Concurrent) {
  auto s = must_compile(payment_schema);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (!s.validate(json{{"amount", i + 1}, {"currency", "EUR"}}).empty()) ++failures;
        if (s.validate(json{{"amount", 0}, {"currency", "eur"}}).size() != 2) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(SchemaCache, CompilesOncePerContentAndBindsNames) {
  schema_cache cache;
  const std::string text = payment_schema.dump();
  auto a = cache.get_or_compile(text);
  auto b = cache.get_or_compile(text);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(cache.size(), 1u);
  ASSERT_TRUE(cache.put("billing.payment.captured.v1", text));
  EXPECT_EQ(cache.size(), 1u);
  auto found = cache.find("billing.payment.captured.v1");
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->validate(json{{"amount", 1}, {"currency", "EUR"}}).empty());
  EXPECT_FALSE(cache.find("nope").has_value());
  EXPECT_FALSE(cache.get_or_compile("{not json").has_value());
  EXPECT_FALSE(cache.put("bad", R"({"$ref": "#"})").has_value());
  EXPECT_EQ(cache.size(), 1u);
}

TEST(Validator, ToErrorContract) {
  auto e = to_error({{"/payload/amount", "minimum", "Expected number greater than or equal to 1."},
                     {"/currency", "pattern", "x"}});
  EXPECT_EQ(e.code, core::errc::validation_failed);
  EXPECT_EQ(e.detail("field"), "/payload/amount");
  EXPECT_EQ(e.detail("rule"), "minimum");
  EXPECT_EQ(e.detail("violations"), "2");
  EXPECT_NE(e.message.find("/payload/amount"), std::string::npos);
}
