#pragma once
// Confluent REST Proxy v2 consumer instances: a named consumer inside a group
// that the server keeps on the client's behalf (its group membership, its
// fetch positions, its auto-commit). Instances expire after
// `instance_timeout_ms` without a request, like the REST proxy's
// consumer.instance.timeout.ms, and then leave their group.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/broker.h"

namespace eventfabric::server {

struct consumer_config {
  core::offset_reset reset = core::offset_reset::latest;  // Kafka's default
  bool auto_commit = true;                               // Kafka's enable.auto.commit default
  int64_t instance_timeout_ms = 300'000;
};

struct fetched_record {
  std::string topic;
  int32_t partition = 0;
  core::record rec;
};

// client_id prefix of the group members that REST instances create.
inline constexpr std::string_view kRestClientPrefix = "rest-proxy/";

class consumer_instances {
 public:
  explicit consumer_instances(core::broker& b) : broker_(b) {}

  // Creates an instance; `name` empty = generated. already_exists on a duplicate.
  core::result<std::string> create(const std::string& group, std::string name, consumer_config cfg);
  core::result<void> remove(const std::string& group, const std::string& name);
  core::result<void> subscribe(const std::string& group, const std::string& name, std::vector<std::string> topics);
  core::result<void> unsubscribe(const std::string& group, const std::string& name);
  core::result<std::vector<std::string>> subscription(const std::string& group, const std::string& name);
  core::result<std::vector<core::topic_partition>> assignment(const std::string& group, const std::string& name);
  // Reads from the assigned partitions, at most max_bytes (at least one record).
  core::result<std::vector<fetched_record>> fetch(const std::string& group, const std::string& name,
                                                  std::size_t max_bytes);
  // Commits `offsets` (next offset to read, per partition) or, when empty,
  // every position this instance has fetched up to.
  core::result<void> commit(const std::string& group, const std::string& name,
                            const std::vector<std::pair<core::topic_partition, int64_t>>& offsets);
  core::result<void> seek(const std::string& group, const std::string& name, const core::topic_partition& tp,
                          int64_t offset);
  // Group members created by REST instances of an earlier server process:
  // nobody can use them any more, so they leave at start-up instead of
  // holding partitions until their session times out.
  void evict_orphans();
  // Leaves and forgets instances idle for longer than their timeout.
  void expire();
  std::size_t size() const { return instances_.size(); }

 private:
  struct instance {
    consumer_config cfg;
    std::vector<std::string> topics;
    std::string member_id;
    int32_t generation = -1;
    std::vector<core::topic_partition> assigned;
    std::map<core::topic_partition, int64_t> positions;
    int64_t last_used_ms = 0;
  };
  core::result<instance*> find(const std::string& group, const std::string& name);
  // Heartbeats; re-joins when the group rebalanced and resets positions of
  // newly assigned partitions from committed offsets.
  core::result<void> refresh(const std::string& group, instance& in);
  core::result<void> commit_positions(const std::string& group, instance& in);

  core::broker& broker_;
  std::map<std::pair<std::string, std::string>, instance> instances_;
  uint64_t next_name_ = 1;
};

}  // namespace eventfabric::server
