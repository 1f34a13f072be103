// DLQ and quarantine of a subscription: parking failed messages with their
// error context, listing, redrive back to the source lane, and purge.
#include <algorithm>
#include <utility>

#include "emulator/delivery/subscription.h"

namespace eventfabric::delivery {

std::string_view park_reason_name(park_reason r) noexcept {
  switch (r) {
    case park_reason::permanent_failure: return "permanent_failure";
    case park_reason::max_attempts: return "max_attempts";
    case park_reason::poison_pill: return "poison_pill";
  }
  return "unknown";
}

bool redrive_filter::matches(const parked_message& p) const {
  return (!id || *id == p.id) && (!type || *type == p.msg.type) &&
         (!error_code || *error_code == p.last_error.code);
}

uint64_t subscription::park(parking where, park_reason reason, std::string why, item it) {
  parked_message p;
  p.id = next_parked_++;
  p.msg = std::move(it.msg);
  p.reason = reason;
  p.why = std::move(why);
  p.attempts = it.attempts;
  p.crashes = it.crashes;
  p.last_status = it.last_status;
  p.last_error = std::move(it.last_error);
  p.response_body = std::move(it.last_body);
  p.headers = std::move(it.last_headers);
  p.first_failure_ms = it.first_failure_ms;
  p.last_failure_ms = it.last_failure_ms;
  p.parked_ms = clk_->now_ms();
  ++(where == parking::dlq ? stats_.dead_lettered : stats_.quarantined);
  const uint64_t id = p.id;
  const auto& stored = (where == parking::dlq ? dlq_ : quarantine_).emplace(id, std::move(p)).first->second;
  // The new entry first, then the old one goes: a store sees no gap.
  if (listener_) listener_->parked(where, stored);
  settle(it);
  return id;
}

void subscription::settle(const item& it) {
  if (it.redriven_from && listener_) listener_->released(it.redriven_from->first, it.redriven_from->second);
}

std::vector<parked_message> subscription::list(parking where) const {
  std::vector<parked_message> out;
  for (const auto& [id, p] : where == parking::dlq ? dlq_ : quarantine_) out.push_back(p);
  return out;
}

const parked_message* subscription::find(parking where, uint64_t id) const {
  const auto& m = where == parking::dlq ? dlq_ : quarantine_;
  auto it = m.find(id);
  return it == m.end() ? nullptr : &it->second;
}

std::vector<message> subscription::redrive(parking where, const redrive_filter& f) {
  auto& m = where == parking::dlq ? dlq_ : quarantine_;
  std::vector<message> out;
  for (auto it = m.begin(); it != m.end();) {
    if (!f.matches(it->second)) {
      ++it;
      continue;
    }
    out.push_back(it->second.msg);
    // Released (for a listener's store) only once this delivery is finished.
    item x = fresh(std::move(it->second.msg));
    x.redriven_from = std::pair{where, it->first};
    lanes_[key_of(x.msg)].pending.push_back(std::move(x));
    ++stats_.redriven;
    it = m.erase(it);
  }
  return out;
}

std::size_t subscription::purge(parking where, const redrive_filter& f) {
  auto& m = where == parking::dlq ? dlq_ : quarantine_;
  std::size_t n = 0;
  for (auto it = m.begin(); it != m.end();) {
    if (!f.matches(it->second)) {
      ++it;
      continue;
    }
    if (listener_) listener_->released(where, it->first);
    it = m.erase(it);
    ++n;
  }
  return n;
}

std::optional<parked_message> subscription::take(parking where, uint64_t id) {
  auto& m = where == parking::dlq ? dlq_ : quarantine_;
  auto node = m.extract(id);
  if (node.empty()) return std::nullopt;
  ++stats_.redriven;
  if (listener_) listener_->released(where, id);
  return std::move(node.mapped());
}

core::result<void> subscription::restore_parked(parking where, parked_message p) {
  if (p.id == 0 || dlq_.contains(p.id) || quarantine_.contains(p.id))
    return core::fail(core::errc::already_exists, "parked entry " + std::to_string(p.id) + " exists already",
                      {{"id", std::to_string(p.id)}});
  next_parked_ = std::max(next_parked_, p.id + 1);
  const uint64_t id = p.id;
  (where == parking::dlq ? dlq_ : quarantine_).emplace(id, std::move(p));
  return {};
}

}  // namespace eventfabric::delivery
