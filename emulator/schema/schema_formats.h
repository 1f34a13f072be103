#pragma once
// The `format` values the validator asserts (draft-07). Other format values
// are annotations only; compile() reports them as warnings, never silently.
// Pure functions; internal to emulator/schema.

#include <string_view>

namespace eventfabric::schema::detail {

// True for: date-time, date, time, email, idn-email, hostname, ipv4, ipv6,
// uri, uri-reference, uuid, json-pointer, relative-json-pointer.
bool is_asserted_format(std::string_view format) noexcept;

// True when `value` conforms to `format` (an asserted format); true for any
// other format. date-time uses core::is_rfc3339, uuid core::is_uuid, so the
// envelope schema and the hand-written envelope rules agree by construction.
bool check_format(std::string_view format, std::string_view value) noexcept;

}  // namespace eventfabric::schema::detail
