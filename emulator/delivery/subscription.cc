// The delivery state machine: choosing the next attempt, applying faults,
// and reading outcomes. Parking (DLQ, quarantine) and redrive live in
// subscription_parking.cc.
#include "emulator/delivery/subscription.h"

#include <algorithm>
#include <utility>

namespace eventfabric::delivery {

namespace {

using faults::fault_kind;

const faults::fault* find_kind(const std::vector<faults::fault>& fs, fault_kind k) {
  for (const auto& f : fs)
    if (f.kind == k) return &f;
  return nullptr;
}

bool take_kind(std::vector<faults::fault>& fs, fault_kind k) {
  auto it = std::ranges::find_if(fs, [k](const faults::fault& f) { return f.kind == k; });
  if (it == fs.end()) return false;
  fs.erase(it);
  return true;
}

}  // namespace

core::result<void> validate(const subscription_options& o) {
  if (o.name.empty())
    return core::fail(core::errc::invalid_argument, "a subscription needs a name", {{"field", "name"}});
  if (o.quarantine_after < 0)
    return core::fail(core::errc::invalid_argument, "quarantine_after must be >= 0 (0: never)",
                      {{"field", "quarantine_after"}});
  if (o.quarantine_after_same_failures < 0)
    return core::fail(core::errc::invalid_argument, "quarantine_after_same_failures must be >= 0 (0: never)",
                      {{"field", "quarantine_after_same_failures"}});
  return o.retry.validate();
}

subscription::subscription(subscription_options opts, core::clock& clk, core::random& rng, faults::engine* faults)
    : opts_(std::move(opts)), clk_(&clk), rng_(&rng), faults_(faults) {}

subscription::item subscription::fresh(message m) {
  item it;
  it.seq = next_seq_++;
  it.msg = std::move(m);
  it.due_ms = clk_->now_ms();
  return it;
}

void subscription::enqueue(message m) {
  const lane_key k = key_of(m);
  lanes_[k].pending.push_back(fresh(std::move(m)));
}

std::size_t subscription::waiting() const {
  std::size_t n = 0;
  for (const auto& [k, l] : lanes_) n += l.pending.size() + l.retrying.size();
  return n;
}

std::optional<int64_t> subscription::next_due() const {
  std::optional<int64_t> best;
  auto consider = [&](int64_t t) { best = best ? std::min(*best, t) : t; };
  for (const auto& [k, l] : lanes_) {
    if (l.busy) continue;
    if (!l.pending.empty()) consider(l.pending.front().due_ms);
    for (const auto& r : l.retrying) consider(r.due_ms);
  }
  return best;
}

faults::delivery_point subscription::point_of(const item& it, bool can_reorder) const {
  faults::delivery_point p;
  (it.msg.kind == source_kind::topic ? p.topic : p.queue) = it.msg.source;
  p.subscription = opts_.name;
  p.consumer = opts_.consumer;
  p.message_id = it.msg.envelope_id;
  if (it.msg.key) p.key = *it.msg.key;
  p.can_reorder = can_reorder;
  return p;
}

void subscription::put_back(lane& l, const lane_key& k, item it) {
  if (blocks(k))
    l.pending.push_front(std::move(it));
  else
    l.retrying.push_back(std::move(it));
}

std::optional<delivery> subscription::next() {
  const int64_t now = clk_->now_ms();
  for (;;) {
    // The earliest due candidate over idle lanes: a retry whose backoff is
    // over, or the head of the lane. Ties go to the retry, then to lane order.
    lane* best_lane = nullptr;
    const lane_key* best_key = nullptr;
    constexpr std::size_t head = static_cast<std::size_t>(-1);
    std::size_t best_retry = head;  // index in retrying, or the pending head
    int64_t best_due = 0;
    for (auto& [k, l] : lanes_) {
      if (l.busy) continue;
      for (std::size_t i = 0; i < l.retrying.size(); ++i) {
        const item& r = l.retrying[i];
        if (r.due_ms > now) continue;
        if (!best_lane || r.due_ms < best_due ||
            (r.due_ms == best_due && best_retry != head && r.seq < best_lane->retrying[best_retry].seq)) {
          best_lane = &l, best_key = &k, best_retry = i, best_due = r.due_ms;
        }
      }
      if (!l.pending.empty() && l.pending.front().due_ms <= now &&
          (!best_lane || l.pending.front().due_ms < best_due ||
           (l.pending.front().due_ms == best_due && best_retry == head &&
            l.pending.front().seq < best_lane->pending.front().seq))) {
        best_lane = &l, best_key = &k, best_retry = head, best_due = l.pending.front().due_ms;
      }
    }
    if (!best_lane) return std::nullopt;
    lane& l = *best_lane;
    const lane_key k = *best_key;
    const bool from_pending = best_retry == head;
    item it;
    if (from_pending) {
      it = std::move(l.pending.front());
      l.pending.pop_front();
    } else {
      it = std::move(l.retrying[best_retry]);
      l.retrying.erase(l.retrying.begin() + static_cast<std::ptrdiff_t>(best_retry));
    }
    auto restore = [&](item&& x) {
      if (from_pending)
        l.pending.push_front(std::move(x));
      else
        l.retrying.push_back(std::move(x));
    };

    if (!it.decided) {
      const bool can_reorder = from_pending && it.attempts == 0 && !it.reordered && !it.duplicate;
      it.decided = faults_ ? faults_->decide_delivery(point_of(it, can_reorder)) : std::vector<faults::fault>{};
      it.attempt_faults = *it.decided;
      stats_.injected += it.decided->size();
    }
    std::vector<faults::fault>& to_apply = *it.decided;

    if (const auto* f = find_kind(to_apply, fault_kind::reorder)) {
      const faults::fault r = *f;
      take_kind(to_apply, fault_kind::reorder);
      it.reordered = true;
      // Let up to `lag` following messages go first, stopping at the first
      // one that may not pass (same partition key on a topic).
      std::size_t passing = 0;
      const std::size_t limit = std::min<std::size_t>(static_cast<std::size_t>(std::max(r.params.lag, 0)),
                                                      l.pending.size());
      while (passing < limit) {
        const item& next_item = l.pending[passing];
        const bool same_key = it.msg.kind == source_kind::topic && it.msg.key && next_item.msg.key &&
                              *it.msg.key == *next_item.msg.key;
        if (same_key && !r.params.allow_same_key) break;
        ++passing;
      }
      l.pending.insert(l.pending.begin() + static_cast<std::ptrdiff_t>(passing), std::move(it));
      continue;
    }
    if (const auto* f = find_kind(to_apply, fault_kind::delay)) {
      const int64_t ms = f->params.delay_ms;
      take_kind(to_apply, fault_kind::delay);
      if (ms > 0) {
        it.due_ms = now + ms;
        restore(std::move(it));
        continue;
      }
    }

    ++it.attempts;
    ++stats_.attempts;
    std::vector<core::header> headers = protocol_headers(it.msg, it.attempts);
    if (find_kind(to_apply, fault_kind::fail)) {
      outcome o = outcome::connection_error("fault injected: the attempt failed before reaching the consumer");
      error_context e{"FAULT_INJECTED", o.body, "{}"};
      it.decided.reset();
      fail(l, k, std::move(it), o, std::move(e), true, std::move(headers));
      continue;
    }

    delivery d;
    d.id = next_delivery_++;
    d.msg = it.msg;
    d.attempt = it.attempts;
    d.headers = std::move(headers);
    d.duplicate = it.duplicate;
    d.restart_consumer = find_kind(to_apply, fault_kind::crash) != nullptr;
    d.faults = it.attempt_faults;
    if (find_kind(to_apply, fault_kind::duplicate)) {
      item copy = fresh(it.msg);
      copy.duplicate = true;
      l.pending.push_front(std::move(copy));
    }
    l.busy = true;
    // The headers are not kept: they follow from the message and attempt (fail() rebuilds them).
    in_flight_.emplace(d.id, active{std::move(it), k});
    return d;
  }
}

std::size_t subscription::abort_all() {
  const int64_t now = clk_->now_ms();
  std::size_t n = 0;
  for (auto& [id, a] : in_flight_) {
    lane& l = lanes_[a.lane];
    l.busy = false;
    a.it.decided.reset();
    a.it.due_ms = now;
    put_back(l, a.lane, std::move(a.it));
    ++n;
    ++stats_.redelivered;
  }
  in_flight_.clear();
  return n;
}

std::size_t subscription::redeliver_in_flight() { return abort_all(); }

core::result<completion> subscription::complete(uint64_t delivery_id, const outcome& o) {
  auto found = in_flight_.find(delivery_id);
  if (found == in_flight_.end())
    return core::fail(core::errc::not_found,
                      "unknown delivery " + std::to_string(delivery_id) + " (completed, aborted or never started)",
                      {{"delivery_id", std::to_string(delivery_id)}});
  active a = std::move(found->second);
  in_flight_.erase(found);
  lane& l = lanes_[a.lane];
  l.busy = false;
  // The faults drawn for this attempt that act on its answer; moved out, not copied.
  const std::vector<faults::fault> drawn =
      std::exchange(a.it.decided, std::nullopt).value_or(std::vector<faults::fault>{});
  const int64_t now = clk_->now_ms();

  const bool crash = find_kind(drawn, fault_kind::crash) != nullptr;
  if (crash || find_kind(drawn, fault_kind::rebalance)) {
    // The answer is lost; this attempt and every other one in flight go back.
    a.it.due_ms = now;
    put_back(l, a.lane, std::move(a.it));
    ++stats_.redelivered;
    completion c;
    c.result = verdict::redeliver;
    c.restart_consumer = crash;
    c.aborted = abort_all();
    return c;
  }
  if (find_kind(drawn, fault_kind::timeout) || find_kind(drawn, fault_kind::lost_ack)) {
    const outcome lost = outcome::timeout("fault injected: the consumer's answer was lost");
    error_context e{"FAULT_INJECTED", lost.body, "{}"};
    auto headers = protocol_headers(a.it.msg, a.it.attempts);
    return fail(l, a.lane, std::move(a.it), lost, std::move(e), true, std::move(headers));
  }
  if (o.kind == outcome_kind::processed) {
    if (faults_ && !faults_->decide_commit(point_of(a.it, false)).empty()) {
      // The ack / offset commit failed: the message comes again.
      ++stats_.injected;
      ++stats_.redelivered;
      a.it.due_ms = now;
      put_back(l, a.lane, std::move(a.it));
      return completion{verdict::redeliver};
    }
    ++stats_.processed;
    settle(a.it);
    return completion{verdict::processed};
  }
  auto headers = protocol_headers(a.it.msg, a.it.attempts);
  return fail(l, a.lane, std::move(a.it), o, error_from(o), false, std::move(headers));
}

completion subscription::fail(lane& l, const lane_key& k, item it, const outcome& o, error_context e,
                              bool injected, std::vector<core::header> headers) {
  const int64_t now = clk_->now_ms();
  if (!injected || opts_.count_injected_failures) ++it.failures;
  if (!injected && o.kind == outcome_kind::transient && o.cause != transient_cause::status) ++it.crashes;
  if (!injected && o.kind == outcome_kind::transient) {
    std::string signature = std::to_string(o.status) + " " + e.code;
    it.same_failures = signature == it.failure_signature ? it.same_failures + 1 : 1;
    it.failure_signature = std::move(signature);
  }
  if (it.first_failure_ms < 0) it.first_failure_ms = now;
  it.last_failure_ms = now;
  it.last_status = o.status;
  it.last_error = std::move(e);
  it.last_body = o.body;
  it.last_headers = std::move(headers);

  completion c;
  if (o.kind == outcome_kind::permanent) {
    const std::string why = "the consumer answered " + std::to_string(o.status) + " (permanent failure)";
    c.result = verdict::dead_lettered;
    c.parked_id = park(parking::dlq, park_reason::permanent_failure, why, std::move(it));
  } else if (opts_.quarantine_after > 0 && it.crashes >= opts_.quarantine_after) {
    const std::string why = "the message timed out or broke the connection " + std::to_string(it.crashes) +
                            " times (poison pill)";
    c.result = verdict::quarantined;
    c.parked_id = park(parking::quarantine, park_reason::poison_pill, why, std::move(it));
  } else if (opts_.quarantine_after_same_failures > 0 && it.same_failures >= opts_.quarantine_after_same_failures) {
    const std::string why = "the consumer failed the same way (" + it.last_error.code + ", status " +
                            std::to_string(it.last_status) + ") " + std::to_string(it.same_failures) +
                            " times in a row (poison pill)";
    c.result = verdict::quarantined;
    c.parked_id = park(parking::quarantine, park_reason::poison_pill, why, std::move(it));
  } else if (it.failures >= opts_.retry.max_attempts) {
    const std::string why = std::to_string(it.failures) + " attempts failed (max_attempts " +
                            std::to_string(opts_.retry.max_attempts) + ")";
    c.result = verdict::dead_lettered;
    c.parked_id = park(parking::dlq, park_reason::max_attempts, why, std::move(it));
  } else {
    it.due_ms = now + opts_.retry.delay_for(it.failures, *rng_);
    c.result = verdict::retry;
    c.retry_at = it.due_ms;
    ++stats_.retries;
    put_back(l, k, std::move(it));
  }
  return c;
}

}  // namespace eventfabric::delivery
