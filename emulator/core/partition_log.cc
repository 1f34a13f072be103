#include "emulator/core/partition_log.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace eventfabric::core {

int64_t partition_log::append(record r) {
  r.offset = next_offset_++;
  bytes_ += r.size_bytes();
  records_.push_back(std::move(r));
  return next_offset_ - 1;
}

void partition_log::restore(record r) {
  if (!records_.empty() && r.offset != records_.back().offset + 1) has_gaps_ = true;
  if (records_.empty()) log_start_ = r.offset;
  next_offset_ = r.offset + 1;
  bytes_ += r.size_bytes();
  records_.push_back(std::move(r));
}

void partition_log::restore_bounds(int64_t log_start, int64_t high_watermark) {
  next_offset_ = std::max(next_offset_, high_watermark);
  if (records_.empty()) {
    log_start_ = std::max(log_start, int64_t{0});
    next_offset_ = std::max(next_offset_, log_start_);
  } else {
    // Compaction may have removed the first records: the start stays where it was.
    log_start_ = std::min(records_.front().offset, std::max(log_start, int64_t{0}));
    if (records_.front().offset != log_start_) has_gaps_ = true;
  }
}

std::size_t partition_log::index_of(int64_t offset) const {
  if (records_.empty()) return 0;
  if (!has_gaps_) {
    const int64_t first = records_.front().offset;
    return offset <= first ? 0 : static_cast<std::size_t>(offset - first);
  }
  auto it = std::lower_bound(records_.begin(), records_.end(), offset,
                             [](const record& r, int64_t o) { return r.offset < o; });
  return static_cast<std::size_t>(it - records_.begin());
}

result<std::vector<record>> partition_log::fetch(int64_t from, const fetch_limits& limits) const {
  std::vector<record> out;
  auto n = visit(from, limits, [&](const record& r) { out.push_back(r); });
  if (!n) return std::unexpected(n.error());
  return out;
}

int64_t partition_log::truncate_before(int64_t before) {
  before = std::min(before, next_offset_);
  while (!records_.empty() && records_.front().offset < before) {
    bytes_ -= records_.front().size_bytes();
    records_.pop_front();
  }
  log_start_ = std::max(log_start_, before);
  return log_start_;
}

int64_t partition_log::retention_point(int64_t max_records, int64_t max_age_ms, int64_t now_ms) const {
  int64_t keep_from = log_start_;
  if (max_records >= 0 && records_.size() > static_cast<std::size_t>(max_records)) {
    const std::size_t drop = records_.size() - static_cast<std::size_t>(max_records);
    keep_from = drop < records_.size() ? records_[drop].offset : next_offset_;
  }
  if (max_age_ms >= 0) {
    const int64_t cutoff = now_ms - max_age_ms;
    for (std::size_t i = index_of(keep_from); i < records_.size(); ++i) {
      if (records_[i].timestamp_ms >= cutoff) break;
      keep_from = i + 1 < records_.size() ? records_[i + 1].offset : next_offset_;
    }
  }
  return keep_from;
}

std::vector<int64_t> partition_log::compact() {
  std::unordered_map<std::string, int64_t> latest;
  for (const auto& r : records_)
    if (r.key) latest[*r.key] = r.offset;
  std::vector<int64_t> removed;
  std::deque<record> kept;
  for (auto& r : records_) {
    if (r.key && latest[*r.key] != r.offset) {
      removed.push_back(r.offset);
      bytes_ -= r.size_bytes();
    } else {
      kept.push_back(std::move(r));
    }
  }
  if (!removed.empty()) {
    records_ = std::move(kept);
    has_gaps_ = true;
  }
  return removed;
}

}  // namespace eventfabric::core
