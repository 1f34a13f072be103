#include "emulator/core/topic_match.h"

#include <string>

#include <gtest/gtest.h>

namespace eventfabric::core {
namespace {

TEST(TopicMatchSplit, SplitsOnDotsKeepingEmptyWords) {
  EXPECT_TRUE(split_words("").empty());
  EXPECT_EQ(split_words("a"), (std::vector<std::string_view>{"a"}));
  EXPECT_EQ(split_words("a.b.c"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(split_words("a."), (std::vector<std::string_view>{"a", ""}));
  EXPECT_EQ(split_words(".a"), (std::vector<std::string_view>{"", "a"}));
  EXPECT_EQ(split_words("a..b"), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(split_words("."), (std::vector<std::string_view>{"", ""}));
}

TEST(TopicMatch, LiteralWordsMatchExactly) {
  EXPECT_TRUE(topic_matches("notify.email.high", "notify.email.high"));
  EXPECT_FALSE(topic_matches("notify.email.high", "notify.email.low"));
  EXPECT_FALSE(topic_matches("notify.email", "notify.email.high"));
  EXPECT_FALSE(topic_matches("notify.email.high", "notify.email"));
  EXPECT_FALSE(topic_matches("Notify", "notify"));  // case-sensitive
}

TEST(TopicMatch, StarMatchesExactlyOneWord) {
  EXPECT_TRUE(topic_matches("a.*", "a.b"));
  EXPECT_TRUE(topic_matches("*.b", "a.b"));
  EXPECT_TRUE(topic_matches("*.*", "a.b"));
  EXPECT_FALSE(topic_matches("a.*", "a"));
  EXPECT_FALSE(topic_matches("a.*", "a.b.c"));
  EXPECT_FALSE(topic_matches("*", ""));
  EXPECT_TRUE(topic_matches("*", "anything"));
  EXPECT_TRUE(topic_matches("a.*.c", "a..c"));  // an empty word is still a word
}

TEST(TopicMatch, HashMatchesZeroOrMoreWords) {
  EXPECT_TRUE(topic_matches("#", ""));
  EXPECT_TRUE(topic_matches("#", "a"));
  EXPECT_TRUE(topic_matches("#", "a.b.c"));
  EXPECT_TRUE(topic_matches("a.#", "a"));
  EXPECT_TRUE(topic_matches("a.#", "a.b"));
  EXPECT_TRUE(topic_matches("a.#", "a.b.c"));
  EXPECT_FALSE(topic_matches("a.#", "b.a"));
  EXPECT_TRUE(topic_matches("#.c", "c"));
  EXPECT_TRUE(topic_matches("#.c", "a.b.c"));
  EXPECT_FALSE(topic_matches("#.c", "c.d"));
  EXPECT_TRUE(topic_matches("a.#.c", "a.c"));
  EXPECT_TRUE(topic_matches("a.#.c", "a.x.y.c"));
  EXPECT_FALSE(topic_matches("a.#.c", "a.x.y"));
}

TEST(TopicMatch, CombinedWildcards) {
  EXPECT_TRUE(topic_matches("*.#", "a"));
  EXPECT_FALSE(topic_matches("*.#", ""));
  EXPECT_TRUE(topic_matches("#.*", "a.b"));
  EXPECT_TRUE(topic_matches("#.#", ""));
  EXPECT_TRUE(topic_matches("*.#.*", "a.b"));
  EXPECT_FALSE(topic_matches("*.#.*", "a"));
  EXPECT_TRUE(topic_matches("a.#.b.#.c", "a.b.c"));
  EXPECT_TRUE(topic_matches("a.#.b.#.c", "a.x.b.y.z.c"));
  EXPECT_FALSE(topic_matches("a.#.b.#.c", "a.x.y.z.c"));
  EXPECT_TRUE(topic_matches("#.error.#", "svc.error"));
  EXPECT_TRUE(topic_matches("#.error.#", "error.svc.x"));
}

TEST(TopicMatch, WildcardsInsideAWordAreLiteral) {
  EXPECT_FALSE(topic_matches("a*", "ab"));
  EXPECT_TRUE(topic_matches("a*", "a*"));
  EXPECT_FALSE(topic_matches("a#", "a"));
  EXPECT_FALSE(topic_matches("a.b#", "a.b.c"));
}

TEST(TopicMatch, EmptyPatternMatchesOnlyEmptyKey) {
  EXPECT_TRUE(topic_matches("", ""));
  EXPECT_FALSE(topic_matches("", "a"));
  EXPECT_FALSE(topic_matches("a", ""));
}

TEST(TopicMatch, LongKeysAndManyHashesAreFine) {
  std::string key = "w";
  for (int i = 0; i < 5000; ++i) key += ".w";
  std::string pattern = "#";
  for (int i = 0; i < 200; ++i) pattern += ".#";
  EXPECT_TRUE(topic_matches(pattern, key));
  EXPECT_TRUE(topic_matches("w.#.w", key));
  EXPECT_FALSE(topic_matches(pattern + ".x", key));
}

}  // namespace
}  // namespace eventfabric::core
