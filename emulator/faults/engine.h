#pragma once
// The seeded fault engine. The delivery engine, the producer path and the
// commit path ask it, before acting, which faults happen now; it answers
// deterministically from its seed and the sequence of questions, and appends
// every fault it answers with to the realised schedule.
//
// Positions: the engine counts, per site (delivery, produce, commit) and per
// concrete target, every question naming that target; the n-th question is
// position n (1-based). A rule with positions fires exactly there; a rule
// with a probability draws once from the seeded core::random per matching
// target per question (whether or not it fires), so the draws, and hence the
// schedule, depend only on the seed and the questions asked.
//
// Replay: an engine built with replay() injects exactly the faults of a saved
// schedule, matched by (site, target, position), and nothing else; rules are
// ignored. Its realised schedule is those faults as they recur. A fault with
// an `occurrence` (recorded under track_messages()) is matched instead by
// (site, target, message id, occurrence): removing other faults from a
// schedule, as the harness's shrinker does, leaves it on the same message.
//
// Failure cap (set_failure_cap(n), live mode): at most n faults of the kinds
// that fail an attempt (fail, timeout, lost_ack) per message id, so a plan
// never sends a message to the DLQ by faults alone when n < max_attempts.
// Capped draws still happen, so the rest of the schedule does not shift.
//
// Single-threaded (the owner's strand). No I/O.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/error.h"
#include "emulator/core/random.h"
#include "emulator/faults/fault.h"
#include "emulator/faults/rule.h"

namespace eventfabric::faults {

// What a delivery (or commit) concerns. Empty names are not applicable.
// Views: the strings must outlive the decide_*() call (the engine copies what
// it keeps).
struct delivery_point {
  std::string_view topic;
  std::string_view queue;
  std::string_view subscription;
  std::string_view consumer;
  std::string_view message_id;
  std::optional<std::string_view> key;  // partition key, informational
  // False when a reorder cannot apply (e.g. a retry): reorder rules are skipped
  // without drawing, and recorded reorders are not replayed here.
  bool can_reorder = true;
};

// A target by reference (the engine's questions; see delivery_point).
struct target_view {
  target_type type;
  std::string_view name;
};

class engine {
 public:
  // Live mode: rules are validated; an invalid one is an error from set_rules().
  engine(uint64_t seed, core::clock& clk);
  // Replay mode: injects exactly the faults of `s`.
  static engine replay(schedule s, core::clock& clk);

  core::result<void> set_rules(std::vector<rule> rules);
  // Counts questions per message id (see fault::occurrence). Off by default:
  // a long-running server would keep one counter per message.
  void track_messages(bool on) { track_messages_ = on; }
  void set_failure_cap(std::optional<int32_t> n) { failure_cap_ = n; }
  const std::vector<rule>& rules() const { return rules_; }
  bool replaying() const { return replaying_; }
  uint64_t seed() const { return rng_.seed(); }

  // At most one fault per kind per question (the first matching rule's), ordered by kind.
  std::vector<fault> decide_delivery(const delivery_point& p);
  // The produce of a record to a topic or queue (produce_error).
  std::vector<fault> decide_produce(target_type type, std::string_view name, std::string_view message_id);
  // An ack / offset commit after processing (commit_error).
  std::vector<fault> decide_commit(const delivery_point& p);

  // Every fault injected so far, in order.
  const schedule& realised() const { return realised_; }
  void clear_realised() { realised_.clear(); }

 private:
  using slot = std::tuple<fault_site, target_type, std::string, int64_t>;
  using message_slot = std::tuple<fault_site, target_type, std::string, std::string, int64_t>;

  std::vector<fault> decide(fault_site site, const target_view* targets, std::size_t n, std::string_view message_id,
                            bool can_reorder);
  fault make(const rule& r, const target_view& t, int64_t position, std::string_view message_id);

  core::clock* clk_;
  core::random rng_;
  bool replaying_ = false;
  std::vector<rule> rules_;
  struct counter {
    int64_t count = 0;
    uint32_t id = 0;  // a small number for (site, target), used per message
  };
  struct per_message {
    std::vector<std::pair<uint32_t, int64_t>> occurrences;  // (counter id, questions so far)
    int32_t failures = 0;                                   // failing faults, under the cap
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  counter& counter_for(fault_site site, const target_view& t);
  per_message& message_state(std::string_view message_id);

  std::map<std::tuple<fault_site, target_type, std::string>, counter, std::less<>> counters_;
  std::multimap<slot, fault, std::less<>> recorded_;  // replay mode
  std::multimap<message_slot, fault, std::less<>> recorded_by_message_;  // replay mode, tracked faults
  bool track_messages_ = false;
  // Whether a site can yield faults at all (live: a rule of that site; replay:
  // a recorded fault). Per-message counting is skipped at the other sites:
  // their occurrences could never be replayed.
  bool site_active_[3] = {false, false, false};
  std::optional<int32_t> failure_cap_;
  std::unordered_map<std::string, per_message, string_hash, std::equal_to<>> messages_;  // tracking or cap
  schedule realised_;
};

}  // namespace eventfabric::faults
