#pragma once
// One partition of a topic: an append-only sequence of records with
// contiguous offsets from 0. Retention advances the log-start offset;
// compaction removes superseded records by key, leaving offset gaps (as in
// Kafka). Not thread-safe; owned by `topics`.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
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

class partition_log {
 public:
  // Offset of the first record still present (or of the next one when empty).
  int64_t log_start() const noexcept { return log_start_; }
  // Offset the next appended record will get.
  int64_t high_watermark() const noexcept { return next_offset_; }
  std::size_t size() const noexcept { return records_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }
  // The most recently appended record; requires size() > 0.
  const record& last() const noexcept { return records_.back(); }

  // Assigns the next offset; returns it.
  int64_t append(record r);
  // Re-inserts a record read back from storage (offsets ascending).
  void restore(record r);
  // Sets the log start and high watermark after restore (retention may have
  // removed every record).
  void restore_bounds(int64_t log_start, int64_t high_watermark);

  // Records with offset >= `from`, within `limits`. `from` must be in
  // [log_start, high_watermark]; otherwise offset_out_of_range.
  result<std::vector<record>> fetch(int64_t from, const fetch_limits& limits) const;
  // Calls `fn(const record&)` for the same records fetch() would return,
  // without copying; returns the count visited.
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
  std::size_t index_of(int64_t offset) const;  // first record with offset >= `offset`
  std::deque<record> records_;
  int64_t log_start_ = 0;
  int64_t next_offset_ = 0;
  std::size_t bytes_ = 0;
  bool has_gaps_ = false;  // true after compaction: offsets no longer dense
};

template <class Fn>
result<std::size_t> partition_log::visit(int64_t from, const fetch_limits& limits, Fn&& fn) const {
  if (from < log_start_ || from > next_offset_)
    return fail(errc::offset_out_of_range,
                "offset " + std::to_string(from) + " is outside [" + std::to_string(log_start_) + ", " +
                    std::to_string(next_offset_) + "]");
  std::size_t count = 0, bytes = 0;
  for (std::size_t i = index_of(from); i < records_.size() && count < limits.max_records; ++i) {
    const record& r = records_[i];
    const std::size_t sz = r.size_bytes();
    if (count > 0 && bytes + sz > limits.max_bytes) break;
    bytes += sz;
    ++count;
    fn(r);
  }
  return count;
}

}  // namespace eventfabric::core
