#pragma once
// Small text helpers shared by the layers above the core (URIs in schema
// `$ref`s, HTTP request targets, JSON pointers in error messages). Pure
// functions.

#include <string>
#include <string_view>

namespace eventfabric::core {

// Decodes %XX escapes (malformed escapes are kept verbatim) and, when
// `plus_is_space` (HTML-form query strings), '+' as a space.
std::string percent_decode(std::string_view s, bool plus_is_space = false);

// Escapes one JSON-pointer reference token (RFC 6901: '~' -> "~0", '/' -> "~1").
std::string escape_pointer_token(std::string_view token);

// Reverses escape_pointer_token ("~1" -> '/', "~0" -> '~').
std::string unescape_pointer_token(std::string_view token);

}  // namespace eventfabric::core
