#pragma once
// Internal: how the SQLite store packs a partition's records into one row.
// Since schema v2 a row (v3: of `segments`) holds every record a commit
// appended to one partition (base_offset..last_offset), so a group commit of
// N requests writes one row per partition instead of N x batch rows.
//
// Blob layout, per record, little-endian as written by the host:
//   i64 offset, i64 timestamp, u8 has_key, [u32 len, key], u32 len, value,
//   u32 header count, then per header u32 len, key, u32 len, value.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "emulator/core/record.h"

namespace eventfabric::store::sqlite {

// Appends `r` to `blob`.
void encode_record(const core::record& r, std::string& blob);

// Calls `fn` for each record of `blob`, in order; false when the blob is
// corrupt (truncated or with lengths past its end).
bool decode_batch(std::string_view blob, const std::function<void(core::record&&)>& fn);

}  // namespace eventfabric::store::sqlite
