#pragma once
// Internal: the byte format of the store's journal (see journaled_store.h).
// Pure encoding and decoding, no I/O.
//
// The journal is a sequence of frames, one per successful commit():
//   u32 magic "EFJ1", u32 payload length, u32 CRC-32 (zlib) of the payload,
//   payload.
// A payload is the commit's writes in call order, each an opcode byte and its
// fields (u32-length-prefixed strings, little-endian integers as written by
// the host):
//   append        topic, i32 partition, u32 blob length, records packed as in
//                 sqlite_batches.h
//   erase_records topic, i32 partition, u32 n, n x i64 offset
//   truncate      topic, i32 partition, i64 before
//   drop_records  topic
//   put           space, key, value
//   erase         space, key
//   erase_prefix  space, prefix

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "emulator/core/record.h"
#include "emulator/core/storage.h"

namespace eventfabric::store::journal {

inline constexpr uint32_t kMagic = 0x314A4645;  // "EFJ1" read as little-endian bytes
inline constexpr std::size_t kHeaderSize = 12;

// Builds one frame: the writes of one commit, in call order.
class frame_builder {
 public:
  frame_builder() { clear(); }
  void clear();
  bool empty() const { return buf_.size() == kHeaderSize; }

  void append(std::string_view topic, int32_t partition, std::span<const core::record> records);
  void erase_records(std::string_view topic, int32_t partition, std::span<const int64_t> offsets);
  void truncate(std::string_view topic, int32_t partition, int64_t before);
  void drop_records(std::string_view topic);
  void put(std::string_view space, std::string_view key, std::string_view value);
  void erase(std::string_view space, std::string_view key);
  void erase_prefix(std::string_view space, std::string_view prefix);

  // Fills in the header and returns the whole frame (valid until the next call).
  std::string_view seal();

 private:
  std::string buf_;
};

// Stages the writes of one payload into `to`, in order; false (having staged
// a prefix of them) when the payload is malformed.
bool apply_payload(std::string_view payload, core::storage& to);

struct scan_result {
  std::size_t frames = 0;       // whole, checksummed frames read
  std::size_t valid_bytes = 0;  // where they end
  bool rejected = false;        // fn returned false for the frame at valid_bytes
};
// Calls fn(payload) for each whole frame with a good checksum from the start
// of `data`, stopping at the first that is not (a torn or damaged tail) or
// when fn returns false (then `rejected`).
scan_result scan_frames(std::string_view data, const std::function<bool(std::string_view)>& fn);

}  // namespace eventfabric::store::journal
