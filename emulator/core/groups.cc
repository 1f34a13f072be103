#include "emulator/core/groups.h"

#include <algorithm>
#include <cstdio>

#include "emulator/core/codec.h"
#include "emulator/core/names.h"

namespace eventfabric::core {
namespace {

std::unexpected<error> unknown_group(std::string_view g) {
  return fail(errc::not_found, "unknown consumer group '" + std::string(g) + "'", {{"group", std::string(g)}});
}

std::unexpected<error> unknown_member(std::string_view g, std::string_view m) {
  return fail(errc::unknown_member,
              "consumer group '" + std::string(g) + "' has no member '" + std::string(m) + "'; join again",
              {{"group", std::string(g)}, {"member_id", std::string(m)}});
}

std::string offset_key(std::string_view group, const topic_partition& tp) {
  std::string k(group);
  k.push_back('\0');
  k += tp.topic;
  k.push_back('\0');
  k += std::to_string(tp.partition);
  return k;
}

}  // namespace

groups::groups(clock& clk, random& rng, storage* store, const topics& topics)
    : clock_(clk), rng_(rng), store_(store), topics_(topics) {}

result<groups::group*> groups::find(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return unknown_group(name);
  return &it->second;
}

result<const groups::group*> groups::find(std::string_view name) const {
  auto it = groups_.find(name);
  if (it == groups_.end()) return unknown_group(name);
  return &it->second;
}

std::string groups::new_member_id(std::string_view client_id) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(rng_.next_u64()));
  return std::string(client_id) + "-" + hex;
}

void groups::persist(std::string_view name, const group& g) {
  if (!store_) return;
  byte_writer w;
  w.u8(1);
  w.i32(g.generation);
  w.u8(g.strategy == assignment_strategy::round_robin ? 1 : 0);
  w.u32(static_cast<uint32_t>(g.members.size()));
  for (const auto& [id, m] : g.members) {
    w.str(id);
    w.str(m.client_id);
    w.i64(m.session_timeout_ms);
    w.u32(static_cast<uint32_t>(m.topics.size()));
    for (const auto& t : m.topics) w.str(t);
  }
  store_->put("group", name, w.view());
}

void groups::rebalance(std::string_view name, group& g, bool force) {
  std::map<std::string, int32_t> counts;
  std::vector<member_subscription> subs;
  for (const auto& [id, m] : g.members) {
    subs.push_back({id, m.topics});
    for (const auto& t : m.topics)
      if (auto n = topics_.partition_count(t)) counts[t] = *n;
  }
  auto plan = assign(g.strategy, subs, counts);
  bool changed = force;
  for (auto& [id, m] : g.members) {
    auto& next = plan[id];
    if (next != m.assignment) changed = true;
    m.assignment = std::move(next);
  }
  if (changed) {
    ++g.generation;
    persist(name, g);
  }
}

member_assignment groups::assignment_of(const group& g, const std::string& member_id, bool rebalanced) const {
  member_assignment a;
  a.member_id = member_id;
  a.generation = g.generation;
  a.leader = g.members.empty() ? "" : g.members.begin()->first;
  a.partitions = g.members.at(member_id).assignment;
  a.rebalanced = rebalanced;
  return a;
}

result<member_assignment> groups::join(const join_request& req) {
  if (auto ok = check_group_name(req.group); !ok) return std::unexpected(ok.error());
  if (req.topics.empty())
    return fail(errc::invalid_argument, "a member must subscribe to at least one topic", {{"field", "topics"}});
  for (const auto& t : req.topics)
    if (!topics_.exists(t))
      return fail(errc::not_found, "unknown topic '" + t + "'", {{"topic", t}});
  if (req.session_timeout_ms < 1'000 || req.session_timeout_ms > 3'600'000)
    return fail(errc::invalid_argument, "session_timeout_ms must be between 1000 and 3600000",
                {{"field", "session_timeout_ms"}});
  if (auto it = groups_.find(req.group); it != groups_.end()) {
    if (!req.member_id.empty() && !it->second.members.contains(req.member_id))
      return unknown_member(req.group, req.member_id);
    if (!it->second.members.empty() && it->second.strategy != req.strategy &&
        !(it->second.members.size() == 1 && it->second.members.contains(req.member_id)))
      return fail(errc::invalid_argument,
                  "group '" + req.group + "' uses another assignment strategy (INCONSISTENT_GROUP_PROTOCOL)",
                  {{"field", "strategy"}});
  } else if (!req.member_id.empty()) {
    return unknown_member(req.group, req.member_id);
  }
  auto& g = groups_[req.group];
  std::string id = req.member_id;
  std::vector<std::string> wanted = req.topics;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  bool membership_changed = false;
  if (id.empty()) {
    id = new_member_id(req.client_id);
    membership_changed = true;
  } else if (g.members[id].topics != wanted) {
    membership_changed = true;
  }
  if (g.members.empty() || (g.members.size() == 1 && g.members.contains(id))) {
    membership_changed = membership_changed || g.strategy != req.strategy;
    g.strategy = req.strategy;
  }
  auto& m = g.members[id];
  m.client_id = req.client_id;
  m.topics = std::move(wanted);
  m.session_timeout_ms = req.session_timeout_ms;
  m.last_seen_ms = clock_.now_ms();
  const int32_t before = g.generation;
  if (membership_changed) rebalance(req.group, g, true);
  return assignment_of(g, id, g.generation != before);
}

result<void> groups::leave(std::string_view name, std::string_view member_id) {
  auto g = find(name);
  if (!g) return std::unexpected(g.error());
  auto it = (*g)->members.find(member_id);
  if (it == (*g)->members.end()) return unknown_member(name, member_id);
  (*g)->members.erase(it);
  rebalance(name, **g, true);
  return {};
}

result<member_assignment> groups::heartbeat(std::string_view name, std::string_view member_id,
                                            int32_t generation) {
  auto g = find(name);
  if (!g) return std::unexpected(g.error());
  auto it = (*g)->members.find(member_id);
  if (it == (*g)->members.end()) return unknown_member(name, member_id);
  it->second.last_seen_ms = clock_.now_ms();
  if (generation != (*g)->generation)
    return fail(errc::rebalance_in_progress,
                "group '" + std::string(name) + "' rebalanced to generation " +
                    std::to_string((*g)->generation) + "; join again to get the new assignment",
                {{"generation", std::to_string((*g)->generation)}});
  return assignment_of(**g, it->first, false);
}

result<void> groups::commit(std::string_view name, std::string_view member_id, int32_t generation,
                            std::string_view topic, int32_t partition, int64_t offset) {
  if (auto ok = check_group_name(name); !ok) return ok;
  if (auto p = topics_.partition(topic, partition); !p) return std::unexpected(p.error());
  if (offset < 0) return fail(errc::invalid_argument, "offset must be >= 0", {{"field", "offset"}});
  auto git = groups_.find(name);
  if (!member_id.empty()) {
    if (git == groups_.end()) return unknown_member(name, member_id);
    auto mit = git->second.members.find(member_id);
    if (mit == git->second.members.end()) return unknown_member(name, member_id);
    if (generation != git->second.generation)
      return fail(errc::illegal_generation,
                  "commit carries generation " + std::to_string(generation) + " but the group is at " +
                      std::to_string(git->second.generation) + "; join again",
                  {{"generation", std::to_string(git->second.generation)}});
    mit->second.last_seen_ms = clock_.now_ms();
  } else if (git != groups_.end() && !git->second.members.empty()) {
    return fail(errc::unknown_member, "group '" + std::string(name) +
                                          "' has active members; a standalone commit needs an empty group");
  }
  auto& g = git == groups_.end() ? groups_[std::string(name)] : git->second;
  if (git == groups_.end()) persist(name, g);
  topic_partition tp{std::string(topic), partition};
  g.offsets[tp] = offset;
  if (store_) {
    byte_writer w;
    w.i64(offset);
    w.i64(clock_.now_ms());
    store_->put("offset", offset_key(name, tp), w.view());
  }
  return {};
}

result<std::optional<int64_t>> groups::committed(std::string_view name, std::string_view topic,
                                                 int32_t partition) const {
  if (auto p = topics_.partition(topic, partition); !p) return std::unexpected(p.error());
  auto it = groups_.find(name);
  if (it == groups_.end()) return std::optional<int64_t>{};
  auto o = it->second.offsets.find({std::string(topic), partition});
  if (o == it->second.offsets.end()) return std::optional<int64_t>{};
  return std::optional<int64_t>{o->second};
}

result<int64_t> groups::position(std::string_view name, std::string_view topic, int32_t partition,
                                 offset_reset reset) const {
  auto p = topics_.partition(topic, partition);
  if (!p) return std::unexpected(p.error());
  auto c = committed(name, topic, partition);
  if (!c) return std::unexpected(c.error());
  if (*c && **c >= p->log_start && **c <= p->high_watermark) return **c;
  switch (reset) {
    case offset_reset::earliest: return p->log_start;
    case offset_reset::latest: return p->high_watermark;
    case offset_reset::none: break;
  }
  return fail(errc::offset_out_of_range,
              "group '" + std::string(name) + "' has no valid committed offset for " + std::string(topic) + "/" +
                  std::to_string(partition) + " and auto.offset.reset is none");
}

result<std::vector<partition_lag>> groups::lag(std::string_view name) const {
  auto g = find(name);
  if (!g) return std::unexpected(g.error());
  std::map<topic_partition, std::optional<int64_t>> parts;
  for (const auto& [tp, off] : (*g)->offsets) parts[tp] = off;
  for (const auto& [_, m] : (*g)->members)
    for (const auto& t : m.topics)
      if (auto n = topics_.partition_count(t))
        for (int32_t p = 0; p < *n; ++p) parts.try_emplace({t, p});
  std::vector<partition_lag> out;
  for (const auto& [tp, off] : parts) {
    auto info = topics_.partition(tp.topic, tp.partition);
    if (!info) continue;  // topic deleted since the commit
    partition_lag l{tp, off, info->log_start, info->high_watermark, 0};
    l.lag = std::max<int64_t>(0, info->high_watermark - std::max(off.value_or(info->log_start), info->log_start));
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<std::string> groups::list() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : groups_) out.push_back(name);
  return out;
}

result<group_info> groups::describe(std::string_view name) const {
  auto g = find(name);
  if (!g) return std::unexpected(g.error());
  group_info info{std::string(name), (*g)->generation, (*g)->strategy,
                  (*g)->members.empty() ? "Empty" : "Stable", {}};
  for (const auto& [id, m] : (*g)->members)
    info.members.push_back({id, m.client_id, m.topics, m.assignment, m.session_timeout_ms, m.last_seen_ms});
  return info;
}

result<void> groups::remove(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return unknown_group(name);
  if (!it->second.members.empty())
    return fail(errc::precondition_failed, "group '" + std::string(name) + "' still has members");
  if (store_) {
    store_->erase("group", name);
    store_->erase_prefix("offset", std::string(name) + '\0');
  }
  groups_.erase(it);
  return {};
}

void groups::tick() {
  const int64_t now = clock_.now_ms();
  for (auto& [name, g] : groups_) {
    bool expired = false;
    for (auto it = g.members.begin(); it != g.members.end();) {
      if (now - it->second.last_seen_ms > it->second.session_timeout_ms) {
        it = g.members.erase(it);
        expired = true;
      } else {
        ++it;
      }
    }
    if (expired) rebalance(name, g, true);
  }
}

void groups::on_topics_changed() {
  for (auto& [name, g] : groups_)
    if (!g.members.empty()) rebalance(name, g, false);
}

result<bool> groups::restore(std::string_view space, std::string_view key, std::string_view value) {
  if (space == "group") {
    byte_reader r(value);
    auto& g = groups_[std::string(key)];
    const uint8_t version = r.u8();
    g.generation = r.i32();
    g.strategy = r.u8() == 1 ? assignment_strategy::round_robin : assignment_strategy::range;
    const uint32_t n = r.u32();
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      std::string id = r.str();
      member m;
      m.client_id = r.str();
      m.session_timeout_ms = r.i64();
      const uint32_t nt = r.u32();
      for (uint32_t j = 0; j < nt && r.ok(); ++j) m.topics.push_back(r.str());
      g.members.emplace(std::move(id), std::move(m));
    }
    if (!r.ok() || !r.done() || version != 1) return fail(errc::storage_error, "corrupt consumer group in the store");
    return true;
  }
  if (space == "offset") {
    const auto a = key.find('\0');
    const auto b = a == std::string_view::npos ? a : key.find('\0', a + 1);
    byte_reader r(value);
    const int64_t offset = r.i64();
    if (b == std::string_view::npos || !r.ok()) return fail(errc::storage_error, "corrupt committed offset in the store");
    int32_t p = 0;
    for (char c : key.substr(b + 1)) p = p * 10 + (c - '0');
    groups_[std::string(key.substr(0, a))].offsets[{std::string(key.substr(a + 1, b - a - 1)), p}] = offset;
    return true;
  }
  return false;
}

void groups::finish_restore() {
  // Members come back with a fresh session: they expire unless they heartbeat,
  // as after a Kafka coordinator failover. Assignments are recomputed without
  // bumping the generation when nothing changed.
  const int64_t now = clock_.now_ms();
  for (auto& [name, g] : groups_) {
    for (auto& [_, m] : g.members) m.last_seen_ms = now;
    std::map<std::string, int32_t> counts;
    std::vector<member_subscription> subs;
    for (const auto& [id, m] : g.members) {
      subs.push_back({id, m.topics});
      for (const auto& t : m.topics)
        if (auto n = topics_.partition_count(t)) counts[t] = *n;
    }
    auto plan = assign(g.strategy, subs, counts);
    for (auto& [id, m] : g.members) m.assignment = plan[id];
  }
}

}  // namespace eventfabric::core
