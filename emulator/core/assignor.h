#pragma once
// Kafka's two classic partition assignment strategies, computed by the
// coordinator (the broker) rather than a group leader.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace eventfabric::core {

enum class assignment_strategy {
  range,        // Kafka RangeAssignor: contiguous ranges per topic, first members get the extra
  round_robin,  // Kafka RoundRobinAssignor: all partitions dealt in turn over members
};

struct topic_partition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const topic_partition&) const = default;
};

struct member_subscription {
  std::string member_id;
  std::vector<std::string> topics;
};

// member_id -> assigned partitions (sorted). `partitions` maps each topic to its
// partition count; topics absent from it (unknown) get nothing. Members are
// ordered by member_id, as Kafka orders them, so the result is deterministic.
std::map<std::string, std::vector<topic_partition>> assign(
    assignment_strategy strategy, const std::vector<member_subscription>& members,
    const std::map<std::string, int32_t>& partitions);

}  // namespace eventfabric::core
