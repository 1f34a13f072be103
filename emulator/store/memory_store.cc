#include "emulator/store/memory_store.h"

#include <utility>

namespace eventfabric::store {

namespace {

// Erases every key of `space` starting with `prefix`; keys with a common
// prefix are contiguous in byte order, starting at lower_bound(prefix).
void erase_keys_with_prefix(std::map<std::string, std::string, std::less<>>& space,
                            const std::string& prefix) {
  auto it = space.lower_bound(prefix);
  while (it != space.end() && it->first.starts_with(prefix)) it = space.erase(it);
}

}  // namespace

void memory_store::append(std::string_view topic, int32_t partition, std::span<const core::record> records) {
  if (records.empty()) return;
  stage([t = std::string(topic), partition,
         batch = std::vector<core::record>(records.begin(), records.end())](state& s) mutable {
    auto& log = s.records[t][partition];
    for (auto& r : batch) log.insert_or_assign(r.offset, std::move(r));
  });
}

void memory_store::erase_records(std::string_view topic, int32_t partition,
                                 std::span<const int64_t> offsets) {
  if (offsets.empty()) return;
  stage([t = std::string(topic), partition,
         offs = std::vector<int64_t>(offsets.begin(), offsets.end())](state& s) {
    auto topic_it = s.records.find(t);
    if (topic_it == s.records.end()) return;
    auto part_it = topic_it->second.find(partition);
    if (part_it == topic_it->second.end()) return;
    for (int64_t o : offs) part_it->second.erase(o);
  });
}

void memory_store::truncate(std::string_view topic, int32_t partition, int64_t before) {
  stage([t = std::string(topic), partition, before](state& s) {
    auto topic_it = s.records.find(t);
    if (topic_it == s.records.end()) return;
    auto part_it = topic_it->second.find(partition);
    if (part_it == topic_it->second.end()) return;
    auto& log = part_it->second;
    log.erase(log.begin(), log.lower_bound(before));
  });
}

void memory_store::drop_records(std::string_view topic) {
  stage([t = std::string(topic)](state& s) { s.records.erase(t); });
}

void memory_store::put(std::string_view space, std::string_view key, std::string_view value) {
  stage([sp = std::string(space), k = std::string(key), v = std::string(value)](state& s) mutable {
    s.values[sp].insert_or_assign(std::move(k), std::move(v));
  });
}

void memory_store::erase(std::string_view space, std::string_view key) {
  stage([sp = std::string(space), k = std::string(key)](state& s) {
    auto it = s.values.find(sp);
    if (it != s.values.end()) it->second.erase(k);
  });
}

void memory_store::erase_prefix(std::string_view space, std::string_view prefix) {
  stage([sp = std::string(space), p = std::string(prefix)](state& s) {
    auto it = s.values.find(sp);
    if (it != s.values.end()) erase_keys_with_prefix(it->second, p);
  });
}

core::result<void> memory_store::commit() {
  if (failing_commits_ > 0) {
    --failing_commits_;
    rollback();
    return core::fail(core::errc::storage_error, "memory store: injected commit failure");
  }
  for (auto& op : staged_) op(committed_);
  staged_.clear();
  ++commits_;
  return {};
}

void memory_store::rollback() { staged_.clear(); }

core::result<void> memory_store::load(core::storage_loader& out) {
  if (!staged_.empty())
    return core::fail(core::errc::precondition_failed,
                      "memory store: load() called with uncommitted writes staged");
  for (const auto& [space, keys] : committed_.values)
    for (const auto& [key, value] : keys) out.on_value(space, key, value);
  for (const auto& [topic, partitions] : committed_.records)
    for (const auto& [partition, log] : partitions)
      for (const auto& [offset, r] : log) out.on_record(topic, partition, core::record(r));
  return {};
}

}  // namespace eventfabric::store
