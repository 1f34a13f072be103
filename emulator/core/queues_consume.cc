// Consumption: receive, prefetch, ack/nack, cancel, leases, TTL expiry and
// the inspection calls.
#include <algorithm>
#include <utility>

#include "emulator/core/queues.h"

namespace eventfabric::core {

namespace {

std::unexpected<error> bad_consumer_tag() {
  return fail(errc::invalid_argument, "consumer_tag must not be empty", {{"field", "consumer_tag"}});
}

std::unexpected<error> unknown_tag(std::string_view queue, uint64_t tag) {
  return fail(errc::precondition_failed,
              "unknown delivery tag " + std::to_string(tag) + " on queue \"" + std::string(queue) +
                  "\" (already acked, requeued or never delivered)",
              {{"queue", std::string(queue)}, {"delivery_tag", std::to_string(tag)}});
}

bool over_limit(const queue& q, const queue_entry& e) {
  const auto& limit = q.config().delivery_limit;
  return limit && e.delivery_count > *limit;
}

}  // namespace

void queues::expire(queue& q) {
  const auto ids = q.expired_ready(clk_.now_ms());
  for (uint64_t id : ids) {
    ++q.counters().expired;
    dead_letter(q, id, "expired");
  }
}

void queues::expire_leases(queue& q) {
  for (uint64_t tag : q.expired_leases(clk_.now_ms())) {
    if (auto id = q.id_of_tag(tag)) return_to_ready(q, *id);
  }
}

void queues::return_to_ready(queue& q, uint64_t id) {
  // Quorum-queue x-delivery-limit: a message returned more times than the
  // limit is dead-lettered instead of being made ready again.
  if (over_limit(q, *q.find(id))) {
    dead_letter(q, id, "delivery_limit");
    return;
  }
  q.requeue(id);
  persist_entry(q, id);
}

result<std::vector<delivery>> queues::receive(std::string_view name, std::string_view consumer_tag,
                                              std::size_t max_messages, int64_t lease_ms) {
  auto found = need_queue(name);
  if (!found) return std::unexpected(found.error());
  if (consumer_tag.empty()) return bad_consumer_tag();
  if (lease_ms < 0) return fail(errc::invalid_argument, "lease_ms must be >= 0", {{"field", "lease_ms"}});
  queue& q = **found;
  expire(q);
  drain();
  q.register_consumer(consumer_tag);
  const std::size_t want = std::min(max_messages, q.room(consumer_tag));
  const int64_t now = clk_.now_ms();
  std::vector<delivery> out;
  while (out.size() < want) {
    const auto head = q.head();
    if (!head) break;
    // Normally caught when the message was returned; this also covers
    // messages restored from storage already over the limit.
    if (over_limit(q, *q.find(*head))) {
      dead_letter(q, *head, "delivery_limit");
      continue;
    }
    out.push_back(q.deliver(*head, consumer_tag, now, lease_ms));
    persist_entry(q, *head);
  }
  drain();
  return out;
}

result<void> queues::set_prefetch(std::string_view name, std::string_view consumer_tag,
                                  std::size_t prefetch) {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  if (consumer_tag.empty()) return bad_consumer_tag();
  (*q)->register_consumer(consumer_tag).prefetch = prefetch;
  return {};
}

result<void> queues::ack(std::string_view name, uint64_t delivery_tag) {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  const auto id = (*q)->id_of_tag(delivery_tag);
  if (!id) return unknown_tag(name, delivery_tag);
  erase_entry(**q, *id);
  (*q)->remove(*id);
  ++(*q)->counters().acked;
  return {};
}

result<void> queues::nack(std::string_view name, uint64_t delivery_tag, bool requeue) {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  const auto id = (*q)->id_of_tag(delivery_tag);
  if (!id) return unknown_tag(name, delivery_tag);
  if (requeue)
    return_to_ready(**q, *id);
  else
    dead_letter(**q, *id, "rejected");
  drain();
  return {};
}

result<void> queues::cancel(std::string_view name, std::string_view consumer_tag) {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  if (consumer_tag.empty()) return bad_consumer_tag();
  for (uint64_t id : (*q)->remove_consumer(consumer_tag)) return_to_ready(**q, id);
  drain();
  return {};
}

void queues::tick() {
  for (auto& [name, q] : queues_) {
    expire_leases(q);
    expire(q);
  }
  drain();
}

// --- inspection -------------------------------------------------------------------

std::vector<message> queues::collect(const queue& q, const std::vector<uint64_t>& ids) const {
  std::vector<message> out;
  out.reserve(ids.size());
  for (uint64_t id : ids) out.push_back(q.find(id)->msg);
  return out;
}

result<std::vector<message>> queues::peek(std::string_view name, std::size_t max, uint64_t after) {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  expire(**q);
  drain();
  return collect(**q, (*q)->ready_ids(max, after));
}

result<std::vector<message>> queues::peek(std::string_view name, std::size_t max, uint64_t after) const {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  const auto expired = (*q)->expired_ready(clk_.now_ms());
  std::vector<uint64_t> ids;
  for (uint64_t id : (*q)->ready_ids((*q)->ready_count(), after)) {
    if (ids.size() == max) break;
    if (!std::ranges::binary_search(expired, id)) ids.push_back(id);
  }
  return collect(**q, ids);
}

result<std::pair<std::vector<message>, std::size_t>> queues::since(std::string_view name, uint64_t after,
                                                                   std::size_t max) const {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  auto [ids, total] = (*q)->ids_after(after, max);
  return std::pair{collect(**q, ids), total};
}

result<std::vector<message>> queues::dead_letters(std::string_view name, std::size_t max) {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  expire(**q);
  drain();
  return collect(**q, (*q)->dead_ids(max));
}

result<std::vector<message>> queues::dead_letters(std::string_view name, std::size_t max) const {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  return collect(**q, (*q)->dead_ids(max));
}

result<queue_stats> queues::stats(std::string_view name) {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  expire(**q);
  drain();
  return (*q)->stats();
}

result<queue_stats> queues::stats(std::string_view name) const {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  return (*q)->stats();
}

}  // namespace eventfabric::core
