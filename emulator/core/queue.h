#pragma once
// One RabbitMQ-style queue: its messages, their states and the indexes over
// them. Pure bookkeeping: no routing, no dead-letter policy and no persistence
// (queues.h drives those). Every message is in exactly one state (ready,
// unacked or dead); transitions keep all indexes consistent.
//
// Not thread-safe; owned and called by `queues` on the broker's strand.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/core/queue_types.h"

namespace eventfabric::core {

// Queue-name rule. Strict: `service.action.priority` with an optional 4th
// segment `dlq`; every segment matches [a-z][a-z0-9_-]* and the priority is one
// of high|normal|low (e.g. "notify.email.high", "ledger.refund.normal.dlq").
// Relaxed: 1..255 chars of [A-Za-z0-9._:-]. In both modes the "amq." prefix is
// reserved. Failure: errc::invalid_name with details {"field": "name"}.
result<void> check_queue_name(std::string_view name, bool strict);

// Exchange-name rule: 1..255 chars of [A-Za-z0-9._:-] (the "amq." prefix is
// checked by queues, which pre-declares those). errc::invalid_name on failure,
// details {"field": <field>}.
result<void> check_exchange_name(std::string_view name, std::string_view field = "name");

// The name rule plus argument ranges (TTL, max length, delivery limit >= 0;
// max_priority 1..255; DLX name; routing keys <= 255 bytes).
result<void> check_queue_config(const queue_config& cfg, bool strict);

// A message inside a queue, with its delivery bookkeeping.
struct queue_entry {
  message msg;
  message_state state = message_state::ready;
  int32_t delivery_count = 0;  // deliveries so far
  bool redelivered = false;    // returned to ready at least once
  int64_t enqueued_ms = 0;     // TTL counts from here; kept across requeues
  // Set while unacked:
  uint64_t delivery_tag = 0;
  std::string consumer_tag;
  std::optional<int64_t> lease_deadline_ms;
};

struct consumer_state {
  std::size_t prefetch = 0;  // 0 = unlimited
  std::size_t unacked = 0;
};

class queue {
 public:
  explicit queue(queue_config cfg) : cfg_(std::move(cfg)) {}

  const queue_config& config() const noexcept { return cfg_; }
  const std::string& name() const noexcept { return cfg_.name; }

  // Adds `e` in its state (ready, or dead; unacked is not accepted: restore
  // converts those to ready first). Requires an id not already present.
  void insert(queue_entry e);

  const queue_entry* find(uint64_t id) const;
  // For updating the message's dead-letter history. Callers must not change
  // msg.id or msg.priority (index keys).
  message* message_of(uint64_t id);
  std::optional<uint64_t> id_of_tag(uint64_t delivery_tag) const;

  // Ready ids in delivery order (priority desc, then id), at most `max`.
  // The first `max` ready message ids in delivery order, skipping ids <= after.
  std::vector<uint64_t> ready_ids(std::size_t max, uint64_t after = 0) const;
  std::optional<uint64_t> head() const;
  // The ready message with the smallest id (the oldest), whatever its priority.
  std::optional<uint64_t> oldest() const;
  // Dead ids in id order, at most `max`.
  std::vector<uint64_t> dead_ids(std::size_t max) const;
  // Ids above `after` in id order (any state), at most `max`, and how many
  // such ids there are in all.
  std::pair<std::vector<uint64_t>, std::size_t> ids_after(uint64_t after, std::size_t max) const;
  // Ready ids whose TTL has run out at `now_ms` (expires_at <= now).
  std::vector<uint64_t> expired_ready(int64_t now_ms) const;
  // Delivery tags whose lease deadline is <= now_ms.
  std::vector<uint64_t> expired_leases(int64_t now_ms) const;

  // ready -> unacked for `consumer` (which must be registered). lease_ms 0 =
  // no lease. Returns the delivery (its msg is a copy).
  delivery deliver(uint64_t id, std::string_view consumer, int64_t now_ms, int64_t lease_ms);
  // unacked -> ready at the original position, marked redelivered.
  void requeue(uint64_t id);
  // ready/unacked -> dead.
  void kill(uint64_t id);
  // Takes the message out of the queue, whatever its state.
  queue_entry remove(uint64_t id);

  // Consumers. register_consumer is get-or-create with prefetch 0.
  consumer_state& register_consumer(std::string_view tag);
  const consumer_state* find_consumer(std::string_view tag) const;
  // Unregisters and returns the ids the consumer still holds unacked.
  std::vector<uint64_t> remove_consumer(std::string_view tag);
  // How many more messages the consumer may hold (SIZE_MAX when unlimited).
  std::size_t room(std::string_view tag) const;

  std::size_t ready_count() const noexcept { return ready_.size(); }
  std::size_t unacked_count() const noexcept { return by_tag_.size(); }
  std::size_t dead_count() const noexcept { return dead_.size(); }
  std::size_t consumer_count() const noexcept { return consumers_.size(); }
  // Every id held, in id order.
  std::vector<uint64_t> all_ids() const;

  // Cumulative counters; ready/unacked/dead/consumers are filled by stats().
  queue_stats& counters() noexcept { return counters_; }
  queue_stats stats() const;

 private:
  using ready_key = std::pair<int, uint64_t>;  // (-effective priority, id)
  ready_key key_of(const message& m) const;
  std::optional<int64_t> expires_at(const queue_entry& e) const;
  void attach(queue_entry& e);  // adds e to the index of its state
  void detach(queue_entry& e);  // removes e from the index of its state

  queue_config cfg_;
  std::map<uint64_t, queue_entry> entries_;
  std::set<ready_key> ready_;
  std::set<uint64_t> ready_by_id_;
  std::set<std::pair<int64_t, uint64_t>> expiry_;  // (expires_at, id) of ready entries with a TTL
  std::set<uint64_t> dead_;
  std::map<uint64_t, uint64_t> by_tag_;            // delivery tag -> id of unacked entries
  std::set<std::pair<int64_t, uint64_t>> leases_;  // (deadline, tag)
  std::map<std::string, consumer_state, std::less<>> consumers_;
  uint64_t next_tag_ = 1;
  queue_stats counters_;
};

}  // namespace eventfabric::core
