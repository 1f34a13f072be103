// fast_regex (emulator/schema/schema_regex.h) must give std::regex's verdict
// (ECMAScript, regex_search) for every pattern it accepts. Differential test
// over the patterns of contracts/, of the JSON-Schema-Test-Suite and a
// hand-written list, against the suite's strings and seeded random strings.
#include "emulator/schema/schema_regex.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>

namespace fs = std::filesystem;
using eventfabric::schema::detail::fast_regex;
using nlohmann::json;

namespace {

void collect(const json& j, std::set<std::string>& patterns, std::set<std::string>& strings) {
  if (j.is_string()) {
    if (j.get_ref<const std::string&>().size() <= 40) strings.insert(j.get<std::string>());
  } else if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key.size() <= 40) strings.insert(key);
      if (key == "pattern" && value.is_string()) patterns.insert(value.get<std::string>());
      if (key == "patternProperties" && value.is_object())
        for (const auto& [p, unused] : value.items()) patterns.insert(p);
      collect(value, patterns, strings);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) collect(v, patterns, strings);
  }
}

void collect_dir(const fs::path& dir, std::set<std::string>& patterns, std::set<std::string>& strings) {
  if (!fs::exists(dir)) return;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    json j = json::parse(in, nullptr, false);
    if (!j.is_discarded()) collect(j, patterns, strings);
  }
}

}  // namespace

TEST(FastRegex, AgreesWithStdRegex) {
  std::set<std::string> patterns = {"^[a-z]+$",
                                    "a|b|",
                                    "^(?!0{32}$)[0-9a-f]{32}$",
                                    "^(a|ab)(c|bcd)(d*)$",
                                    "(a?)*b",
                                    "^(a|)*$",
                                    "x{2,3}y?",
                                    "^\\d{3}-\\d{2}$",
                                    "[^a-c\\s]+",
                                    "\\w+@\\w+\\.com",
                                    "^\\+[1-9][0-9]{6,14}$",
                                    "(?=.*[A-Z])(?=.*\\d).{8,}",
                                    "^$",
                                    "",
                                    ".",
                                    "^.$",
                                    "a.c",
                                    "[.]",
                                    "\\.",
                                    "[-a]",
                                    "[a-]",
                                    "[\\]]",
                                    "[\\d-]",
                                    "^(?:ab)+$",
                                    "(ab|a)(bc|c)?$",
                                    "^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+\\.v[1-9][0-9]{0,8}$",
                                    "((a)|b)+",
                                    "^(a{2})*$",
                                    "(?!a)\\w",
                                    "\\S\\D\\W",
                                    "[\\s\\S]",
                                    "^a{0}$",
                                    "^a{1,}$",
                                    "x*",
                                    "\\/",
                                    "^[A-Z]{3}$",
                                    "b+$"};
  std::set<std::string> strings = {"",
                                   "a",
                                   "ab",
                                   "abc",
                                   "abcd",
                                   "A1",
                                   "0123",
                                   "aaaa",
                                   "\n",
                                   "a\nb",
                                   "a\rb",
                                   "x.y.v1",
                                   "4bf92f3577b34da6a3ce929d0e0e4736",
                                   std::string(32, '0'),
                                   "Passw0rdX",
                                   "+441234567890",
                                   "b",
                                   "ba",
                                   "aab",
                                   "a@b.com",
                                   "123-45",
                                   "é",
                                   "\xff",
                                   "a]"};
  collect_dir(fs::path(EF_SOURCE_DIR) / "contracts", patterns, strings);
  collect_dir(fs::path(EF_SHARED_DIR) / "conformance" / "json-schema-test-suite", patterns, strings);
  std::mt19937_64 rng(42);
  const std::string alphabet = "aAbB0159_-.:/ \n\r+@{}[]()x\xc3\xa9";
  for (int i = 0; i < 400; ++i) {
    std::string s;
    const std::size_t len = rng() % 14;
    for (std::size_t k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
    strings.insert(s);
  }
  int fast = 0, fallback = 0, invalid = 0;
  for (const auto& p : patterns) {
    std::regex std_re;
    try {
      std_re = std::regex(p, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      ++invalid;
      continue;
    }
    auto re = fast_regex::compile(p);
    if (!re) {
      ++fallback;
      continue;
    }
    ++fast;
    for (const auto& s : strings)
      ASSERT_EQ(re->search(s), std::regex_search(s, std_re)) << "pattern /" << p << "/ on \"" << s << "\"";
  }
  std::printf("fast_regex: %d patterns compared on %zu strings, %d left to std::regex, %d invalid\n", fast,
              strings.size(), fallback, invalid);
  EXPECT_GT(fast, 40);
}

TEST(FastRegex, RejectsWhatItDoesNotImplement) {
  for (const char* p : {"\\bword\\b", "(a)\\1", "a+?", "\\u0041", "\\x41", "\\p{L}", "(?<n>a)", "(?<=a)b",
                        "[[:alpha:]]", "caf\xc3\xa9", "a{2000}", "[]", "[^]", "[\\b]"})
    EXPECT_FALSE(fast_regex::compile(p).has_value()) << p;
}

TEST(FastRegex, LongInputsWithoutDeepRecursion) {
  auto re = fast_regex::compile("^[a-z]+$");
  ASSERT_TRUE(re);
  EXPECT_TRUE(re->search(std::string(1'000'000, 'a')));  // one loop, not one frame per character
  EXPECT_FALSE(re->search(std::string(1'000'000, 'a') + "1"));
}
