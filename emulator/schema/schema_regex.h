#pragma once
// A small backtracking matcher for the common subset of ECMAScript regular
// expressions used in JSON Schema `pattern`s, several times faster than
// libstdc++'s std::regex (which also allocates on every search). Internal to
// emulator/schema.
//
// Supported: literals, '.', classes [a-z0-9_-] and [^...], \d \w \s \D \W \S,
// escaped punctuation, \n \r \t \f \v, groups (...) and (?:...), alternation,
// greedy quantifiers * + ? {n} {n,} {n,m}, anchors ^ $ (no multiline), and
// lookaheads (?=...) (?!...). Matching is on bytes, as std::regex on a
// std::string is. Anything else (back-references, \b, lazy quantifiers,
// \u / \x / \p escapes, non-ASCII bytes in the pattern) makes compile()
// return nullopt, and the caller falls back to std::regex.
//
// Only the verdict of a search is computed (no captures), so the order in
// which alternatives are tried cannot change the result.
//
// Thread safety: a compiled fast_regex is immutable; search() may run
// concurrently. search() recurses once per group repetition and per atom of
// the pattern (not per character of a single-character atom's run).

#include <bitset>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace eventfabric::schema::detail {

class fast_regex {
 public:
  static std::optional<fast_regex> compile(std::string_view pattern);
  // ECMAScript RegExp.prototype.test semantics: a match anywhere in `s`.
  bool search(std::string_view s) const;

  struct node;
  using sequence = std::vector<node>;
  struct node {
    enum class kind { chars, group, bol, eol, lookahead, negative_lookahead };
    kind k = kind::chars;
    std::bitset<256> chars;              // kind::chars: the accepted bytes
    std::vector<sequence> alternatives;  // group and lookaheads
    int min = 1;
    int max = 1;  // -1: unbounded
  };

 private:
  std::shared_ptr<const sequence> root_;  // one group node holding the top-level alternatives
  bool anchored_ = false;                 // every alternative starts with '^'
};

}  // namespace eventfabric::schema::detail
