#pragma once
// The fast path of a REST-proxy produce body, {"records":[{"value":..,
// "key":..,"partition":..,"headers":{..}}, ...]}: one pass of
// core::json_cursor over the body slices each record's value out of it (so
// no DOM is built and no value is serialized again) and checks envelopes on
// the scanned fields. It answers only when everything is ordinary and valid;
// on anything else (malformed or unusual JSON, an escape in a key, a bad
// envelope, a bad field) it returns nothing and the handler takes the DOM
// path, which gives the exact error. So both paths accept and reject the
// same bodies with the same errors.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/topics.h"

namespace eventfabric::server {

struct scanned_produce {
  std::vector<core::produce_record> records;
  std::string first_id;  // the first record's envelope id (the fault schedule's key)
};

std::optional<scanned_produce> scan_produce_body(std::string_view body, std::optional<int32_t> partition);

}  // namespace eventfabric::server
