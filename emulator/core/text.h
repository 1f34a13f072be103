#pragma once
// Small text helpers shared by the layers above the core (URIs in schema
// `$ref`s, HTTP request targets). Pure functions.

#include <string>
#include <string_view>

namespace eventfabric::core {

// Decodes %XX escapes (malformed escapes are kept verbatim) and, when
// `plus_is_space` (HTML-form query strings), '+' as a space.
std::string percent_decode(std::string_view s, bool plus_is_space = false);

}  // namespace eventfabric::core
