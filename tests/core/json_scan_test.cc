// The scanner's verdict is nlohmann::json::accept's, on a table of edge cases
// and on random and mutated text; the writer always produces valid JSON that
// parses back to what was written.
#include "emulator/core/json_scan.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/core/json_write.h"

namespace eventfabric::core {
namespace {

using json = nlohmann::json;

TEST(JsonScan, AgreesWithNlohmannOnEdgeCases) {
  const std::vector<std::string> texts = {
      "", " ", "{}", "[]", " {} ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "{\"a\":}",
      "[1 2]", "0", "-0", "01", "-", "1.", ".5", "1.5e", "1e+", "1E-7", "-12.5e+3", "1e400", "-1e400", "1e-400",
      "1e308", "1.7976931348623157e308", "1.8e308", std::string(310, '9'), "0." + std::string(400, '0') + "1e300",
      "true", "tru", "truex", "false", "null", "nul", "NaN", "Infinity", "\"abc\"", "\"a", "\"\\\"\"", "\"\\x\"",
      "\"\\u00e9\"", "\"\\u00G9\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83dx\"",
      "\"\\ud83d\\u0041\"", "\"tab\there\"", "\"nl\nhere\"", "\"\x7f\"", "\"\xC3\xA9\"", "\"\xC3\"", "\"\xC0\x80\"",
      "\"\xED\xA0\x80\"", "\"\xF0\x9F\x98\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xFF\"", "\xC3\xA9", "\xEF\xBB\xBF{}",
      "\xEF\xBB{}", std::string("{}\0x", 4), std::string("{}\0", 3), std::string("\0", 1), std::string("[\0]", 3),
      "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}", "[[[[[[]]]]]]", "[[[[[[]]]]]", "{}{}", "[] x", "\t\n\r []\r\n",
      "{\"a\":1}}", "[\"a\":1]", "{\"a\",1}", std::string(600, '[') + std::string(600, ']'),
      std::string(600, '[') + std::string(599, ']'),
  };
  for (const auto& t : texts) EXPECT_EQ(is_json(t), json::accept(t)) << '\'' << t.substr(0, 80) << '\'';
}

// Text from an alphabet of JSON's tokens and awkward bytes, so that both
// valid and malformed documents come up often.
rc::Gen<std::string> json_ish() {
  static const std::vector<std::string> pieces = {
      "{", "}", "[", "]", ",", ":", "\"", "\"k\"", "\"v\\n\"", "\\", "\\u", "d83d", "\\ude00", "00e9", "0", "1",
      "-", "+", ".", "e", "E", "9", "true", "false", "null", "tru", " ", "\n", "\t", "\xC3", "\xA9", "\xED\xA0\x80",
      "\xF0\x9F\x98\x80", "\xFF", std::string("\0", 1), "x", "1e999", "123456789012345678901234567890"};
  return rc::gen::map(rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, pieces.size())),
                      [](const std::vector<std::size_t>& picks) {
                        std::string s;
                        for (auto p : picks) s += pieces[p];
                        return s;
                      });
}

RC_GTEST_PROP(JsonScan, AgreesWithNlohmannOnRandomText, ()) {
  const auto text = *json_ish();
  RC_ASSERT(is_json(text) == json::accept(text));
}

// A valid document with one byte changed, inserted or removed.
RC_GTEST_PROP(JsonScan, AgreesWithNlohmannOnMutatedDocuments, ()) {
  const json doc = {{"id", *rc::gen::arbitrary<std::string>()},
                    {"n", *rc::gen::arbitrary<int64_t>()},
                    {"x", *rc::gen::inRange(-1000, 1000) / 7.0},
                    {"list", *rc::gen::arbitrary<std::vector<int>>()},
                    {"nested", {{"ok", *rc::gen::arbitrary<bool>()}, {"none", nullptr}}}};
  std::string text = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  RC_ASSERT(is_json(text));
  const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
  const char byte = *rc::gen::element<char>('{', '}', '[', ']', ',', ':', '"', '\\', '0', 'e', '-', ' ', '\x80', '\xC3');
  switch (*rc::gen::inRange(0, 3)) {
    case 0: text[at] = byte; break;
    case 1: text.insert(at, 1, byte); break;
    default: text.erase(at, 1);
  }
  RC_ASSERT(is_json(text) == json::accept(text));
}

// Strings are skipped many bytes at a time: an awkward byte at every
// position of a long run of plain ones must still stop the scan exactly.
RC_GTEST_PROP(JsonScan, AgreesWithNlohmannOnOneAwkwardByteInLongStrings, ()) {
  const auto len = *rc::gen::inRange<std::size_t>(0, 70);
  const auto at = *rc::gen::inRange<std::size_t>(0, len + 1);
  const std::string awkward = *rc::gen::element<std::string>("\"", "\\", "\\n", "\x01", "\x1F", "\x7F", "\x80",
                                                             "\xC3\xA9", "\xC3", "\xFF", "\xF0\x9F\x98\x80", "\t");
  std::string body(len, 'a');
  body.insert(at, awkward);
  const std::string text = "[\"" + body + "\"" + std::string(*rc::gen::inRange<std::size_t>(0, 20), ' ') + "]";
  RC_ASSERT(is_json(text) == json::accept(text));
  json_cursor c(text);
  std::string_view raw;
  bool escaped = false;
  RC_ASSERT(c.eat('['));
  if (c.string(raw, escaped)) RC_ASSERT(raw == std::string_view(text).substr(2, raw.size()));
}

TEST(JsonScan, CompactValueTellsWhitespaceBetweenTokens) {
  struct example {
    std::string text;
    bool compact;
  } const examples[] = {
      {R"({"a":[1,2],"b":"x y\n"})", true}, {R"(  {"a":1}  )", true}, {R"({"a": 1})", false},
      {R"({"a":1 })", false},               {"[1 ,2]", false},        {"[1,\n2]", false},
      {R"("  spaced  ")", true},            {"[ ]", false},           {"[]", true},
  };
  for (const auto& e : examples) {
    json_cursor c(e.text);
    std::string_view slice;
    bool compact = !e.compact;
    ASSERT_TRUE(c.compact_value(slice, compact)) << e.text;
    EXPECT_EQ(compact, e.compact) << e.text;
    EXPECT_EQ(slice.front(), e.text[e.text.find_first_not_of(' ')]) << e.text;
  }
}

// The same verdict as a byte loop that looks for whitespace outside strings.
RC_GTEST_PROP(JsonScan, CompactValueAgreesWithAByteLoop, ()) {
  const auto text = *json_ish();
  json_cursor c(text);
  std::string_view slice;
  bool compact = false;
  RC_PRE(c.compact_value(slice, compact));
  bool loop = true;
  for (std::size_t i = 0; i < slice.size(); ++i) {
    if (slice[i] == '"') {
      for (++i; i < slice.size() && slice[i] != '"'; ++i)
        if (slice[i] == '\\') ++i;
    } else if (slice[i] == ' ' || slice[i] == '\t' || slice[i] == '\r' || slice[i] == '\n') {
      loop = false;
    }
  }
  RC_ASSERT(compact == loop);
}

TEST(JsonScan, CursorSlicesValuesAndStrings) {
  json_cursor c(R"( {"k\"ey" : [1, {"a":"b"}] , "n": -2.5e3} )");
  std::string_view raw, slice;
  bool escaped = false;
  ASSERT_TRUE(c.eat('{'));
  ASSERT_TRUE(c.string(raw, escaped));
  EXPECT_EQ(raw, "k\\\"ey");
  EXPECT_TRUE(escaped);
  ASSERT_TRUE(c.eat(':'));
  ASSERT_TRUE(c.value(&slice));
  EXPECT_EQ(slice, R"([1, {"a":"b"}])");
  ASSERT_TRUE(c.eat(','));
  ASSERT_TRUE(c.string(raw, escaped));
  EXPECT_FALSE(escaped);
  ASSERT_TRUE(c.eat(':'));
  ASSERT_TRUE(c.value(&slice));
  EXPECT_EQ(slice, "-2.5e3");
  EXPECT_TRUE(c.eat('}'));
  EXPECT_TRUE(c.at_end());
  EXPECT_FALSE(c.unsure());
}

// space_runs() counts whitespace between tokens, never inside strings: a
// value over which it does not move is compact.
TEST(JsonScan, CursorCountsWhitespaceRunsBetweenTokensOnly) {
  json_cursor c(R"({"a b":[1,{"c":" d "}]}  [1 ,2]	{"e":
{}})");
  ASSERT_TRUE(c.value());
  EXPECT_EQ(c.space_runs(), 0u);
  ASSERT_TRUE(c.value());  // the run before it counts; ' ,' is inside it
  EXPECT_EQ(c.space_runs(), 2u);
  ASSERT_TRUE(c.value());
  EXPECT_EQ(c.space_runs(), 4u);
  EXPECT_TRUE(c.at_end());
  EXPECT_EQ(c.text().size(), c.position());
}

TEST(JsonWrite, StringsEscapeAndReplaceInvalidUtf8) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\x01\x7f\xC3\xA9\xFF\xC3", 12));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\x7f\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_TRUE(json::accept(out));
}

RC_GTEST_PROP(JsonWrite, AnyBytesMakeAValidString, (const std::string& s)) {
  std::string out;
  append_json_string(out, s);
  const auto j = json::parse(out, nullptr, false);
  RC_ASSERT(j.is_string());
  bool utf8 = true;
  try {
    (void)json(s).dump();
  } catch (const json::type_error&) {
    utf8 = false;
  }
  if (utf8) RC_ASSERT(j.get<std::string>() == s);
}

RC_GTEST_PROP(JsonWrite, ValuesSpliceJsonAndQuoteTheRest, ()) {
  const auto text = *rc::gen::oneOf(json_ish(), rc::gen::arbitrary<std::string>());
  std::string out;
  append_json_value(out, text);
  const auto j = json::parse(out, nullptr, false);
  RC_ASSERT(!j.is_discarded());
  const auto expected = json::parse(text, nullptr, false);
  if (expected.is_discarded())
    RC_ASSERT(j.is_string());
  else
    RC_ASSERT(j == expected);
}

TEST(JsonWrite, ValuesKeepTheirTextAndCompactingDropsOnlyOuterWhitespace) {
  std::string out;
  append_json_value(out, " {\"b\": 1, \"a\": \"x y\"}\n");
  EXPECT_EQ(out, "{\"b\": 1, \"a\": \"x y\"}");
  out.clear();
  append_json_value(out, "not json");
  EXPECT_EQ(out, "\"not json\"");
  out.clear();
  append_json_value(out, "\xEF\xBB\xBF[1]");
  EXPECT_EQ(out, "[1]");
  out.clear();
  append_compact_json(out, "{ \"a b\" : [ 1 , \"c\\\" d\" ] ,\n\t\"e\":{} }");
  EXPECT_EQ(out, "{\"a b\":[1,\"c\\\" d\"],\"e\":{}}");
}

TEST(JsonWrite, WriterPlacesCommas) {
  std::string out;
  json_writer w(out);
  w.begin_object().key("a").number(int64_t{-1}).key("b").begin_array().number(uint64_t{2}).boolean(true).null();
  w.begin_object().end_object().end_array().key("c\n").string("x").key("d").value("{\"e\": [1]}").end_object();
  EXPECT_EQ(out, R"({"a":-1,"b":[2,true,null,{}],"c\n":"x","d":{"e": [1]}})");
  EXPECT_EQ(json::parse(out)["d"]["e"][0], 1);
}


// The string scan skips eight plain bytes at a time: a special byte at any
// place of a word must still be seen.
TEST(JsonScan, SpecialBytesAnywhereInAWord) {
  for (std::size_t len = 0; len < 40; ++len)
    for (std::size_t at = 0; at < len; ++at)
      for (const char* special : {"\"", "\\", "\\n", "\\u00e9", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xc3", "\xff", " "}) {
        std::string text = "\"" + std::string(len, 'a') + "\"";
        text.insert(1 + at, special);
        EXPECT_EQ(is_json(text), json::accept(text)) << text;
        std::string_view raw;
        bool escaped = false;
        json_cursor c(text);
        if (c.string(raw, escaped) && c.at_end()) {
          EXPECT_EQ(escaped, std::string_view(special).starts_with("\\")) << text;
        }
      }
}

}  // namespace
}  // namespace eventfabric::core
