#pragma once
// URI helpers for JSON Schema `$id` / `$ref` resolution (RFC 3986 section 5).
// Internal to emulator/schema; pure functions, no I/O.

#include <string>
#include <string_view>
#include <utility>

#include "emulator/core/text.h"

namespace eventfabric::schema::detail {

// Resolves `ref` against `base` (RFC 3986 section 5.2.2, with dot-segment removal).
// An empty base leaves `ref` as it is (a relative reference stays relative).
std::string resolve_uri(std::string_view base, std::string_view ref);

// Splits "a#b" into {"a", "b"}; without '#', the fragment is empty.
std::pair<std::string, std::string> split_fragment(std::string_view uri);

// Decodes %XX escapes; malformed escapes are kept verbatim.
using core::percent_decode;

// JSON-pointer token escaping (RFC 6901).
using core::escape_pointer_token;
using core::unescape_pointer_token;

}  // namespace eventfabric::schema::detail
