#pragma once
// The default backend: one SQLite database `<data_dir>/eventfabric.db` in WAL
// mode, guarded by `<data_dir>/LOCK` (see dir_lock.h) and versioned by
// `PRAGMA user_version` (see sqlite_schema.h).
//
// Staging is a SQLite transaction: the first write after a commit() or
// rollback() opens it (BEGIN IMMEDIATE), commit() COMMITs it, so a batch of
// writes costs one WAL sync (group commit). Semantics match memory_store
// exactly (see memory_store.h): replace on duplicate position/key, a failed
// commit() acts as rollback(), load() refuses while writes are staged and
// delivers values before records.
//
// Records live in `segments` rows keyed by position (partition id x 2^40 +
// first offset, see sqlite_schema.h): offsets must lie in 0..2^40-1, and an
// append outside that is latched like a SQLite failure.
//
// The write methods return void, so a SQLite failure inside one is latched:
// later writes are skipped and the next commit() returns that storage_error
// after rolling everything back.
//
// Not thread-safe: one thread (the broker's strand) calls it. The storage_loader
// passed to load() must not call back into the store.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/storage.h"
#include "emulator/store/dir_lock.h"
#include "emulator/store/sqlite_handles.h"
#include "emulator/store/store.h"

namespace eventfabric::store {

class sqlite_store final : public core::storage {
 public:
  // Creates `data_dir` if missing, locks it, opens (or creates) the database,
  // migrates it and applies `mode`. Errors: see open_store() in store.h.
  static core::result<std::unique_ptr<sqlite_store>> open(const std::filesystem::path& data_dir,
                                                          durability mode);
  // Rolls back whatever is staged (like a crash would lose it), closes the
  // database, then releases the folder lock.
  ~sqlite_store() override;
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

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

  // Makes everything committed so far survive a power loss (fdatasync of the
  // WAL file), whatever the durability mode. No-op without a WAL file.
  core::result<void> sync();

  // Test hooks and debug accessors.
  // The next `n` commit() calls fail with storage_error; each rolls back.
  void fail_next_commits(int n) { failing_commits_ = n; }
  // How many commit() calls succeeded (empty commits included).
  std::size_t commits() const { return commits_; }
  // Whether any write was staged since the last commit() or rollback().
  bool has_staged() const { return in_transaction_ || pending_error_.has_value(); }
  // PRAGMA synchronous as SQLite reports it: 0 off, 1 normal, 2 full.
  int synchronous_level() const;
  // PRAGMA journal_mode, e.g. "wal".
  std::string journal_mode() const;
  store_info info() const;

 private:
  enum stmt_id : std::size_t {
    begin_stmt,
    commit_stmt,
    rollback_stmt,
    find_partition,
    add_partition,
    topic_partitions,
    insert_segment,
    select_segments,
    select_last_segment,
    delete_segment,
    delete_segments_before,
    delete_partition,
    put_value,
    erase_value,
    erase_range,
    erase_from,
    load_values,
    load_segments,
    stmt_count,
  };

  sqlite_store(dir_lock lock, std::filesystem::path data_dir, durability mode);
  core::result<void> open_database();
  core::result<void> configure();
  core::result<void> prepare_statements();

  // Opens the staging transaction if needed; false when a failure is latched.
  bool begin_write();
  // Steps a write statement to completion and resets it; latches on failure.
  bool step_write(sqlite3_stmt* s, std::string_view what);
  void latch(std::string_view what);
  // Latches a storage_error that is not SQLite's: "data folder X: <message>".
  void latch_message(const std::string& message);
  void end_transaction(stmt_id how);
  // What the store knows of a partition: its row id in `partitions` (0 until
  // looked up; rows are never deleted, so an id stays valid once committed)
  // and its highest committed offset, so that a commit does not read it back
  // from the b-tree every time. `last` is kUnknown until read or committed;
  // only a successful commit publishes it, and anything that removes or
  // rewrites rows resets it (a stale value could only be too high, which
  // would send appends down the slow, still correct, merge path).
  static constexpr int64_t kUnknown = INT64_MIN;
  struct partition_state {
    int64_t id = 0;
    int64_t last = kUnknown;
  };
  struct partition_less {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      const int c = std::string_view(a.first).compare(std::string_view(b.first));
      return c < 0 || (c == 0 && a.second < b.second);
    }
  };
  std::map<std::pair<std::string, int32_t>, partition_state, partition_less> partitions_;
  partition_state& state_of(std::string_view topic, int32_t partition);
  // The partition's id, looked up and (with `create`) added on first use;
  // 0 when it has none (or on a latched failure).
  int64_t partition_id(partition_state& st, std::string_view topic, int32_t partition, bool create);
  void forget_last(std::string_view topic, int32_t partition);
  // Records appended in this transaction, one pending row per partition,
  // written at commit (or before anything else touches the partition).
  struct pending_batch {
    std::string topic;
    int32_t partition;
    int64_t base_offset, last_offset;  // of `blob`; -1 while empty
    std::string blob;
    int64_t floor = -1;  // the highest offset already stored for the partition
    partition_state* state = nullptr;
  };
  // Offsets above everything stored go to the pending row; any other offset
  // (never from the core, but allowed by the storage contract) replaces or
  // joins a stored row at once.
  bool insert_out_of_order(std::string_view topic, int32_t partition, int64_t id, const core::record& r);
  int64_t stored_last_offset(int64_t id);
  pending_batch* pending_for(std::string_view topic, int32_t partition);
  bool write_row(int64_t id, int64_t base, int64_t last, std::string_view blob);
  bool write_batch(const pending_batch& b) {
    return write_row(b.state->id, b.base_offset, b.last_offset, b.blob);
  }
  // Writes `b`'s row and empties it; later appends start a row above it.
  // False on failure (latched).
  bool write_and_restart(pending_batch& b);
  // Writes the pending rows of one partition (or all); false on failure (latched).
  bool flush_pending(std::string_view topic, int32_t partition);
  bool flush_all_pending();
  // Rewrites the rows of a partition that hold offsets in [lo, hi], keeping
  // only the records `keep` accepts.
  // Calls fn(base_offset, data) -> bool (false stops) for each stored row of
  // partition `id` holding offsets in [lo, hi], in order.
  template <class Fn>
  bool each_segment(int64_t id, int64_t lo, int64_t hi, Fn&& fn);
  bool delete_row(int64_t id, int64_t base, std::string_view what);
  void latch_corrupt(std::string_view topic, int32_t partition, int64_t base);
  int64_t id_for_removal(std::string_view topic, int32_t partition);
  template <class Keep>
  bool rewrite_batches(std::string_view topic, int32_t partition, int64_t id, int64_t lo, int64_t hi,
                       Keep&& keep);
  core::result<void> stream_values(core::storage_loader& out);
  core::result<void> stream_records(core::storage_loader& out);
  core::error load_error(std::string_view what) const;
  sqlite3_stmt* stmt(stmt_id id) const { return stmts_[id].get(); }

  // Declaration order is teardown order reversed: statements, then the
  // connection, then the folder lock.
  dir_lock lock_;
  std::filesystem::path data_dir_;
  std::string db_path_;
  durability mode_;
  int schema_version_ = 0;
  sqlite::db_ptr db_;
  std::array<sqlite::stmt_ptr, stmt_count> stmts_;

  bool in_transaction_ = false;
  std::optional<core::error> pending_error_;
  std::vector<pending_batch> pending_;
  std::size_t last_pending_ = 0;  // index of the last hit: appends come in runs
  // Ids added in the open transaction: a rollback forgets them.
  std::vector<partition_state*> added_ids_;
  int failing_commits_ = 0;
  std::size_t commits_ = 0;
};

}  // namespace eventfabric::store
