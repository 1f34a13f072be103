#pragma once
// Kafka-style topics: named, partitioned, append-only logs with retention by
// count and age and optional compaction by key. Owns every partition_log.
// Single-threaded: call from the broker's strand only.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/error.h"
#include "emulator/core/partition_log.h"
#include "emulator/core/record.h"
#include "emulator/core/storage.h"

namespace eventfabric::core {

enum class cleanup_policy {
  remove,   // Kafka cleanup.policy=delete: retention drops old records
  compact,  // Kafka cleanup.policy=compact: keep the latest record per key
};

struct topic_config {
  std::string name;
  int32_t partitions = 1;            // 1..1024
  int64_t retention_ms = -1;         // -1: keep forever
  int64_t retention_records = -1;    // per partition; -1: unlimited
  cleanup_policy cleanup = cleanup_policy::remove;
  int64_t max_message_bytes = 1 << 20;
  bool operator==(const topic_config&) const = default;
};

// One record to produce. `partition` forces a partition; otherwise the key
// picks one (Kafka's murmur2 partitioner); otherwise round-robin.
struct produce_record {
  std::optional<int32_t> partition;
  record rec;
};

struct produced {
  int32_t partition = 0;
  int64_t offset = 0;
};

struct partition_info {
  int32_t partition = 0;
  int64_t log_start = 0;
  int64_t high_watermark = 0;
  std::size_t records = 0;
  std::size_t bytes = 0;
};

struct topic_info {
  topic_config config;
  std::vector<partition_info> partitions;
};

class topics {
 public:
  // `store` may be null (not persisted). Both must outlive this object.
  topics(clock& clk, storage* store, bool strict_names);

  // Creating an identical topic again succeeds (declare semantics); a
  // different configuration under the same name is already_exists.
  result<void> create(const topic_config& config);
  result<void> remove(std::string_view name);
  // Grows a topic to `partitions` (Kafka can only add partitions).
  result<void> add_partitions(std::string_view name, int32_t partitions);

  bool exists(std::string_view name) const;
  std::vector<std::string> list() const;
  result<topic_info> describe(std::string_view name) const;
  result<int32_t> partition_count(std::string_view name) const;
  result<partition_info> partition(std::string_view name, int32_t partition) const;

  // Appends every record or none: the whole batch is checked first.
  result<std::vector<produced>> produce(std::string_view name, std::vector<produce_record> batch);
  // Appends a record batch to one partition; returns the base offset.
  result<int64_t> append_batch(std::string_view name, int32_t partition, std::vector<record> batch);

  result<std::vector<record>> fetch(std::string_view name, int32_t partition, int64_t offset,
                                    const fetch_limits& limits = {}) const;
  // The partition log itself, for zero-copy reads (valid until the next mutation).
  result<const partition_log*> log(std::string_view name, int32_t partition) const;

  // Applies retention (count and age) and compaction due at clock.now_ms().
  void tick();
  // Compacts every partition of a compacted topic now; returns records removed.
  result<std::size_t> compact_now(std::string_view name);

  // Called after a topic is created, grown or removed (the broker re-assigns
  // consumer groups from it).
  void set_on_change(std::function<void()> fn) { on_change_ = std::move(fn); }

  // Recovery (see broker::recover): values of spaces "topic" and "tpart".
  result<bool> restore(std::string_view space, std::string_view key, std::string_view value);
  result<void> restore_record(std::string_view topic, int32_t partition, record&& r);
  void finish_restore();

 private:
  struct partition_state {
    partition_log log;
    std::size_t dirty = 0;  // appends since the last compaction
  };
  struct topic_state {
    topic_config config;
    std::vector<partition_state> partitions;
    uint64_t round_robin = 0;
  };

  result<topic_state*> find(std::string_view name);
  result<const topic_state*> find(std::string_view name) const;
  result<int32_t> choose_partition(topic_state& t, const produce_record& pr);
  void persist_config(const topic_config& c);
  void persist_bounds(std::string_view topic, int32_t partition, const partition_log& log);
  void apply_retention(topic_state& t, int64_t now_ms);
  std::size_t compact_partition(topic_state& t, int32_t partition);

  void changed() { if (on_change_) on_change_(); }

  clock& clock_;
  storage* store_;
  bool strict_names_;
  std::function<void()> on_change_;
  std::map<std::string, topic_state, std::less<>> topics_;
  // Bounds read back before the records of the partition (restore order).
  std::map<std::pair<std::string, int32_t>, std::pair<int64_t, int64_t>> restored_starts_;
};

// Checks a topic configuration (name rule, partition count, limits).
result<void> validate_topic_config(const topic_config& c, bool strict_names);

}  // namespace eventfabric::core
