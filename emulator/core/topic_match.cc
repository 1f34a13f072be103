#include "emulator/core/topic_match.h"

#include <cstddef>

namespace eventfabric::core {

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  if (s.empty()) return words;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) {
      words.push_back(s.substr(start));
      return words;
    }
    words.push_back(s.substr(start, dot - start));
    start = dot + 1;
  }
}

bool topic_matches(std::string_view pattern, std::string_view routing_key) {
  const auto pat = split_words(pattern);
  const auto key = split_words(routing_key);
  // can[j]: the pattern words consumed so far can match the first j key words.
  std::vector<char> can(key.size() + 1, 0), next(key.size() + 1, 0);
  can[0] = 1;
  for (const std::string_view word : pat) {
    if (word == "#") {
      // '#' extends any reachable prefix by zero or more words.
      char reach = 0;
      for (std::size_t j = 0; j <= key.size(); ++j) next[j] = reach = static_cast<char>(reach | can[j]);
    } else {
      next[0] = 0;
      for (std::size_t j = 1; j <= key.size(); ++j)
        next[j] = static_cast<char>(can[j - 1] && (word == "*" || word == key[j - 1]));
    }
    can.swap(next);
  }
  return can[key.size()] != 0;
}

}  // namespace eventfabric::core
