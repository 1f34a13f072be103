#include "emulator/core/partition_log.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace eventfabric::core {

std::size_t record_view::size_bytes() const noexcept {
  std::size_t n = 24 + value.size() + (key ? key->size() : 0);
  for (std::size_t i = 0; i < header_count; ++i) n += 8 + header_key(i).size() + header_value(i).size();
  return n;
}

record record_view::to_record() const {
  record r;
  r.offset = offset;
  r.timestamp_ms = timestamp_ms;
  if (key) r.key.emplace(*key);
  r.value.assign(value);
  r.headers.reserve(header_count);
  for (std::size_t i = 0; i < header_count; ++i)
    r.headers.push_back({std::string(header_key(i)), std::string(header_value(i))});
  return r;
}

std::size_t partition_log::resident_bytes() const noexcept {
  std::size_t n = 0;
  for (const auto& s : segments_) n += s.bytes.size() + s.entries.size() * sizeof(entry);
  return n;
}

std::size_t partition_log::entry_bytes(const segment& s, const entry& e) const noexcept {
  std::size_t n = 24 + e.value_len + (e.key_len == kNoKey ? 0 : e.key_len);
  for (uint32_t i = 0; i < 2 * e.header_count; ++i) n += s.headers[2 * (e.headers_at + i) + 1];
  return n + 8 * e.header_count;
}

partition_log::segment& partition_log::open_segment(std::size_t need) {
  if (!segments_.empty()) {
    segment& last = segments_.back();
    const bool fits = last.bytes.size() + need <= kSegmentBytes || last.entries.empty();
    if (fits && last.entries.size() < kSegmentRecords) return last;
  }
  const bool busy = !segments_.empty();  // a partition that filled one segment will fill more
  if (spare_) {
    segments_.push_back(std::move(*spare_));
    spare_.reset();
  } else {
    segments_.emplace_back();
  }
  segment& s = segments_.back();
  if (busy) s.bytes.reserve(std::max(kSegmentBytes, need));
  return s;
}

void partition_log::push(const record& r, int64_t offset) {
  std::size_t need = r.value.size() + (r.key ? r.key->size() : 0);
  for (const auto& h : r.headers) need += h.key.size() + h.value.size();
  segment& s = open_segment(need);
  auto put = [&s](std::string_view text) {
    const auto at = static_cast<uint32_t>(s.bytes.size());
    s.bytes.append(text);
    return at;
  };
  entry e{};
  e.offset = offset;
  e.timestamp_ms = r.timestamp_ms;
  if (r.key) {
    e.key_at = put(*r.key);
    e.key_len = static_cast<uint32_t>(r.key->size());
  } else {
    e.key_at = 0;
    e.key_len = kNoKey;
  }
  e.value_at = put(r.value);
  e.value_len = static_cast<uint32_t>(r.value.size());
  e.headers_at = static_cast<uint32_t>(s.headers.size() / 2);
  e.header_count = static_cast<uint32_t>(r.headers.size());
  for (const auto& h : r.headers) {
    const uint32_t k = put(h.key);
    const uint32_t v = put(h.value);
    s.headers.insert(s.headers.end(), {k, static_cast<uint32_t>(h.key.size()), v,
                                       static_cast<uint32_t>(h.value.size())});
  }
  s.entries.push_back(e);
  ++count_;
  bytes_ += r.size_bytes();
}

int64_t partition_log::append(const record& r) {
  const int64_t offset = next_offset_++;
  push(r, offset);
  return offset;
}

void partition_log::restore(const record& r) {
  if (count_ == 0) log_start_ = r.offset;
  next_offset_ = r.offset + 1;
  push(r, r.offset);
}

void partition_log::restore_bounds(int64_t log_start, int64_t high_watermark) {
  next_offset_ = std::max(next_offset_, high_watermark);
  if (count_ == 0) {
    log_start_ = std::max(log_start, int64_t{0});
    next_offset_ = std::max(next_offset_, log_start_);
  } else {
    // Compaction may have removed the first records: the start stays where it was.
    log_start_ = std::min(at(nth(0)).offset, std::max(log_start, int64_t{0}));
  }
}

partition_log::position partition_log::find(int64_t offset) const {
  if (segments_.empty()) return {0, 0};
  // Consumers mostly read near the tail: try the open segment first, with
  // direct indexing while its offsets are dense (no compaction gaps).
  const segment& tail = segments_.back();
  const int64_t tail_first = tail.entries[tail.first].offset;
  if (offset >= tail_first) {
    const int64_t span = tail.entries.back().offset - tail_first;
    if (offset > tail.entries.back().offset) return {segments_.size(), 0};
    if (span == static_cast<int64_t>(tail.live()) - 1)
      return {segments_.size() - 1, tail.first + static_cast<std::size_t>(offset - tail_first)};
  }
  // Otherwise the last segment whose first live record is <= offset; offsets
  // ascend across segments, so both searches are binary.
  auto seg = std::upper_bound(segments_.begin(), segments_.end(), offset, [](int64_t o, const segment& s) {
    return o < s.entries[s.first].offset;
  });
  std::size_t si = seg == segments_.begin() ? 0 : static_cast<std::size_t>(seg - segments_.begin()) - 1;
  for (; si < segments_.size(); ++si) {
    const segment& s = segments_[si];
    auto it = std::lower_bound(s.entries.begin() + static_cast<std::ptrdiff_t>(s.first), s.entries.end(), offset,
                               [](const entry& e, int64_t o) { return e.offset < o; });
    if (it != s.entries.end()) return {si, static_cast<std::size_t>(it - s.entries.begin())};
  }
  return {segments_.size(), 0};
}

partition_log::position partition_log::nth(std::size_t n) const {
  for (std::size_t si = 0; si < segments_.size(); ++si) {
    const segment& s = segments_[si];
    if (n < s.live()) return {si, s.first + n};
    n -= s.live();
  }
  return {segments_.size(), 0};
}

void partition_log::advance(position& p) const noexcept {
  if (++p.idx < segments_[p.seg].entries.size()) return;
  ++p.seg;
  p.idx = p.seg < segments_.size() ? segments_[p.seg].first : 0;
}

result<std::vector<record>> partition_log::fetch(int64_t from, const fetch_limits& limits) const {
  std::vector<record> out;
  auto n = visit(from, limits, [&](const record_view& r) { out.push_back(r.to_record()); });
  if (!n) return std::unexpected(n.error());
  return out;
}

int64_t partition_log::truncate_before(int64_t before) {
  before = std::min(before, next_offset_);
  while (!segments_.empty()) {
    segment& s = segments_.front();
    while (s.first < s.entries.size() && s.entries[s.first].offset < before) {
      bytes_ -= entry_bytes(s, s.entries[s.first]);
      --count_;
      ++s.first;
    }
    if (s.first < s.entries.size()) break;
    // Every record of the segment is gone: free it whole, keeping one for reuse.
    if (!spare_) {
      s.entries.clear();
      s.bytes.clear();
      s.headers.clear();
      s.first = 0;
      spare_ = std::move(s);
    }
    segments_.pop_front();
  }
  log_start_ = std::max(log_start_, before);
  return log_start_;
}

int64_t partition_log::retention_point(int64_t max_records, int64_t max_age_ms, int64_t now_ms) const {
  int64_t keep_from = log_start_;
  if (max_records >= 0 && count_ > static_cast<std::size_t>(max_records)) {
    const std::size_t drop = count_ - static_cast<std::size_t>(max_records);
    keep_from = drop < count_ ? at(nth(drop)).offset : next_offset_;
  }
  if (max_age_ms >= 0) {
    const int64_t cutoff = now_ms - max_age_ms;
    for (position p = find(keep_from); !at_end(p); advance(p)) {
      if (at(p).timestamp_ms >= cutoff) break;
      position q = p;
      advance(q);
      keep_from = at_end(q) ? next_offset_ : at(q).offset;
    }
  }
  return keep_from;
}

std::vector<int64_t> partition_log::compact() {
  std::unordered_map<std::string_view, int64_t> latest;
  for (position p = nth(0); !at_end(p); advance(p))
    with_view(p, [&](const record_view& v) {
      if (v.key) latest[*v.key] = v.offset;
    });
  std::vector<int64_t> removed;
  std::vector<record> kept;
  for (position p = nth(0); !at_end(p); advance(p))
    with_view(p, [&](const record_view& v) {
      if (v.key && latest[*v.key] != v.offset)
        removed.push_back(v.offset);
      else
        kept.push_back(v.to_record());
    });
  if (removed.empty()) return removed;
  latest.clear();  // its keys point into the segments about to be freed
  segments_.clear();
  spare_.reset();
  count_ = 0;
  bytes_ = 0;
  for (const auto& r : kept) push(r, r.offset);
  return removed;
}

}  // namespace eventfabric::core
