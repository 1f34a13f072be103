// Dead-lettering: x-death history, DLX routing, cycle detection. A message is
// marked dead at once (so it leaves the ready/unacked sets immediately) and a
// job is queued; drain() then moves it to its DLX or leaves it dead in place.
#include <algorithm>
#include <utility>

#include "emulator/core/queues.h"

namespace eventfabric::core {

namespace {

// Upper bound on dead-letterings processed by one public call. Cycle
// detection already ends automatic loops; this is the last line of defence,
// and what is left over simply stays dead in its source queue.
constexpr std::size_t max_jobs_per_call = 100'000;

// RabbitMQ's is_cycle: walking the history from the most recent death, the
// target queue is reached before any "rejected" death, i.e. the message would
// loop back to `target` fully automatically.
bool is_cycle(const std::vector<death>& deaths, std::string_view target) {
  for (const death& d : deaths) {
    if (d.reason == "rejected") return false;
    if (d.queue == target) return true;
  }
  return false;
}

}  // namespace

void queues::record_death(queue& q, message& m, std::string_view reason) const {
  auto same = std::ranges::find_if(m.deaths,
                                   [&](const death& d) { return d.queue == q.name() && d.reason == reason; });
  death d;
  if (same != m.deaths.end()) {
    d = std::move(*same);
    m.deaths.erase(same);
    ++d.count;
  } else {
    d = death{std::string(reason), q.name(), 1, clk_.now_ms(), m.exchange, {m.routing_key}};
  }
  m.deaths.insert(m.deaths.begin(), std::move(d));
}

void queues::dead_letter(queue& q, uint64_t id, std::string_view reason) {
  record_death(q, *q.message_of(id), reason);
  q.kill(id);
  ++q.counters().dead_lettered;
  persist_entry(q, id);
  jobs_.push_back({q.name(), id, std::string(reason)});
}

void queues::drain() {
  std::size_t done = 0;
  while (!jobs_.empty()) {
    if (++done > max_jobs_per_call) {
      jobs_.clear();  // the rest stay dead (already persisted as such)
      return;
    }
    const dead_letter_job job = std::move(jobs_.front());
    jobs_.pop_front();
    process(job);
  }
}

void queues::process(const dead_letter_job& job) {
  queue* src = find_queue(job.queue);
  if (src == nullptr) return;
  const queue_entry* e = src->find(job.id);
  if (e == nullptr || e->state != message_state::dead) return;
  dead_letter_event event{job.queue, job.id, job.reason, {}};
  const auto targets = dlx_targets(*src, e->msg);
  if (!targets.empty()) {
    const queue_config& cfg = src->config();
    message copy = e->msg;
    copy.exchange = cfg.dead_letter_exchange;
    copy.routing_key = cfg.dead_letter_routing_key.value_or(copy.routing_key);
    copy.expiration_ms.reset();  // RabbitMQ drops the per-message TTL so it does not expire again
    copy.published_ms = clk_.now_ms();
    copy.parent_id = job.id;
    erase_entry(*src, job.id);
    src->remove(job.id);  // invalidates e
    for (queue* t : targets) event.copies.emplace_back(t->name(), enqueue(*t, copy));
  }
  if (listener_) listener_(event);
}

std::vector<queue*> queues::dlx_targets(const queue& src, const message& m) {
  const queue_config& cfg = src.config();
  if (cfg.dead_letter_exchange.empty() && !cfg.dead_letter_routing_key) return {};  // no DLX: keep
  auto ex = exchanges_.find(cfg.dead_letter_exchange);
  if (ex == exchanges_.end()) return {};  // DLX deleted or never declared: keep
  std::vector<queue*> out;
  for (const auto& name : route(ex->second, cfg.dead_letter_routing_key.value_or(m.routing_key))) {
    queue& t = *find_queue(name);
    if (!is_cycle(m.deaths, name) && !would_reject(t)) out.push_back(&t);
  }
  return out;  // empty: unroutable, cyclic or refused: keep
}

}  // namespace eventfabric::core
