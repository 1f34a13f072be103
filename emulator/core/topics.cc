#include "emulator/core/topics.h"

#include <algorithm>

#include "emulator/core/codec.h"
#include "emulator/core/names.h"
#include "emulator/core/partitioner.h"

namespace eventfabric::core {
namespace {

constexpr int32_t kMaxPartitions = 1024;

std::string part_key(std::string_view topic, int32_t partition) {
  std::string k(topic);
  k.push_back('\0');
  k += std::to_string(partition);
  return k;
}

std::string encode_config(const topic_config& c) {
  byte_writer w;
  w.u8(1);  // value version
  w.str(c.name);
  w.i32(c.partitions);
  w.i64(c.retention_ms);
  w.i64(c.retention_records);
  w.u8(c.cleanup == cleanup_policy::compact ? 1 : 0);
  w.i64(c.max_message_bytes);
  return w.take();
}

result<topic_config> decode_config(std::string_view v) {
  byte_reader r(v);
  topic_config c;
  const uint8_t version = r.u8();
  c.name = r.str();
  c.partitions = r.i32();
  c.retention_ms = r.i64();
  c.retention_records = r.i64();
  c.cleanup = r.u8() == 1 ? cleanup_policy::compact : cleanup_policy::remove;
  c.max_message_bytes = r.i64();
  if (!r.ok() || !r.done() || version != 1 || c.partitions < 1 || c.partitions > kMaxPartitions)
    return fail(errc::storage_error, "corrupt topic configuration in the store");
  return c;
}

std::unexpected<error> unknown_topic(std::string_view name) {
  return fail(errc::not_found, "unknown topic '" + std::string(name) + "'", {{"topic", std::string(name)}});
}

}  // namespace

result<void> validate_topic_config(const topic_config& c, bool strict_names) {
  if (auto ok = check_topic_name(c.name, strict_names); !ok) return ok;
  if (c.partitions < 1 || c.partitions > kMaxPartitions)
    return fail(errc::invalid_argument, "partitions must be between 1 and 1024", {{"field", "partitions"}});
  if (c.retention_ms < -1 || c.retention_ms == 0)
    return fail(errc::invalid_argument, "retention_ms must be positive or -1 (forever)",
                {{"field", "retention_ms"}});
  if (c.retention_records < -1 || c.retention_records == 0)
    return fail(errc::invalid_argument, "retention_records must be positive or -1 (unlimited)",
                {{"field", "retention_records"}});
  if (c.max_message_bytes < 1)
    return fail(errc::invalid_argument, "max_message_bytes must be positive", {{"field", "max_message_bytes"}});
  return {};
}

topics::topics(clock& clk, storage* store, bool strict_names)
    : clock_(clk), store_(store), strict_names_(strict_names) {}

result<topics::topic_state*> topics::find(std::string_view name) {
  auto it = topics_.find(name);
  if (it == topics_.end()) return unknown_topic(name);
  return &it->second;
}

result<const topics::topic_state*> topics::find(std::string_view name) const {
  auto it = topics_.find(name);
  if (it == topics_.end()) return unknown_topic(name);
  return &it->second;
}

void topics::persist_config(const topic_config& c) {
  if (store_) store_->put("topic", c.name, encode_config(c));
}

void topics::persist_bounds(std::string_view topic, int32_t partition, const partition_log& log) {
  if (!store_) return;
  byte_writer w;
  w.i64(log.log_start());
  w.i64(log.high_watermark());
  store_->put("tpart", part_key(topic, partition), w.view());
}

result<void> topics::create(const topic_config& config) {
  if (auto ok = validate_topic_config(config, strict_names_); !ok) return ok;
  if (auto it = topics_.find(config.name); it != topics_.end()) {
    if (it->second.config == config) return {};
    return fail(errc::already_exists, "topic '" + config.name + "' already exists with another configuration",
                {{"topic", config.name}});
  }
  topic_state t;
  t.config = config;
  t.partitions.resize(static_cast<std::size_t>(config.partitions));
  topics_.emplace(config.name, std::move(t));
  persist_config(config);
  changed();
  return {};
}

result<void> topics::remove(std::string_view name) {
  auto it = topics_.find(name);
  if (it == topics_.end()) return unknown_topic(name);
  if (store_) {
    store_->drop_records(name);
    store_->erase("topic", name);
    store_->erase_prefix("tpart", std::string(name) + '\0');
  }
  topics_.erase(it);
  changed();
  return {};
}

result<void> topics::add_partitions(std::string_view name, int32_t partitions) {
  auto t = find(name);
  if (!t) return std::unexpected(t.error());
  auto& st = **t;
  if (partitions < st.config.partitions || partitions > kMaxPartitions)
    return fail(errc::invalid_argument,
                "a topic can only grow, up to 1024 partitions (now " + std::to_string(st.config.partitions) + ")",
                {{"field", "partitions"}});
  st.config.partitions = partitions;
  st.partitions.resize(static_cast<std::size_t>(partitions));
  persist_config(st.config);
  changed();
  return {};
}

bool topics::exists(std::string_view name) const { return topics_.find(name) != topics_.end(); }

std::vector<std::string> topics::list() const {
  std::vector<std::string> out;
  out.reserve(topics_.size());
  for (const auto& [name, _] : topics_) out.push_back(name);
  return out;
}

result<topic_info> topics::describe(std::string_view name) const {
  auto t = find(name);
  if (!t) return std::unexpected(t.error());
  topic_info info{(*t)->config, {}};
  for (int32_t p = 0; p < (*t)->config.partitions; ++p) info.partitions.push_back(*partition(name, p));
  return info;
}

result<int32_t> topics::partition_count(std::string_view name) const {
  auto t = find(name);
  if (!t) return std::unexpected(t.error());
  return (*t)->config.partitions;
}

result<partition_info> topics::partition(std::string_view name, int32_t p) const {
  auto l = log(name, p);
  if (!l) return std::unexpected(l.error());
  return partition_info{p, (*l)->log_start(), (*l)->high_watermark(), (*l)->size(), (*l)->bytes()};
}

result<const partition_log*> topics::log(std::string_view name, int32_t p) const {
  auto t = find(name);
  if (!t) return std::unexpected(t.error());
  if (p < 0 || p >= (*t)->config.partitions)
    return fail(errc::not_found,
                "topic '" + std::string(name) + "' has no partition " + std::to_string(p),
                {{"topic", std::string(name)}, {"partition", std::to_string(p)}});
  return &(*t)->partitions[static_cast<std::size_t>(p)].log;
}

result<int32_t> topics::choose_partition(topic_state& t, const produce_record& pr) {
  const int32_t n = t.config.partitions;
  if (pr.partition) {
    if (*pr.partition < 0 || *pr.partition >= n)
      return fail(errc::not_found,
                  "topic '" + t.config.name + "' has no partition " + std::to_string(*pr.partition),
                  {{"field", "partition"}});
    return *pr.partition;
  }
  if (pr.rec.key) return partition_for_key(*pr.rec.key, n);
  return static_cast<int32_t>(t.round_robin++ % static_cast<uint64_t>(n));
}

result<std::vector<produced>> topics::produce(std::string_view name, std::vector<produce_record> batch) {
  auto found = find(name);
  if (!found) return std::unexpected(found.error());
  topic_state& t = **found;
  // Check everything before appending anything: a batch is all-or-nothing.
  const uint64_t rr_before = t.round_robin;
  std::vector<int32_t> parts;
  parts.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& pr = batch[i];
    if (static_cast<int64_t>(pr.rec.size_bytes()) > t.config.max_message_bytes) {
      t.round_robin = rr_before;
      return fail(errc::too_large,
                  "record " + std::to_string(i) + " is " + std::to_string(pr.rec.size_bytes()) +
                      " bytes; the topic allows " + std::to_string(t.config.max_message_bytes),
                  {{"index", std::to_string(i)}});
    }
    if (t.config.cleanup == cleanup_policy::compact && !pr.rec.key) {
      t.round_robin = rr_before;
      return fail(errc::invalid_argument, "a compacted topic needs a key on every record",
                  {{"index", std::to_string(i)}, {"field", "key"}});
    }
    auto p = choose_partition(t, pr);
    if (!p) {
      t.round_robin = rr_before;
      return std::unexpected(p.error());
    }
    parts.push_back(*p);
  }
  const int64_t now = clock_.now_ms();
  std::vector<produced> out;
  out.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    record& r = batch[i].rec;
    if (r.timestamp_ms <= 0) r.timestamp_ms = now;
    auto& ps = t.partitions[static_cast<std::size_t>(parts[i])];
    r.offset = ps.log.append(r);
    const int64_t offset = r.offset;
    ++ps.dirty;
    if (store_) store_->append(name, parts[i], std::span<const record>(&r, 1));
    out.push_back({parts[i], offset});
  }
  return out;
}

result<int64_t> topics::append_batch(std::string_view name, int32_t partition, std::vector<record> batch) {
  std::vector<produce_record> prs;
  prs.reserve(batch.size());
  for (auto& r : batch) prs.push_back({partition, std::move(r)});
  auto out = produce(name, std::move(prs));
  if (!out) return std::unexpected(out.error());
  if (out->empty()) return (*log(name, partition))->high_watermark();
  return out->front().offset;
}

result<std::vector<record>> topics::fetch(std::string_view name, int32_t partition, int64_t offset,
                                          const fetch_limits& limits) const {
  auto l = log(name, partition);
  if (!l) return std::unexpected(l.error());
  return (*l)->fetch(offset, limits);
}

void topics::apply_retention(topic_state& t, int64_t now_ms) {
  if (t.config.cleanup != cleanup_policy::remove) return;
  if (t.config.retention_ms < 0 && t.config.retention_records < 0) return;
  for (std::size_t p = 0; p < t.partitions.size(); ++p) {
    auto& log = t.partitions[p].log;
    const int64_t point = log.retention_point(t.config.retention_records, t.config.retention_ms, now_ms);
    if (point <= log.log_start()) continue;
    log.truncate_before(point);
    if (store_) store_->truncate(t.config.name, static_cast<int32_t>(p), point);
    persist_bounds(t.config.name, static_cast<int32_t>(p), log);
  }
}

std::size_t topics::compact_partition(topic_state& t, int32_t p) {
  auto& ps = t.partitions[static_cast<std::size_t>(p)];
  ps.dirty = 0;
  auto removed = ps.log.compact();
  if (store_ && !removed.empty()) {
    store_->erase_records(t.config.name, p, removed);
    persist_bounds(t.config.name, p, ps.log);
  }
  return removed.size();
}

void topics::tick() {
  const int64_t now = clock_.now_ms();
  for (auto& [_, t] : topics_) {
    apply_retention(t, now);
    if (t.config.cleanup != cleanup_policy::compact) continue;
    for (std::size_t p = 0; p < t.partitions.size(); ++p) {
      const auto& ps = t.partitions[p];
      // Compact when at least half of the partition was written since the last pass.
      if (ps.dirty >= 64 && ps.dirty * 2 >= ps.log.size()) compact_partition(t, static_cast<int32_t>(p));
    }
  }
}

result<std::size_t> topics::compact_now(std::string_view name) {
  auto t = find(name);
  if (!t) return std::unexpected(t.error());
  if ((*t)->config.cleanup != cleanup_policy::compact)
    return fail(errc::precondition_failed, "topic '" + std::string(name) + "' is not compacted");
  std::size_t removed = 0;
  for (int32_t p = 0; p < (*t)->config.partitions; ++p) removed += compact_partition(**t, p);
  return removed;
}

result<bool> topics::restore(std::string_view space, std::string_view key, std::string_view value) {
  if (space == "topic") {
    auto c = decode_config(value);
    if (!c) return std::unexpected(c.error());
    topic_state t;
    t.config = *c;
    t.partitions.resize(static_cast<std::size_t>(c->partitions));
    topics_.insert_or_assign(c->name, std::move(t));
    return true;
  }
  if (space == "tpart") {
    const auto nul = key.find('\0');
    byte_reader r(value);
    const int64_t start = r.i64();
    const int64_t hw = r.i64();
    if (nul == std::string_view::npos || !r.ok())
      return fail(errc::storage_error, "corrupt partition bounds in the store");
    int32_t p = 0;
    for (char c : key.substr(nul + 1)) p = p * 10 + (c - '0');
    restored_starts_[{std::string(key.substr(0, nul)), p}] = {start, hw};
    return true;
  }
  return false;
}

result<void> topics::restore_record(std::string_view topic, int32_t partition, record&& r) {
  auto t = find(topic);
  if (!t) return fail(errc::storage_error, "the store has records of unknown topic '" + std::string(topic) + "'");
  if (partition < 0 || partition >= (*t)->config.partitions)
    return fail(errc::storage_error, "the store has records of a missing partition of '" + std::string(topic) + "'");
  (*t)->partitions[static_cast<std::size_t>(partition)].log.restore(r);
  return {};
}

void topics::finish_restore() {
  for (const auto& [tp, bounds] : restored_starts_) {
    auto it = topics_.find(tp.first);
    if (it == topics_.end() || tp.second < 0 || tp.second >= it->second.config.partitions) continue;
    auto& log = it->second.partitions[static_cast<std::size_t>(tp.second)].log;
    log.restore_bounds(bounds.first, bounds.second);
  }
  restored_starts_.clear();
}

}  // namespace eventfabric::core
