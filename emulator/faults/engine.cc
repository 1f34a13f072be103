#include "emulator/faults/engine.h"

#include <algorithm>
#include <array>
#include <utility>

namespace eventfabric::faults {

namespace {
// At most one target per type.
constexpr std::size_t kMaxTargets = 4;
}  // namespace

using engine_target_views = std::array<target_view, kMaxTargets>;

engine::engine(uint64_t seed, core::clock& clk) : clk_(&clk), rng_(seed) {}

engine engine::replay(schedule s, core::clock& clk) {
  engine e(0, clk);
  e.replaying_ = true;
  for (auto& f : s) {
    e.site_active_[static_cast<int>(site_of(f.kind))] = true;
    if (f.occurrence > 0) {
      e.track_messages_ = true;
      e.recorded_by_message_.emplace(message_slot{site_of(f.kind), f.tgt.type, f.tgt.name, f.message_id, f.occurrence},
                                     std::move(f));
    } else {
      e.recorded_.emplace(slot{site_of(f.kind), f.tgt.type, f.tgt.name, f.position}, std::move(f));
    }
  }
  return e;
}

engine::counter& engine::counter_for(fault_site site, const target_view& t) {
  const std::tuple<fault_site, target_type, std::string_view> key{site, t.type, t.name};
  auto it = counters_.find(key);
  if (it == counters_.end())
    it = counters_.emplace(std::tuple{site, t.type, std::string(t.name)}, counter{0, static_cast<uint32_t>(counters_.size())}).first;
  return it->second;
}

engine::per_message& engine::message_state(std::string_view message_id) {
  auto it = messages_.find(message_id);
  if (it == messages_.end()) it = messages_.emplace(std::string(message_id), per_message{}).first;
  return it->second;
}

core::result<void> engine::set_rules(std::vector<rule> rules) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (auto ok = validate(rules[i]); !ok) {
      auto err = ok.error();
      err.details.emplace_back("rule", std::to_string(i));
      return std::unexpected(std::move(err));
    }
  }
  rules_ = std::move(rules);
  for (auto& a : site_active_) a = false;
  for (const auto& r : rules_) site_active_[static_cast<int>(site_of(r.kind))] = true;
  return {};
}

fault engine::make(const rule& r, const target_view& t, int64_t position, std::string_view message_id) {
  fault f;
  f.kind = r.kind;
  f.tgt = {t.type, std::string(t.name)};
  f.position = position;
  f.message_id = std::string(message_id);
  f.time_ms = clk_->now_ms();
  switch (r.kind) {
    case fault_kind::reorder:
      f.params.lag = static_cast<int32_t>(rng_.between(1, r.window));
      f.params.allow_same_key = r.allow_same_key;
      break;
    case fault_kind::delay: f.params.delay_ms = r.delay_ms; break;
    case fault_kind::produce_error: f.params.after_append = r.after_append; break;
    default: break;
  }
  return f;
}

std::vector<fault> engine::decide(fault_site site, const target_view* targets, std::size_t n,
                                  std::string_view message_id, bool can_reorder) {
  int64_t positions[kMaxTargets] = {}, occurrences[kMaxTargets] = {};
  uint32_t ids[kMaxTargets] = {};
  for (std::size_t i = 0; i < n; ++i) {
    counter& c = counter_for(site, targets[i]);
    positions[i] = ++c.count;
    ids[i] = c.id;
  }
  per_message* pm = nullptr;
  if (site_active_[static_cast<int>(site)] && (track_messages_ || (failure_cap_ && site == fault_site::delivery)) &&
      !message_id.empty())
    pm = &message_state(message_id);
  if (track_messages_ && pm) {  // (pm is null when the site cannot yield faults)
    for (std::size_t i = 0; i < n; ++i) {
      auto it = std::ranges::find(pm->occurrences, ids[i], &std::pair<uint32_t, int64_t>::first);
      if (it == pm->occurrences.end()) it = pm->occurrences.insert(pm->occurrences.end(), {ids[i], 0});
      occurrences[i] = ++it->second;
    }
  }

  std::vector<fault> out;
  auto taken = [&](fault_kind k) {
    return std::ranges::any_of(out, [k](const fault& f) { return f.kind == k; });
  };

  if (replaying_) {
    auto replay_one = [&](const fault& f, std::size_t i) {
      if ((f.kind == fault_kind::reorder && !can_reorder) || taken(f.kind)) return;
      fault g = f;
      g.position = positions[i];
      g.occurrence = occurrences[i];
      g.message_id = std::string(message_id);
      g.time_ms = clk_->now_ms();
      out.push_back(std::move(g));
    };
    for (std::size_t i = 0; i < n; ++i) {
      auto [lo, hi] = recorded_.equal_range(
          std::tuple<fault_site, target_type, std::string_view, int64_t>{site, targets[i].type, targets[i].name, positions[i]});
      for (auto it = lo; it != hi; ++it) replay_one(it->second, i);
      if (occurrences[i] == 0) continue;
      auto [mlo, mhi] = recorded_by_message_.equal_range(
          std::tuple<fault_site, target_type, std::string_view, std::string_view, int64_t>{
              site, targets[i].type, targets[i].name, message_id, occurrences[i]});
      for (auto it = mlo; it != mhi; ++it) replay_one(it->second, i);
    }
  } else {
    const auto fails_attempt = [](fault_kind k) {
      return k == fault_kind::fail || k == fault_kind::timeout || k == fault_kind::lost_ack;
    };
    int32_t* failed = failure_cap_ && site == fault_site::delivery && pm ? &pm->failures : nullptr;
    for (const auto& r : rules_) {
      if (site_of(r.kind) != site) continue;
      if (r.kind == fault_kind::reorder && !can_reorder) continue;
      for (std::size_t i = 0; i < n; ++i) {
        if (r.on != targets[i].type || (r.name != "*" && r.name != targets[i].name)) continue;
        const bool fires = r.probability ? rng_.chance(*r.probability)
                                         : std::ranges::binary_search(r.positions, positions[i]);
        if (!fires || taken(r.kind)) continue;
        if (failed && fails_attempt(r.kind)) {
          // At most one failing kind per attempt counts, and only under the cap.
          if (*failed >= *failure_cap_ ||
              std::ranges::any_of(out, [&](const fault& f) { return fails_attempt(f.kind); }))
            continue;
          ++*failed;
        }
        out.push_back(make(r, targets[i], positions[i], message_id));
        out.back().occurrence = occurrences[i];
      }
    }
  }
  // One canonical order (by kind) so that a replay records what the live run did.
  std::ranges::stable_sort(out, {}, [](const fault& f) { return f.kind; });
  realised_.insert(realised_.end(), out.begin(), out.end());
  return out;
}

namespace {
std::size_t targets_of(const delivery_point& p, engine_target_views& out) {
  std::size_t n = 0;
  if (!p.topic.empty()) out[n++] = {target_type::topic, p.topic};
  if (!p.queue.empty()) out[n++] = {target_type::queue, p.queue};
  if (!p.subscription.empty()) out[n++] = {target_type::subscription, p.subscription};
  if (!p.consumer.empty()) out[n++] = {target_type::consumer, p.consumer};
  return n;
}
}  // namespace

std::vector<fault> engine::decide_delivery(const delivery_point& p) {
  engine_target_views t;
  const std::size_t n = targets_of(p, t);
  return decide(fault_site::delivery, t.data(), n, p.message_id, p.can_reorder);
}

std::vector<fault> engine::decide_produce(target_type type, std::string_view name, std::string_view message_id) {
  const target_view t{type, name};
  return decide(fault_site::produce, &t, 1, message_id, false);
}

std::vector<fault> engine::decide_commit(const delivery_point& p) {
  engine_target_views t;
  const std::size_t n = targets_of(p, t);
  return decide(fault_site::commit, t.data(), n, p.message_id, false);
}

}  // namespace eventfabric::faults
