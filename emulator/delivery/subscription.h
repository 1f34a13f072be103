#pragma once
// The push-delivery state machine of one subscription, on the injected clock.
// Pure: the caller does the HTTP (or in-process) call and reports the outcome.
//
//   enqueue(msg) ........ messages from the source, in source order per lane
//                          (a lane is a topic partition, or a queue)
//   next_due() .......... when the next attempt can start (nullopt: nothing to do)
//   next() .............. the next attempt due now, with its headers, or nullopt
//   complete(id, outcome)  what happened; decides retry / DLQ / quarantine
//
// Rules:
//  - One attempt in flight per lane at a time; different lanes run in parallel.
//    Among lanes whose heads are due at the same time, the message enqueued
//    first goes first (a sequential caller sees source order across lanes).
//  - Topic lanes in blocking mode (the default): a failed message stays at the
//    head of its partition until it succeeds, is dead-lettered or quarantined,
//    so per-key order holds. Non-blocking mode (and queues): a failed message
//    waits for its backoff aside and later messages pass it (a retry topic).
//  - processed: done. permanent (4xx): to the DLQ at once. transient (5xx,
//    timeout, connection error): retried after retry_policy::delay_for(); to
//    the DLQ when max_attempts attempts have failed.
//  - A message that times out or breaks the connection quarantine_after times,
//    or (when quarantine_after_same_failures > 0) fails that many consecutive
//    attempts the same way,
//    is quarantined (separate from the DLQ, with a reason), unblocking its lane.
//  - Redrive puts DLQ / quarantine entries back at the end of their lane with
//    a fresh attempt count; take() removes one for a caller that republishes
//    it to the source instead. A parking_listener hears of every park and
//    release (the push side persists them).
//
// Faults (when a faults::engine is given): asked once per attempt, before it
// starts. fail: the attempt fails (transient, FAULT_INJECTED) without reaching
// the consumer. delay: the attempt starts delay_ms later. reorder (first
// attempt only): up to `lag` following messages of the lane go first, never
// one with the same partition key unless allowed (keyless and queue messages
// always may). duplicate: a copy is delivered right after this one.
// timeout / lost_ack: whatever the consumer answers, the attempt counts as a
// transient timeout. crash / rebalance: the answer is lost and every attempt in
// flight is redelivered (not counted as a failure); on crash the caller must
// restart the consumer (delivery::restart_consumer, completion::restart_consumer).
// commit_error (asked after a processed outcome): the message is delivered again.
// Injected faults never count towards quarantine. When one attempt draws
// several kinds, fail wins (nothing reaches the consumer), then crash /
// rebalance, then timeout / lost_ack.
//
// Single-threaded (the owner's strand). No I/O.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/error.h"
#include "emulator/core/random.h"
#include "emulator/core/record.h"
#include "emulator/delivery/message.h"
#include "emulator/delivery/retry_policy.h"
#include "emulator/faults/engine.h"

namespace eventfabric::delivery {

struct subscription_options {
  std::string name;               // fault target "subscription"
  std::string consumer;           // fault target "consumer" (may be empty)
  retry_policy retry;
  bool blocking = true;           // topics: a retrying message blocks its partition
  int32_t quarantine_after = 3;   // K timeouts / connection errors of one message; 0 = never
  // A message whose consecutive failed attempts all fail the same way (the
  // same HTTP status and error code) this many times is quarantined as a
  // poison pill instead of retrying on to the DLQ; 0 = never (the default,
  // so that max_attempts alone decides).
  int32_t quarantine_after_same_failures = 0;
  // Whether attempts failed by an injected fault (fail, timeout, lost_ack)
  // spend the retry budget. The harness turns this off so that faults alone
  // never send a message to the DLQ: a difference is the consumer's doing.
  bool count_injected_failures = true;
};

core::result<void> validate(const subscription_options& o);

// One attempt to make now.
struct delivery {
  uint64_t id = 0;                       // for complete()
  message msg;
  int32_t attempt = 1;                   // X-Delivery-Attempt
  std::vector<core::header> headers;     // consumer-protocol headers
  bool duplicate = false;                // an injected duplicate copy
  bool restart_consumer = false;         // crash: after this attempt, kill and restart the consumer
  std::vector<faults::fault> faults;     // faults injected into this attempt
};

enum class parking : uint8_t { dlq, quarantine };
enum class park_reason : uint8_t { permanent_failure, max_attempts, poison_pill };
std::string_view park_reason_name(park_reason r) noexcept;

// A DLQ or quarantine entry with its error context.
struct parked_message {
  uint64_t id = 0;                       // per subscription, shared by DLQ and quarantine
  message msg;                           // the source: topic/partition/offset or queue, and the envelope
  park_reason reason = park_reason::max_attempts;
  std::string why;                       // one sentence
  int32_t attempts = 0;
  int32_t crashes = 0;                   // timeouts and connection errors
  int last_status = 0;                   // 0: no HTTP answer
  error_context last_error;              // error-contract shape
  std::string response_body;             // last response body, kept as is
  std::vector<core::header> headers;     // of the last attempt
  int64_t first_failure_ms = 0;
  int64_t last_failure_ms = 0;
  int64_t parked_ms = 0;
  bool operator==(const parked_message&) const = default;
};

enum class verdict : uint8_t {
  processed,      // done
  retry,          // failed; retried at retry_at
  dead_lettered,  // moved to the DLQ (parked_id)
  quarantined,    // moved to the quarantine (parked_id)
  redeliver,      // answer lost (crash, rebalance, commit error): delivered again
};

struct completion {
  verdict result = verdict::processed;
  std::optional<int64_t> retry_at;
  std::optional<uint64_t> parked_id;
  bool restart_consumer = false;  // a crash fault: restart the consumer now
  std::size_t aborted = 0;        // other attempts in flight put back (crash, rebalance)
};

struct redrive_filter {
  std::optional<uint64_t> id;             // one entry
  std::optional<std::string> type;        // envelope type
  std::optional<std::string> error_code;  // last_error.code
  bool matches(const parked_message& p) const;
};

// Told about every change of the DLQ and the quarantine, synchronously,
// before the call that made it returns, so that the owner can stage it in a
// store together with what follows (an offset commit, an ack). No I/O here:
// the owner decides what to do with it (emulator/push persists it).
class parking_listener {
 public:
  virtual ~parking_listener() = default;
  // `p` was just parked in `where`.
  virtual void parked(parking where, const parked_message& p) = 0;
  // The entry `id` is gone for good: purged, taken out (a redrive to the
  // source), or redriven to the lanes and since then processed or parked
  // again (until then a redriven entry is still owed to the consumer).
  virtual void released(parking where, uint64_t id) = 0;
};

struct subscription_stats {
  uint64_t attempts = 0, processed = 0, retries = 0, dead_lettered = 0, quarantined = 0;
  uint64_t redelivered = 0, redriven = 0, injected = 0;
};

class subscription {
 public:
  // `opts` must be valid (see validate()). `faults` may be null. Everything
  // passed by reference must outlive the subscription.
  subscription(subscription_options opts, core::clock& clk, core::random& rng, faults::engine* faults = nullptr);

  const subscription_options& options() const { return opts_; }

  void enqueue(message m);
  // The earliest time an attempt can start; nullopt when nothing is waiting
  // (or every lane with work has an attempt in flight).
  std::optional<int64_t> next_due() const;
  // The next attempt due at clock.now_ms(), or nullopt. Call repeatedly to
  // start attempts on several lanes.
  std::optional<delivery> next();
  // not_found for an unknown (or already completed, or aborted) delivery id.
  core::result<completion> complete(uint64_t delivery_id, const outcome& o);
  // The consumer went away on its own: every attempt in flight is redelivered
  // (not counted as a failure). Returns how many.
  std::size_t redeliver_in_flight();

  std::vector<parked_message> list(parking where) const;
  const parked_message* find(parking where, uint64_t id) const;
  // Moves matching entries back to their lanes (at the end, fresh attempt
  // count) and returns their messages, so a server can also republish them.
  std::vector<message> redrive(parking where, const redrive_filter& f = {});
  std::size_t purge(parking where, const redrive_filter& f = {});
  // Removes one entry and returns it (a redrive that republishes it to the
  // source; counted as redriven); nullopt when there is none.
  std::optional<parked_message> take(parking where, uint64_t id);
  // Puts back an entry kept elsewhere (after a restart), with its id; later
  // parked entries get larger ids. Not counted in the stats, not told to the
  // listener. already_exists when the id is taken.
  core::result<void> restore_parked(parking where, parked_message p);
  // `l` (may be null) must outlive the subscription or be reset first.
  void set_parking_listener(parking_listener* l) { listener_ = l; }

  std::size_t waiting() const;    // pending and retrying, in flight excluded
  std::size_t in_flight() const { return in_flight_.size(); }
  bool idle() const { return waiting() == 0 && in_flight_.empty(); }
  const subscription_stats& stats() const { return stats_; }

 private:
  using lane_key = std::tuple<source_kind, std::string, int32_t>;
  struct item {
    uint64_t seq = 0;
    message msg;
    int32_t attempts = 0;   // attempts started
    int32_t failures = 0;   // failed attempts (the retry budget)
    int32_t crashes = 0;    // real timeouts / connection errors
    std::string failure_signature;  // "<status> <error code>" of the last real transient failure
    int32_t same_failures = 0;      // consecutive real failures with that signature
    int64_t due_ms = 0;
    bool duplicate = false;
    bool reordered = false;
    std::optional<std::vector<faults::fault>> decided;  // faults of the next attempt, still to apply
    std::vector<faults::fault> attempt_faults;          // all faults of the next attempt
    int64_t first_failure_ms = -1, last_failure_ms = -1;
    int last_status = 0;
    error_context last_error;
    std::string last_body;
    std::vector<core::header> last_headers;
    std::optional<std::pair<parking, uint64_t>> redriven_from;  // the parked entry this redrive is owed to
  };
  struct lane {
    std::deque<item> pending;    // source order, head first
    std::vector<item> retrying;  // failed, waiting for the backoff (non-blocking mode, queues)
    bool busy = false;
  };
  struct active {
    item it;
    lane_key lane;
  };

  static lane_key key_of(const message& m) { return {m.kind, m.source, m.partition}; }
  bool blocks(const lane_key& k) const { return opts_.blocking && std::get<0>(k) == source_kind::topic; }
  faults::delivery_point point_of(const item& it, bool can_reorder) const;
  item fresh(message m);
  // Puts an item back where its next attempt waits (head of a blocking lane, else aside).
  void put_back(lane& l, const lane_key& k, item it);
  // A failed attempt: retry, DLQ or quarantine.
  completion fail(lane& l, const lane_key& k, item it, const outcome& o, error_context e, bool injected,
                  std::vector<core::header> headers);
  uint64_t park(parking where, park_reason reason, std::string why, item it);
  std::size_t abort_all();
  // The item is finished: the entry it was redriven from (if any) is released.
  void settle(const item& it);

  subscription_options opts_;
  core::clock* clk_;
  core::random* rng_;
  faults::engine* faults_;
  std::map<lane_key, lane> lanes_;
  std::map<uint64_t, active> in_flight_;
  std::map<uint64_t, parked_message> dlq_, quarantine_;
  uint64_t next_seq_ = 1, next_delivery_ = 1, next_parked_ = 1;
  subscription_stats stats_;
  parking_listener* listener_ = nullptr;
};

}  // namespace eventfabric::delivery
