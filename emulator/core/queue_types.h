#pragma once
// Value types of the RabbitMQ-style queues module (see queues.h): exchange and
// queue configurations, bindings, messages, deliveries and the x-death style
// dead-letter history. Plain data; no behaviour beyond comparison.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/record.h"

namespace eventfabric::core {

enum class exchange_type : uint8_t {
  direct,  // routes to bindings whose key equals the routing key
  topic,   // routes to bindings whose pattern matches the routing key (see topic_match.h)
  fanout,  // routes to every bound queue, ignoring keys
};

// What a queue does when a publish finds it at max_length ready messages.
enum class overflow_policy : uint8_t {
  drop_head,       // dead-letter the oldest ready message (reason "maxlen") to make room
  reject_publish,  // refuse the new message in this queue; publish reports errc::rejected
};

// Where a message is inside its queue. Every message is in exactly one state.
enum class message_state : uint8_t {
  ready,    // waiting for delivery
  unacked,  // delivered, waiting for ack/nack (or lease expiry)
  dead,     // dead-lettered but kept in its queue (no usable DLX): see queues::dead_letters
};

// RabbitMQ queue arguments (x-message-ttl, x-max-length, x-overflow,
// x-max-priority, x-delivery-limit, x-dead-letter-exchange/-routing-key).
struct queue_config {
  std::string name;
  std::optional<int64_t> message_ttl_ms;  // >= 0; per-queue TTL counted from enqueue
  std::optional<int64_t> max_length;      // >= 0; counts READY messages only
  overflow_policy overflow = overflow_policy::drop_head;
  std::optional<uint8_t> max_priority;    // 1..255; unset = priorities ignored
  std::optional<int32_t> delivery_limit;  // >= 0; quorum-queue x-delivery-limit
  // Empty = no DLX, unless dead_letter_routing_key is set: then the default
  // exchange "" is the DLX (RabbitMQ's x-dead-letter-exchange = "").
  std::string dead_letter_exchange;
  std::optional<std::string> dead_letter_routing_key;  // unset = the message's routing key
  bool operator==(const queue_config&) const = default;
};

struct exchange_config {
  std::string name;
  exchange_type type = exchange_type::direct;
  bool operator==(const exchange_config&) const = default;
};

struct binding {
  std::string exchange, queue, routing_key;
  auto operator<=>(const binding&) const = default;
};

// One x-death entry: how often a message died in `queue` for `reason`.
struct death {
  std::string reason;  // rejected | expired | maxlen | delivery_limit
  std::string queue;
  int64_t count = 0;
  // Of the first such death (RabbitMQ increments count and keeps the rest):
  int64_t time_ms = 0;
  std::string exchange;                   // exchange the message carried when it died
  std::vector<std::string> routing_keys;  // routing key it carried when it died
  bool operator==(const death&) const = default;
};

struct message {
  // Unique across the module, assigned at enqueue; its order is the FIFO
  // position (a dead-lettered copy gets a fresh, larger id).
  uint64_t id = 0;
  std::string exchange, routing_key, body, message_id;
  std::vector<header> headers;
  uint8_t priority = 0;
  std::optional<int64_t> expiration_ms;  // per-message TTL; removed when dead-lettered (RabbitMQ)
  int64_t published_ms = 0;              // time the publish (or dead-letter republish) happened
  std::vector<death> deaths;             // most recent first
  uint64_t parent_id = 0;                // id this is a dead-lettered copy of; 0 = published directly
  bool operator==(const message&) const = default;
};

struct delivery {
  std::string queue;
  uint64_t delivery_tag = 0;   // per queue; valid until ack/nack/cancel/lease expiry
  bool redelivered = false;    // delivered (and returned) before
  int32_t delivery_count = 0;  // 1 on first delivery
  std::string consumer_tag;
  message msg;
};

struct publish_request {
  std::string exchange, routing_key, body, message_id;
  std::vector<header> headers;
  uint8_t priority = 0;
  std::optional<int64_t> expiration_ms;  // >= 0
  bool mandatory = false;                // no route -> errc::unroutable
};

struct publish_result {
  std::vector<std::string> queues;  // queues the message was enqueued in, by name
  std::vector<uint64_t> ids;        // id of the copy in each of `queues`
  uint64_t message_id_seq = 0;      // first id assigned by this publish (next id if none)
};

// One dead-lettering, reported to the listener set with
// queues::set_dead_letter_listener (metrics, recording, tests).
struct dead_letter_event {
  std::string queue;   // where the message died
  uint64_t id = 0;     // the message that died
  std::string reason;  // rejected | expired | maxlen | delivery_limit
  // (queue, id) of each copy made through the DLX; empty = kept dead in `queue`.
  std::vector<std::pair<std::string, uint64_t>> copies;
};

struct queue_stats {
  std::size_t ready = 0;
  std::size_t unacked = 0;
  std::size_t dead = 0;       // kept in this queue's dead list
  std::size_t consumers = 0;  // registered consumer tags
  // Counters since this object was created (not persisted, like RabbitMQ's
  // management counters after a restart).
  uint64_t published = 0;    // messages enqueued (publishes and dead-letter copies)
  uint64_t delivered = 0;    // deliveries, including redeliveries
  uint64_t redelivered = 0;  // deliveries with redelivered=true
  uint64_t acked = 0;
  uint64_t dead_lettered = 0;       // messages that died here (moved to a DLX or to the dead list)
  uint64_t expired = 0;             // of which died by TTL
  uint64_t rejected_publishes = 0;  // refused by reject_publish overflow
};

std::string_view to_string(exchange_type t) noexcept;
std::string_view to_string(overflow_policy p) noexcept;
std::string_view to_string(message_state s) noexcept;

}  // namespace eventfabric::core
