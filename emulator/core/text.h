#pragma once
// Small text helpers shared by the layers above the core (URIs in schema
// `$ref`s, HTTP request targets and URLs, JSON pointers in error messages).
// Pure functions.

#include <string>
#include <string_view>

#include "emulator/core/error.h"

namespace eventfabric::core {

// Decodes %XX escapes (malformed escapes are kept verbatim) and, when
// `plus_is_space` (HTML-form query strings), '+' as a space.
std::string percent_decode(std::string_view s, bool plus_is_space = false);

// Escapes one JSON-pointer reference token (RFC 6901: '~' -> "~0", '/' -> "~1").
std::string escape_pointer_token(std::string_view token);

// Reverses escape_pointer_token ("~1" -> '/', "~0" -> '~').
std::string unescape_pointer_token(std::string_view token);

// ASCII case-insensitive equality (HTTP header names, option values).
bool iequals(std::string_view a, std::string_view b) noexcept;

// The pieces of an http:// URL, as a client connects to it.
struct http_url {
  std::string host;
  std::string port = "80";
  std::string target = "/";  // path and query, "/" at least
};
// Errors (invalid_argument) quote the URL: a scheme other than http:// (https
// is not supported), no host, or a port outside 1..65535.
result<http_url> parse_http_url(std::string_view url);

}  // namespace eventfabric::core
