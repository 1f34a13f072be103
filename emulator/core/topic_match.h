#pragma once
// AMQP topic-exchange pattern matching, as RabbitMQ does it. A routing key and
// a binding pattern are lists of words separated by '.'; the empty string is
// zero words and empty words are allowed ("a..b" is three words). In a
// pattern, the word "*" matches exactly one word and "#" matches zero or more
// words; every other word matches itself only ("a*" is a literal word).

#include <string_view>
#include <vector>

namespace eventfabric::core {

// Splits on '.': "" -> {}, "a" -> {"a"}, "a." -> {"a", ""}. Views into `s`.
std::vector<std::string_view> split_words(std::string_view s);

// True when `routing_key` matches the binding `pattern`. O(words(pattern) *
// words(routing_key)) time; never recursive, so long keys are safe.
bool topic_matches(std::string_view pattern, std::string_view routing_key);

}  // namespace eventfabric::core
