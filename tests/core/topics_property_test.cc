// Property tests (rapidcheck) for topics: partition stability and offset
// contiguity under arbitrary produce / retention / restore sequences.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "emulator/core/partitioner.h"
#include "emulator/core/topics.h"
#include "emulator/store/memory_store.h"

namespace eventfabric::core {
namespace {

RC_GTEST_PROP(TopicsProperty, SameKeyAlwaysLandsOnTheSamePartition,
              (const std::vector<std::string>& keys, uint8_t partitions_seed)) {
  const int32_t n = 1 + partitions_seed % 64;
  manual_clock clock;
  topics t(clock, nullptr, false);
  RC_ASSERT(t.create({"t", n}).has_value());
  std::map<std::string, int32_t> seen;
  for (const auto& k : keys) {
    record r;
    r.key = k;
    auto out = t.produce("t", {{std::nullopt, r}});
    RC_ASSERT(out.has_value());
    const int32_t p = out->front().partition;
    RC_ASSERT(p == partition_for_key(k, n));
    auto [it, inserted] = seen.emplace(k, p);
    RC_ASSERT(it->second == p);
  }
}

RC_GTEST_PROP(TopicsProperty, OffsetsStayContiguousThroughRetentionAndRestore,
              (const std::vector<uint8_t>& ops)) {
  manual_clock clock;
  store::memory_store store;
  topic_config c{"t", 3};
  c.retention_records = 7;
  auto t = std::make_unique<topics>(clock, &store, false);
  RC_ASSERT(t->create(c).has_value());
  std::map<int32_t, int64_t> produced;  // partition -> count
  for (uint8_t op : ops) {
    if (op < 200) {
      std::vector<produce_record> b;
      const int n = 1 + op % 4;
      for (int i = 0; i < n; ++i) b.push_back({std::nullopt, record{}});
      auto out = t->produce("t", std::move(b));
      RC_ASSERT(out.has_value());
      for (const auto& p : *out) RC_ASSERT(p.offset == produced[p.partition]++);
    } else if (op < 230) {
      t->tick();
    } else {
      RC_ASSERT(store.commit().has_value());
      auto fresh = std::make_unique<topics>(clock, &store, false);
      struct loader final : storage_loader {
        topics& t;
        explicit loader(topics& x) : t(x) {}
        void on_value(std::string_view s, std::string_view k, std::string_view v) override { (void)t.restore(s, k, v); }
        void on_record(std::string_view tp, int32_t p, record&& r) override { (void)t.restore_record(tp, p, std::move(r)); }
      } l(*fresh);
      RC_ASSERT(store.load(l).has_value());
      fresh->finish_restore();
      t = std::move(fresh);
    }
    for (int32_t p = 0; p < 3; ++p) {
      auto info = t->partition("t", p);
      RC_ASSERT(info->high_watermark == produced[p]);
      auto recs = t->fetch("t", p, info->log_start, {SIZE_MAX, SIZE_MAX});
      RC_ASSERT(recs.has_value());
      RC_ASSERT(static_cast<int64_t>(recs->size()) == info->high_watermark - info->log_start);
      for (std::size_t i = 0; i < recs->size(); ++i)
        RC_ASSERT((*recs)[i].offset == info->log_start + static_cast<int64_t>(i));
    }
  }
}

}  // namespace
}  // namespace eventfabric::core
