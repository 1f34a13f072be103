// partition_log against a reference model (a map of offset -> record):
// appends that cross segment boundaries (by record count and by bytes),
// retention, compaction and fetches with limits must give exactly what the
// model gives.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "emulator/core/partition_log.h"

namespace eventfabric::core {
namespace {

record make(int i, std::size_t value_size, bool with_key, int headers) {
  record r;
  r.timestamp_ms = 1000 + i;
  if (with_key) r.key = "k" + std::to_string(i % 7);
  r.value = std::string(value_size, static_cast<char>('a' + i % 26));
  if (value_size > 0) r.value[0] = static_cast<char>('0' + i % 10);
  for (int h = 0; h < headers; ++h) r.headers.push_back({"h" + std::to_string(h), std::to_string(i * 10 + h)});
  return r;
}

struct model {
  std::map<int64_t, record> recs;
  int64_t start = 0, next = 0;
  std::size_t bytes() const {
    std::size_t n = 0;
    for (const auto& [o, r] : recs) n += r.size_bytes();
    return n;
  }
};

void expect_same(const partition_log& log, const model& m) {
  ASSERT_EQ(log.size(), m.recs.size());
  ASSERT_EQ(log.bytes(), m.bytes());
  ASSERT_EQ(log.log_start(), m.start);
  ASSERT_EQ(log.high_watermark(), m.next);
  auto all = log.fetch(m.start, {1'000'000, SIZE_MAX});
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), m.recs.size());
  std::size_t i = 0;
  for (const auto& [o, r] : m.recs) EXPECT_EQ((*all)[i++], r) << "offset " << o;
}

TEST(PartitionLog, CrossesSegmentBoundariesByCountAndKeepsEveryRecord) {
  partition_log log;
  model m;
  const int n = static_cast<int>(partition_log::kSegmentRecords) * 2 + 17;
  for (int i = 0; i < n; ++i) {
    record r = make(i, 10, i % 3 != 0, i % 4);
    r.offset = log.append(r);
    EXPECT_EQ(r.offset, i);
    m.recs[i] = r;
  }
  m.next = n;
  expect_same(log, m);
  // A fetch that starts just before a boundary and crosses it.
  const auto b = static_cast<int64_t>(partition_log::kSegmentRecords);
  auto got = log.fetch(b - 2, {5, SIZE_MAX});
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 5u);
  for (int64_t k = 0; k < 5; ++k) EXPECT_EQ((*got)[static_cast<std::size_t>(k)], m.recs[b - 2 + k]);
}

TEST(PartitionLog, RetentionFreesWholeSegmentsOnly) {
  partition_log log;
  const std::size_t big = partition_log::kSegmentBytes / 4;  // four records per segment
  for (int i = 0; i < 12; ++i) log.append(make(i, big, true, 0));
  const std::size_t resident = log.resident_bytes();
  EXPECT_GE(resident, 12 * big);
  log.truncate_before(2);  // inside the first segment: nothing freed yet
  EXPECT_EQ(log.size(), 10u);
  EXPECT_EQ(log.resident_bytes(), resident);
  log.truncate_before(9);  // two whole segments go
  EXPECT_EQ(log.size(), 3u);
  EXPECT_LT(log.resident_bytes(), resident / 2);
  auto got = log.fetch(9, {10, SIZE_MAX});
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ(got->front().offset, 9);
  EXPECT_EQ(got->front().value, make(9, big, true, 0).value);
  EXPECT_FALSE(log.fetch(8, {}).has_value());
}

TEST(PartitionLog, ARecordLargerThanASegmentGetsItsOwn) {
  partition_log log;
  log.append(make(0, 10, false, 0));
  log.append(make(1, partition_log::kSegmentBytes + 5, false, 2));
  log.append(make(2, 10, false, 0));
  auto got = log.fetch(0, {10, SIZE_MAX});
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[1], [] {
    record r = make(1, partition_log::kSegmentBytes + 5, false, 2);
    r.offset = 1;
    return r;
  }());
}

TEST(PartitionLog, VisitGivesViewsEqualToFetchedRecords) {
  partition_log log;
  for (int i = 0; i < 50; ++i) log.append(make(i, static_cast<std::size_t>(i), i % 2 == 0, i % 10));
  auto fetched = log.fetch(5, {20, SIZE_MAX});
  ASSERT_TRUE(fetched.has_value());
  std::size_t i = 0;
  auto n = log.visit(5, {20, SIZE_MAX}, [&](const record_view& v) {
    EXPECT_EQ(v.to_record(), (*fetched)[i]);
    EXPECT_EQ(v.size_bytes(), (*fetched)[i].size_bytes());
    ++i;
  });
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 20u);
}

// Operations: 0-5 append (sizes from tiny to a quarter segment), 6 truncate,
// 7 compact, 8 fetch with limits from a random valid offset.
RC_GTEST_PROP(PartitionLogProperty, BehavesLikeTheReferenceModel,
              (const std::vector<std::pair<uint8_t, uint16_t>>& ops)) {
  partition_log log;
  model m;
  int i = 0;
  for (const auto& [op, arg] : ops) {
    switch (op % 9) {
      case 0: case 1: case 2: case 3: case 4: case 5: {
        const std::size_t size = op % 9 == 5 ? partition_log::kSegmentBytes / 4 + arg : arg % 64;
        record r = make(i++, size, arg % 3 != 0, arg % 3);
        r.offset = log.append(r);
        RC_ASSERT(r.offset == m.next);
        m.recs[m.next++] = r;
        break;
      }
      case 6: {
        const int64_t before = m.start + arg % 8;
        const int64_t expect = std::max(m.start, std::min(before, m.next));
        RC_ASSERT(log.truncate_before(before) == expect);
        m.recs.erase(m.recs.begin(), m.recs.lower_bound(expect));
        m.start = expect;
        break;
      }
      case 7: {
        std::map<std::string, int64_t> latest;
        for (const auto& [o, r] : m.recs)
          if (r.key) latest[*r.key] = o;
        std::vector<int64_t> removed;
        for (auto it = m.recs.begin(); it != m.recs.end();) {
          if (it->second.key && latest[*it->second.key] != it->first) {
            removed.push_back(it->first);
            it = m.recs.erase(it);
          } else {
            ++it;
          }
        }
        RC_ASSERT(log.compact() == removed);
        break;
      }
      default: {
        const int64_t from = m.start + (m.next > m.start ? arg % (m.next - m.start + 1) : 0);
        const fetch_limits lim{1u + arg % 5, 64u + arg * 16u};
        auto got = log.fetch(from, lim);
        RC_ASSERT(got.has_value());
        std::vector<record> want;
        std::size_t bytes = 0;
        for (auto it = m.recs.lower_bound(from); it != m.recs.end() && want.size() < lim.max_records; ++it) {
          if (!want.empty() && bytes + it->second.size_bytes() > lim.max_bytes) break;
          bytes += it->second.size_bytes();
          want.push_back(it->second);
        }
        RC_ASSERT(*got == want);
      }
    }
    RC_ASSERT(log.size() == m.recs.size());
    RC_ASSERT(log.bytes() == m.bytes());
    RC_ASSERT(log.log_start() == m.start);
    RC_ASSERT(log.high_watermark() == m.next);
  }
  const int64_t cut = log.retention_point(3, -1, 0);
  const int64_t want_cut = m.recs.size() > 3 ? std::next(m.recs.begin(), static_cast<std::ptrdiff_t>(m.recs.size() - 3))->first
                                             : m.start;
  RC_ASSERT(cut == want_cut);
}

}  // namespace
}  // namespace eventfabric::core
