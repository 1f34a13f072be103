#pragma once
// Kafka-style consumer groups, coordinated by the broker.
//
// Rebalances complete synchronously: a membership or subscription change
// bumps the generation and recomputes every member's assignment at once.
// Other members learn of it from heartbeat() (rebalance_in_progress) and
// re-join, which returns the new generation and assignment without another
// bump. Sessions expire in tick() on the injected clock. Committed offsets
// are kept per (group, topic, partition). Single-threaded (broker strand).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/assignor.h"
#include "emulator/core/clock.h"
#include "emulator/core/error.h"
#include "emulator/core/random.h"
#include "emulator/core/storage.h"
#include "emulator/core/topics.h"

namespace eventfabric::core {

enum class offset_reset {
  earliest,  // start at the log start
  latest,    // start at the high watermark
  none,      // no committed offset is an error
};

struct join_request {
  std::string group;
  std::string member_id;  // empty on the first join: the coordinator assigns one
  std::string client_id = "consumer";
  std::vector<std::string> topics;
  assignment_strategy strategy = assignment_strategy::range;
  int64_t session_timeout_ms = 45'000;
};

struct member_assignment {
  std::string member_id;
  int32_t generation = 0;
  std::string leader;                   // member with the smallest id
  std::vector<topic_partition> partitions;
  bool rebalanced = false;              // this join changed the generation
};

struct member_info {
  std::string member_id;
  std::string client_id;
  std::vector<std::string> topics;
  std::vector<topic_partition> assignment;
  int64_t session_timeout_ms = 0;
  int64_t last_seen_ms = 0;
};

struct group_info {
  std::string group;
  int32_t generation = 0;
  assignment_strategy strategy = assignment_strategy::range;
  std::string state;  // "Empty" or "Stable" (rebalances are instantaneous)
  std::vector<member_info> members;
};

struct partition_lag {
  topic_partition tp;
  std::optional<int64_t> committed;
  int64_t log_start = 0;
  int64_t high_watermark = 0;
  int64_t lag = 0;  // high_watermark - committed (or - log_start when nothing is committed)
};

class groups {
 public:
  // All references must outlive this object; `store` may be null.
  groups(clock& clk, random& rng, storage* store, const topics& topics);

  result<member_assignment> join(const join_request& req);
  result<void> leave(std::string_view group, std::string_view member_id);
  // Keeps the session alive. A stale generation is rebalance_in_progress.
  result<member_assignment> heartbeat(std::string_view group, std::string_view member_id, int32_t generation);

  // A member commit must carry the current generation. An empty member_id is a
  // standalone commit, allowed only while the group has no members.
  result<void> commit(std::string_view group, std::string_view member_id, int32_t generation,
                      std::string_view topic, int32_t partition, int64_t offset);
  result<std::optional<int64_t>> committed(std::string_view group, std::string_view topic, int32_t partition) const;
  // Where a consumer of the group starts reading: the committed offset, else
  // by `reset`. A committed offset below the log start also resets.
  result<int64_t> position(std::string_view group, std::string_view topic, int32_t partition,
                           offset_reset reset) const;
  result<std::vector<partition_lag>> lag(std::string_view group) const;

  std::vector<std::string> list() const;
  result<group_info> describe(std::string_view group) const;
  // Deletes a group without members, with its committed offsets.
  result<void> remove(std::string_view group);

  // Expires members whose session timed out (rebalancing their groups).
  void tick();
  // Topics were created, grown or deleted: re-assign affected groups.
  void on_topics_changed();

  result<bool> restore(std::string_view space, std::string_view key, std::string_view value);
  void finish_restore();

 private:
  struct member {
    std::string client_id;
    std::vector<std::string> topics;
    int64_t session_timeout_ms = 0;
    int64_t last_seen_ms = 0;
    std::vector<topic_partition> assignment;
  };
  struct group {
    int32_t generation = 0;
    assignment_strategy strategy = assignment_strategy::range;
    std::map<std::string, member, std::less<>> members;
    std::map<topic_partition, int64_t> offsets;
  };

  result<group*> find(std::string_view name);
  result<const group*> find(std::string_view name) const;
  // Recomputes assignments; bumps the generation when `force` or they changed.
  void rebalance(std::string_view name, group& g, bool force);
  member_assignment assignment_of(const group& g, const std::string& member_id, bool rebalanced) const;
  void persist(std::string_view name, const group& g);
  std::string new_member_id(std::string_view client_id);

  clock& clock_;
  random& rng_;
  storage* store_;
  const topics& topics_;
  std::map<std::string, group, std::less<>> groups_;
};

}  // namespace eventfabric::core
