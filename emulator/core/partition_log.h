#pragma once
// One partition of a topic: an append-only sequence of records with
// contiguous offsets from 0. Retention advances the log-start offset;
// compaction removes superseded records by key, leaving offset gaps (as in
// Kafka). Not thread-safe; owned by `topics`.
//
// Storage is segmented, as in Kafka: records are packed into segments of up
// to kSegmentBytes of key/value/header bytes (or kSegmentRecords records),
// and retention frees whole segments. Appending copies a record's bytes into
// the open segment, so the log never holds one heap block per record; this
// keeps the allocator out of the produce path (see bench/core_bench.cc).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/core/record.h"

namespace eventfabric::core {

struct fetch_limits {
  std::size_t max_records = 500;
  // Byte budget; the first record is always returned even when larger, so a
  // consumer can never be stuck behind a big record (Kafka's rule).
  std::size_t max_bytes = 1 << 20;
};

// A record inside the log, without copying. Views stay valid until the log
// is next modified.
struct record_view {
  int64_t offset = -1;
  int64_t timestamp_ms = 0;
  std::optional<std::string_view> key;
  std::string_view value;
  std::size_t header_count = 0;
  std::string_view header_key(std::size_t i) const noexcept { return headers_[2 * i]; }
  std::string_view header_value(std::size_t i) const noexcept { return headers_[2 * i + 1]; }
  std::size_t size_bytes() const noexcept;
  record to_record() const;

 private:
  friend class partition_log;
  const std::string_view* headers_ = nullptr;  // key, value pairs
};

class partition_log {
 public:
  static constexpr std::size_t kSegmentBytes = 1 << 20;
  static constexpr std::size_t kSegmentRecords = 4096;

  // Offset of the first record still present (or of the next one when empty).
  int64_t log_start() const noexcept { return log_start_; }
  // Offset the next appended record will get.
  int64_t high_watermark() const noexcept { return next_offset_; }
  std::size_t size() const noexcept { return count_; }
  std::size_t bytes() const noexcept { return bytes_; }
  // Bytes held by segments, including records already removed from segments
  // that are still partly live (at most one segment's worth per partition).
  std::size_t resident_bytes() const noexcept;

  // Copies `r` in at the next offset (r.offset is ignored); returns the offset.
  int64_t append(const record& r);
  // Re-inserts a record read back from storage (offsets ascending).
  void restore(const record& r);
  // Sets the log start and high watermark after restore (retention may have
  // removed every record).
  void restore_bounds(int64_t log_start, int64_t high_watermark);

  // Records with offset >= `from`, within `limits`. `from` must be in
  // [log_start, high_watermark]; otherwise offset_out_of_range.
  result<std::vector<record>> fetch(int64_t from, const fetch_limits& limits) const;
  // Calls `fn(const record_view&)` for the same records fetch() would
  // return, without copying; returns the count visited.
  template <class Fn>
  result<std::size_t> visit(int64_t from, const fetch_limits& limits, Fn&& fn) const;

  // Drops records with offset < before; returns the new log start.
  int64_t truncate_before(int64_t before);
  // The smallest offset to keep so that at most `max_records` remain and no
  // record is older than `now_ms - max_age_ms` (-1 disables a limit).
  int64_t retention_point(int64_t max_records, int64_t max_age_ms, int64_t now_ms) const;
  // Removes every record that has a later record with the same key (records
  // without a key are kept). Returns removed offsets, ascending.
  std::vector<int64_t> compact();

 private:
  struct entry {
    int64_t offset;
    int64_t timestamp_ms;
    uint32_t key_at, key_len;  // key_len == kNoKey: null key
    uint32_t value_at, value_len;
    uint32_t headers_at, header_count;  // index into segment::headers (pairs)
  };
  static constexpr uint32_t kNoKey = 0xffffffffu;
  struct segment {
    std::vector<entry> entries;
    std::size_t first = 0;  // entries before `first` were removed by retention
    std::string bytes;      // keys, values and header strings
    std::vector<uint32_t> headers;  // (at, len) of key then value, per header
    std::size_t live() const noexcept { return entries.size() - first; }
  };
  struct position {
    std::size_t seg, idx;
  };

  void push(const record& r, int64_t offset);
  segment& open_segment(std::size_t need);
  std::string_view slice(const segment& s, uint32_t at, uint32_t len) const noexcept {
    return std::string_view(s.bytes).substr(at, len);
  }
  std::size_t entry_bytes(const segment& s, const entry& e) const noexcept;
  // The first live record with offset >= `offset` (end position when none).
  position find(int64_t offset) const;
  // The n-th live record (0-based), n < size().
  position nth(std::size_t n) const;
  const entry& at(position p) const noexcept { return segments_[p.seg].entries[p.idx]; }
  void advance(position& p) const noexcept;
  bool at_end(position p) const noexcept { return p.seg >= segments_.size(); }
  template <class Fn>
  void with_view(position p, Fn&& fn) const;

  std::deque<segment> segments_;
  // The last segment retention freed, kept for reuse: a busy partition then
  // cycles between warm buffers instead of mapping fresh pages (glibc serves
  // 1 MiB blocks with mmap, so every new segment would page-fault 256 times).
  std::optional<segment> spare_;
  int64_t log_start_ = 0;
  int64_t next_offset_ = 0;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
};

template <class Fn>
void partition_log::with_view(position p, Fn&& fn) const {
  const segment& s = segments_[p.seg];
  const entry& e = s.entries[p.idx];
  std::string_view hs[16];
  std::vector<std::string_view> many;
  std::string_view* h = hs;
  if (e.header_count > 8) {
    many.resize(2 * e.header_count);
    h = many.data();
  }
  for (uint32_t i = 0; i < 2 * e.header_count; ++i)
    h[i] = slice(s, s.headers[2 * (e.headers_at + i)], s.headers[2 * (e.headers_at + i) + 1]);
  record_view v;
  v.offset = e.offset;
  v.timestamp_ms = e.timestamp_ms;
  if (e.key_len != kNoKey) v.key = slice(s, e.key_at, e.key_len);
  v.value = slice(s, e.value_at, e.value_len);
  v.header_count = e.header_count;
  v.headers_ = h;
  fn(static_cast<const record_view&>(v));
}

template <class Fn>
result<std::size_t> partition_log::visit(int64_t from, const fetch_limits& limits, Fn&& fn) const {
  if (from < log_start_ || from > next_offset_)
    return fail(errc::offset_out_of_range,
                "offset " + std::to_string(from) + " is outside [" + std::to_string(log_start_) + ", " +
                    std::to_string(next_offset_) + "]");
  std::size_t count = 0, bytes = 0;
  for (position p = find(from); !at_end(p) && count < limits.max_records; advance(p)) {
    const std::size_t sz = entry_bytes(segments_[p.seg], at(p));
    if (count > 0 && bytes + sz > limits.max_bytes) break;
    bytes += sz;
    ++count;
    with_view(p, fn);
  }
  return count;
}

}  // namespace eventfabric::core
