#pragma once
// The source side of a push subscription, over the core broker (no I/O):
//
//  - topic: a member of the consumer group `definition::group`. It reads its
//    assigned partitions from the group's position (committed offset, else
//    `start`), enqueues records in offset order with bounded read-ahead, and
//    commits a partition's offset when the messages before it are finished
//    (processed, dead-lettered or quarantined): the commit is the smallest
//    offset still outstanding, contiguous per partition. It heartbeats, and
//    re-joins after a rebalance (partitions it lost are no longer read; what
//    it already holds is still delivered: at least once).
//  - queue: a consumer (tag "push:<name>") that receives without a lease and
//    acks a message once it is processed or parked in the DLQ/quarantine.
//    Without a lease the core never hands the message to anybody else while
//    the engine retries it (retries can outlast any lease); close() cancels
//    the consumer, which requeues what is unacked, and after a crash the
//    core's recovery makes unacked messages ready again.
//
// Offset commits and acks are staged in the broker's store; the server's
// group commit makes them durable (at least once across a crash).
// Single-threaded: the server's strand.

#include <memory>

#include "emulator/core/broker.h"
#include "emulator/core/error.h"
#include "emulator/delivery/message.h"
#include "emulator/delivery/subscription.h"
#include "emulator/push/definition.h"

namespace eventfabric::push {

class source {
 public:
  virtual ~source() = default;
  // Moves up to `room` messages from the broker into `sub`; returns how many.
  virtual std::size_t fill(delivery::subscription& sub, std::size_t room) = 0;
  // `m` is finished: commit its offset (when contiguous) or ack it.
  virtual void done(const delivery::message& m) = 0;
  // Time-driven upkeep (group heartbeats, rebalances).
  virtual void tick() {}
  // Leaves the group / cancels the queue consumer. Idempotent.
  virtual void close() = 0;
};

// not_found when the topic or queue does not exist; for topics, joins the
// group and commits the starting positions of partitions without a committed
// offset (so a restart resumes there).
core::result<std::unique_ptr<source>> open_source(core::broker& b, const definition& d);

// The delivery message for a topic record or a queue message: the envelope's
// id, type, trace_id and metadata.partition_key are read when the body is a
// JSON object carrying them (other bodies are pushed as they are).
delivery::message message_from_body(delivery::source_kind kind, std::string source, std::string body);

}  // namespace eventfabric::push
