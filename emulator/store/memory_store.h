#pragma once
// The in-memory backend: the test double for core::storage and the backend of
// `--in-memory`. Its observable behaviour is exactly sqlite_store's (the
// typed tests in tests/store run every scenario against both):
//  - writes are staged as a list of operations, applied in call order by
//    commit() and dropped by rollback();
//  - append() of an existing (topic, partition, offset) replaces the record,
//    put() of an existing (space, key) replaces the value;
//  - a failed commit() leaves the store as if rollback() had been called;
//  - load() refuses (precondition_failed) while writes are staged, and
//    delivers all values (ordered by space, key) before all records (ordered
//    by topic, partition, offset). Strings compare as unsigned bytes.
// Not thread-safe: one thread (the broker's strand) calls it.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "emulator/core/storage.h"

namespace eventfabric::store {

class memory_store final : public core::storage {
 public:
  memory_store() = default;
  memory_store(const memory_store&) = delete;
  memory_store& operator=(const memory_store&) = delete;

  void append(std::string_view topic, int32_t partition, std::span<const core::record> records) override;
  void erase_records(std::string_view topic, int32_t partition, std::span<const int64_t> offsets) override;
  void truncate(std::string_view topic, int32_t partition, int64_t before) override;
  void drop_records(std::string_view topic) override;

  void put(std::string_view space, std::string_view key, std::string_view value) override;
  void erase(std::string_view space, std::string_view key) override;
  void erase_prefix(std::string_view space, std::string_view prefix) override;

  core::result<void> commit() override;
  void rollback() override;
  core::result<void> load(core::storage_loader& out) override;

  // Test hooks.
  // The next `n` commit() calls fail with storage_error; each discards what
  // was staged, exactly like rollback().
  void fail_next_commits(int n) { failing_commits_ = n; }
  // How many commit() calls succeeded (empty commits included).
  std::size_t commits() const { return commits_; }
  // Whether any write was staged since the last commit() or rollback().
  bool has_staged() const { return !staged_.empty(); }

 private:
  using partition_log = std::map<int64_t, core::record>;
  using topic_log = std::map<int32_t, partition_log>;
  using key_space = std::map<std::string, std::string, std::less<>>;
  struct state {
    std::map<std::string, topic_log, std::less<>> records;
    std::map<std::string, key_space, std::less<>> values;
  };
  using operation = std::function<void(state&)>;

  void stage(operation op) { staged_.push_back(std::move(op)); }

  state committed_;
  std::vector<operation> staged_;
  int failing_commits_ = 0;
  std::size_t commits_ = 0;
};

}  // namespace eventfabric::store
