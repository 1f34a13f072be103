#pragma once
// The RabbitMQ-style queues module of the broker core: exchanges (default,
// direct, topic, fanout), bindings, queues, routing, acks and leases, TTL,
// max-length with overflow, priorities, delivery limits and dead-lettering
// with an x-death style history. Pure and synchronous: time comes from the
// injected clock and nothing happens between calls (tick() applies due TTL and
// lease expiry).
//
// Invariants:
//  - Every message is in exactly one state (ready, unacked or dead) in exactly
//    one queue; it leaves only by ack, purge, queue deletion, or by being
//    dead-lettered into a DLX that accepted a copy. A message that cannot be
//    dead-lettered (no DLX, DLX missing or routing nowhere, cycle, target
//    refused it) stays in its source queue as dead: no data is lost.
//  - Message ids are unique across the module and increase; within a
//    priority, ready messages are delivered in id order.
//  - With a storage, every mutation stages its writes before returning; the
//    module never commits (the broker does). Spaces: "exchange", "queue",
//    "binding", "qmsg", and key "queue_next_id" of "meta".
//
// Not thread-safe: call from the broker's strand only. `clk` and `store` must
// outlive this object.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/error.h"
#include "emulator/core/queue.h"
#include "emulator/core/queue_types.h"
#include "emulator/core/storage.h"

namespace eventfabric::core {

class queues {
 public:
  // store == nullptr: nothing is persisted. strict_names selects the queue
  // naming rule (see check_queue_name).
  queues(clock& clk, storage* store, bool strict_names = true);

  // --- topology ---------------------------------------------------------------
  // Idempotent when identical; errc::already_exists when the name exists with
  // another type. "" and "amq.*" are reserved (invalid_name), except that
  // re-declaring a pre-declared amq.direct/amq.topic/amq.fanout identically is ok.
  result<void> declare_exchange(const exchange_config& cfg);
  // Removes the exchange and its bindings. not_found if unknown; invalid_name
  // for the reserved ones. Queues naming it as DLX keep their dead messages.
  result<void> delete_exchange(std::string_view name);
  // Idempotent when identical; already_exists when the config differs.
  result<void> declare_queue(const queue_config& cfg);
  // Drops the queue, its messages (without dead-lettering), consumers and bindings.
  result<void> delete_queue(std::string_view name);
  // Removes the ready messages; returns how many. Dead and unacked ones stay.
  result<std::size_t> purge(std::string_view queue);
  // Removes the dead messages kept in the queue; returns how many.
  result<std::size_t> purge_dead(std::string_view queue);
  // Exchange and queue must exist (not_found); the default exchange cannot be
  // bound (invalid_argument). bind is idempotent; unbind of an absent binding is ok.
  result<void> bind(const binding& b);
  result<void> unbind(const binding& b);

  // --- data plane -------------------------------------------------------------
  // Routes and enqueues one copy (with its own id) per matched queue.
  // not_found: unknown exchange. unroutable: mandatory and no queue matched.
  // rejected: a reject_publish queue was full; the copies for the other
  // queues are still enqueued (details: "queue" = first refusing queue,
  // "enqueued" = comma-separated queues that took it).
  result<publish_result> publish(const publish_request& req);
  // Applies due TTL expiry to the queue, then delivers up to
  // min(max_messages, the consumer's prefetch room) ready messages in order.
  // An unknown consumer tag is registered with prefetch 0 (unlimited).
  // lease_ms > 0: an unacked delivery is requeued by tick() at now + lease_ms.
  result<std::vector<delivery>> receive(std::string_view queue, std::string_view consumer_tag,
                                        std::size_t max_messages, int64_t lease_ms);
  // Registers the consumer if needed; 0 = unlimited. Lowering it never
  // revokes deliveries already made.
  result<void> set_prefetch(std::string_view queue, std::string_view consumer_tag, std::size_t prefetch);
  // precondition_failed: the delivery tag is not an outstanding delivery.
  result<void> ack(std::string_view queue, uint64_t delivery_tag);
  // requeue: back to ready at its original position, redelivered=true (or
  // dead-lettered "delivery_limit" when delivered more than the limit).
  // !requeue (reject): dead-lettered with reason "rejected".
  result<void> nack(std::string_view queue, uint64_t delivery_tag, bool requeue);
  result<void> reject(std::string_view queue, uint64_t delivery_tag) {
    return nack(queue, delivery_tag, false);
  }
  // Unregisters the consumer and requeues its unacked messages. A consumer
  // tag that is not registered is a no-op (RabbitMQ basic.cancel).
  result<void> cancel(std::string_view queue, std::string_view consumer_tag);

  // --- inspection ---------------------------------------------------------------
  // The non-const overloads first apply due TTL expiry to the queue (what the
  // broker calls); the const ones change nothing and peek skips messages
  // whose TTL has run out, so an expired message is never shown as ready.
  // peek pages with `after`: only ready messages whose id is above it (ids
  // grow with each publish, so a reader passes the last id it saw).
  result<std::vector<message>> peek(std::string_view queue, std::size_t max, uint64_t after = 0);
  result<std::vector<message>> peek(std::string_view queue, std::size_t max, uint64_t after = 0) const;
  result<std::vector<message>> dead_letters(std::string_view queue, std::size_t max);
  result<std::vector<message>> dead_letters(std::string_view queue, std::size_t max) const;
  // Non-consuming tail: the messages the queue holds (ready, unacked or dead)
  // whose id is above `after`, in id order, at most `max`; `second` counts
  // them all. Ids grow, so a reader that remembers the last id it saw gets
  // what was enqueued since, if it is still held. Changes nothing.
  result<std::pair<std::vector<message>, std::size_t>> since(std::string_view queue, uint64_t after,
                                                             std::size_t max) const;
  result<queue_stats> stats(std::string_view queue);
  result<queue_stats> stats(std::string_view queue) const;
  std::vector<std::string> list_queues() const;
  std::vector<exchange_config> list_exchanges() const;
  std::vector<binding> list_bindings() const;  // explicit bindings, sorted
  result<queue_config> queue_info(std::string_view queue) const;
  // The id the next enqueued message will get (all ids below were assigned).
  uint64_t next_message_id() const noexcept { return next_id_; }

  // Called synchronously after each dead-lettering is resolved (moved or
  // kept). Must not call back into this object. nullptr = none. Copies of a
  // queues object share the listener.
  void set_dead_letter_listener(std::function<void(const dead_letter_event&)> fn) {
    listener_ = std::move(fn);
  }

  // Applies lease expiry (requeue) and TTL expiry (dead-letter) in every
  // queue at clk.now_ms().
  void tick();

  // --- recovery -----------------------------------------------------------------
  // Feed every stored value; false when the space/key is not this module's,
  // errc::storage_error when the value is corrupt. Then call finish_restore().
  result<bool> restore(std::string_view space, std::string_view key, std::string_view value);
  // Attaches restored messages and bindings (orphans are dropped); unacked
  // messages become ready with redelivered=true; the id counter continues
  // after the largest id seen.
  void finish_restore();

 private:
  struct dead_letter_job {
    std::string queue;
    uint64_t id;
    std::string reason;
  };

  queue* find_queue(std::string_view name);
  const queue* find_queue(std::string_view name) const;
  result<queue*> need_queue(std::string_view name);
  result<const queue*> need_queue(std::string_view name) const;
  // Names of the queues `exchange` routes `routing_key` to (no duplicates, sorted).
  std::set<std::string> route(const exchange_config& ex, std::string_view routing_key) const;
  bool would_reject(const queue& q) const;
  // Enqueues a new message with a fresh id; applies drop_head overflow.
  // Requires !would_reject(q). Returns the id.
  uint64_t enqueue(queue& q, message m);

  // queues_consume.cc
  void expire(queue& q);
  void expire_leases(queue& q);
  // unacked -> ready, or dead-letter "delivery_limit" when over the limit.
  void return_to_ready(queue& q, uint64_t id);
  std::vector<message> collect(const queue& q, const std::vector<uint64_t>& ids) const;

  // queues_deadletter.cc
  // Marks the message dead now and schedules its dead-lettering.
  void dead_letter(queue& q, uint64_t id, std::string_view reason);
  // Runs scheduled dead-letterings (including the ones they cause).
  void drain();
  void process(const dead_letter_job& job);
  // Queues the DLX would take a copy of `m` into (cycles and full
  // reject_publish queues left out); empty = keep it dead in `src`.
  std::vector<queue*> dlx_targets(const queue& src, const message& m);
  void record_death(queue& q, message& m, std::string_view reason) const;

  // queues_persist.cc: staging writes (no-ops without a store).
  void persist_entry(const queue& q, uint64_t id);
  void erase_entry(const queue& q, uint64_t id);
  void persist_queue(const queue_config& cfg);
  void persist_next_id();
  void persist_binding(const binding& b, bool present);

  clock& clk_;
  storage* store_;
  bool strict_;
  std::map<std::string, exchange_config, std::less<>> exchanges_;
  std::map<std::string, queue, std::less<>> queues_;
  std::set<binding> bindings_;
  uint64_t next_id_ = 1;
  std::deque<dead_letter_job> jobs_;
  std::function<void(const dead_letter_event&)> listener_;
  // Staged by restore(), attached by finish_restore().
  std::vector<std::pair<std::string, queue_entry>> restored_entries_;
  std::vector<binding> restored_bindings_;
};

}  // namespace eventfabric::core
