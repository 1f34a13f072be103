#include "emulator/store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>

#include <cstring>
#include <system_error>
#include <utility>

#include <algorithm>

#include "emulator/store/sqlite_batches.h"
#include "emulator/store/sqlite_schema.h"
#include "emulator/store/sqlite_util.h"

namespace eventfabric::store {

namespace {

// SQLite checkpoints the WAL into the database after this many pages (see
// sqlite_store::configure).
constexpr int kWalCheckpointPages = 10000;

// SQL of each stmt_id, in enum order. Positions: see sqlite::position().
constexpr std::string_view statement_sql[] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    R"(SELECT id FROM partitions WHERE topic = ?1 AND "partition" = ?2)",
    R"(INSERT INTO partitions(topic, "partition") VALUES (?1, ?2))",
    "SELECT id FROM partitions WHERE topic = ?1",
    sqlite::insert_segment_sql,
    // Rows of positions ?1..?3 holding offsets >= ?4, from the row that
    // covers ?2 (the last one starting at or before it) on.
    "SELECT pos, data FROM segments WHERE pos >= coalesce((SELECT max(pos) FROM segments WHERE pos "
    "BETWEEN ?1 AND ?2), ?1) AND pos <= ?3 AND last_offset >= ?4 ORDER BY pos",
    "SELECT last_offset FROM segments WHERE pos BETWEEN ?1 AND ?2 ORDER BY pos DESC LIMIT 1",
    "DELETE FROM segments WHERE pos = ?1",
    "DELETE FROM segments WHERE pos >= ?1 AND pos < ?2 AND last_offset < ?3",
    "DELETE FROM segments WHERE pos BETWEEN ?1 AND ?2",
    "INSERT OR REPLACE INTO kv(space, key, value) VALUES (?1, ?2, ?3)",
    "DELETE FROM kv WHERE space = ?1 AND key = ?2",
    "DELETE FROM kv WHERE space = ?1 AND key >= ?2 AND key < ?3",
    "DELETE FROM kv WHERE space = ?1 AND key >= ?2",
    sqlite::load_values_sql,
    sqlite::load_segments_sql,
};

// Offsets as range bounds: anything stored lies in 0..kMaxOffset.
int64_t clamp_offset(int64_t o) { return std::clamp<int64_t>(o, -1, sqlite::kMaxOffset + 1); }

const char* synchronous_pragma(durability d) {
  switch (d) {
    case durability::full:
      return "PRAGMA synchronous = FULL";
    case durability::normal:
      return "PRAGMA synchronous = NORMAL";
    case durability::off:
      return "PRAGMA synchronous = OFF";
  }
  return "PRAGMA synchronous = FULL";
}

}  // namespace

core::result<std::unique_ptr<sqlite_store>> sqlite_store::open(const std::filesystem::path& data_dir,
                                                               durability mode) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec)
    return core::fail(core::errc::storage_error,
                      "cannot create data folder " + data_dir.string() + ": " + ec.message());
  auto lock = dir_lock::acquire(data_dir);
  if (!lock) return std::unexpected(lock.error());
  std::unique_ptr<sqlite_store> store(new sqlite_store(std::move(*lock), data_dir, mode));
  if (auto r = store->open_database(); !r) return std::unexpected(r.error());
  return store;
}

sqlite_store::sqlite_store(dir_lock lock, std::filesystem::path data_dir, durability mode)
    : lock_(std::move(lock)),
      data_dir_(std::move(data_dir)),
      db_path_((data_dir_ / "eventfabric.db").string()),
      mode_(mode) {}

sqlite_store::~sqlite_store() {
  if (db_) rollback();
}

core::result<void> sqlite_store::open_database() {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(db_path_.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);  // even on failure SQLite returns a handle that must be closed
  if (rc != SQLITE_OK) return std::unexpected(sqlite::make_error(raw, "cannot open " + db_path_));
  sqlite3_extended_result_codes(raw, 1);
  const std::string dir = data_dir_.string();
  // Read (and refuse a newer schema) before anything writes to the file.
  auto version = sqlite::read_schema_version(raw, dir);
  if (!version) return std::unexpected(version.error());
  if (auto r = sqlite::check_not_newer(*version, sqlite::current_schema_version, dir); !r) return r;
  if (auto r = configure(); !r) return r;
  auto migrated = sqlite::migrate(raw, dir);
  if (!migrated) return std::unexpected(migrated.error());
  schema_version_ = *migrated;
  return prepare_statements();
}

core::result<void> sqlite_store::configure() {
  sqlite3* db = db_.get();
  const std::string where = "data folder " + data_dir_.string() + ": configure eventfabric.db";
  // Waits only for a foreign connection (e.g. a sqlite3 shell) that holds the
  // file when we open it; the folder lock keeps other eventfabric processes out.
  sqlite3_busy_timeout(db, 2000);
  // The folder lock already makes this process the only user, so hold
  // SQLite's locks too instead of taking and dropping POSIX locks around
  // every transaction (13% of a one-record commit's CPU in ef_bench_store).
  if (auto r = sqlite::exec(db, "PRAGMA locking_mode = EXCLUSIVE", where); !r) return r;
  if (auto r = sqlite::exec(db, "PRAGMA journal_mode = WAL", where); !r) return r;
  if (journal_mode() != "wal")
    return core::fail(core::errc::storage_error, where + ": cannot switch to WAL journal mode");
  // Checkpoint every kWalCheckpointPages instead of SQLite's 1000: small
  // commits rewrite the same few pages, and a checkpoint copies each page
  // once however often it changed, so rarer checkpoints copy (and fsync) far
  // less. One-record commits went from 111 to 71 us (ef_bench_store,
  // batch:1). The WAL file grows to about kWalCheckpointPages x 4 KiB.
  const std::string checkpoint = "PRAGMA wal_autocheckpoint = " + std::to_string(kWalCheckpointPages);
  if (auto r = sqlite::exec(db, checkpoint.c_str(), where); !r) return r;
  return sqlite::exec(db, synchronous_pragma(mode_), where);
}

core::result<void> sqlite_store::prepare_statements() {
  static_assert(std::size(statement_sql) == stmt_count);
  for (std::size_t i = 0; i < stmt_count; ++i) {
    auto s = sqlite::prepare(db_.get(), statement_sql[i]);
    if (!s) return std::unexpected(s.error());
    stmts_[i] = std::move(*s);
  }
  return {};
}

// ---- staging -------------------------------------------------------------

void sqlite_store::latch(std::string_view what) {
  if (!pending_error_)
    pending_error_ =
        sqlite::make_error(db_.get(), "data folder " + data_dir_.string() + ": " + std::string(what));
}

void sqlite_store::latch_message(const std::string& message) {
  if (!pending_error_)
    pending_error_ = core::error{core::errc::storage_error, "data folder " + data_dir_.string() + ": " + message, {}};
}

bool sqlite_store::begin_write() {
  if (pending_error_) return false;
  if (in_transaction_) return true;
  if (!step_write(stmt(begin_stmt), "begin transaction")) return false;
  in_transaction_ = true;
  return true;
}

bool sqlite_store::step_write(sqlite3_stmt* s, std::string_view what) {
  const int rc = sqlite3_step(s);
  if (rc != SQLITE_DONE) latch(what);
  sqlite3_reset(s);
  return rc == SQLITE_DONE;
}

void sqlite_store::end_transaction(stmt_id how) {
  in_transaction_ = false;
  pending_.clear();
  for (partition_state* st : added_ids_) st->id = 0;  // their rows are rolled back
  added_ids_.clear();
  pending_error_.reset();
  if (sqlite3_get_autocommit(db_.get())) return;  // no transaction (or SQLite already rolled back)
  if (sqlite3_stmt* s = stmt(how)) {
    sqlite3_step(s);
    sqlite3_reset(s);
  } else {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

sqlite_store::pending_batch* sqlite_store::pending_for(std::string_view topic, int32_t partition) {
  auto matches = [&](const pending_batch& b) { return b.partition == partition && b.topic == topic; };
  if (last_pending_ < pending_.size() && matches(pending_[last_pending_])) return &pending_[last_pending_];
  for (std::size_t i = 0; i < pending_.size(); ++i)
    if (matches(pending_[i])) {
      last_pending_ = i;
      return &pending_[i];
    }
  return nullptr;
}

bool sqlite_store::write_row(int64_t id, int64_t base, int64_t last, std::string_view blob) {
  if (blob.empty()) return true;
  sqlite3_stmt* s = stmt(insert_segment);
  sqlite3_bind_int64(s, 1, sqlite::position(id, base));
  sqlite3_bind_int64(s, 2, last);
  sqlite::bind_blob(s, 3, blob);
  return step_write(s, "append records");
}

bool sqlite_store::write_and_restart(pending_batch& b) {
  if (!write_batch(b)) return false;
  b.floor = std::max(b.floor, b.last_offset);
  b.blob.clear();
  b.base_offset = b.last_offset = -1;
  return true;
}

bool sqlite_store::flush_pending(std::string_view topic, int32_t partition) {
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i].partition != partition || pending_[i].topic != topic) continue;
    const bool ok = write_batch(pending_[i]);
    pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
    return ok;
  }
  return true;
}

bool sqlite_store::flush_all_pending() {
  bool ok = true;
  for (const auto& b : pending_)
    if (ok) ok = write_batch(b);
  return ok;
}

sqlite_store::partition_state& sqlite_store::state_of(std::string_view topic, int32_t partition) {
  auto it = partitions_.find(std::pair{topic, partition});
  if (it == partitions_.end()) it = partitions_.emplace(std::pair{std::string(topic), partition}, partition_state{}).first;
  return it->second;
}

int64_t sqlite_store::partition_id(partition_state& st, std::string_view topic, int32_t partition, bool create) {
  if (st.id > 0 || pending_error_) return pending_error_ ? 0 : st.id;
  {
    sqlite3_stmt* s = stmt(find_partition);
    sqlite::reset_guard guard(s);
    sqlite::bind_text(s, 1, topic);
    sqlite3_bind_int(s, 2, partition);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return st.id = sqlite3_column_int64(s, 0);
    if (rc != SQLITE_DONE) {
      latch("look up a partition");
      return 0;
    }
  }
  if (!create) return 0;
  sqlite3_stmt* s = stmt(add_partition);
  sqlite::bind_text(s, 1, topic);
  sqlite3_bind_int(s, 2, partition);
  if (!step_write(s, "add a partition")) return 0;
  const int64_t id = sqlite3_last_insert_rowid(db_.get());
  if (id > sqlite::kMaxPartitionId) {
    latch_message("more partitions than the store can key (" + std::to_string(sqlite::kMaxPartitionId) + ")");
    return 0;
  }
  added_ids_.push_back(&st);
  return st.id = id;
}

void sqlite_store::forget_last(std::string_view topic, int32_t partition) {
  if (auto it = partitions_.find(std::pair{topic, partition}); it != partitions_.end()) it->second.last = kUnknown;
}

int64_t sqlite_store::stored_last_offset(int64_t id) {
  sqlite3_stmt* s = stmt(select_last_segment);
  sqlite::reset_guard guard(s);
  sqlite3_bind_int64(s, 1, sqlite::position(id, 0));
  sqlite3_bind_int64(s, 2, sqlite::position(id, sqlite::kMaxOffset));
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) return sqlite3_column_int64(s, 0);
  if (rc != SQLITE_DONE) latch("read the last stored offset");
  return -1;
}

// Steps the select_segments statement over the rows of partition `id` that
// hold offsets in [lo, hi], calling fn(base_offset, data) for each; false
// (latched) on a read error.
template <class Fn>
bool sqlite_store::each_segment(int64_t id, int64_t lo, int64_t hi, Fn&& fn) {
  lo = clamp_offset(lo);
  hi = clamp_offset(hi);
  sqlite3_stmt* s = stmt(select_segments);
  sqlite::reset_guard guard(s);
  sqlite3_bind_int64(s, 1, sqlite::position(id, 0));
  sqlite3_bind_int64(s, 2, sqlite::position(id, lo));
  sqlite3_bind_int64(s, 3, sqlite::position(id, hi));
  sqlite3_bind_int64(s, 4, lo);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    if (!fn(sqlite3_column_int64(s, 0) - sqlite::position(id, 0), sqlite::column_bytes(s, 1))) return false;
  if (rc == SQLITE_DONE) return true;
  latch("read stored records");
  return false;
}

bool sqlite_store::delete_row(int64_t id, int64_t base, std::string_view what) {
  sqlite3_stmt* del = stmt(delete_segment);
  sqlite3_bind_int64(del, 1, sqlite::position(id, base));
  return step_write(del, what);
}

void sqlite_store::latch_corrupt(std::string_view topic, int32_t partition, int64_t base) {
  latch_message("corrupt records of " + std::string(topic) + "/" + std::to_string(partition) + " at offset " +
                std::to_string(base));
}

bool sqlite_store::insert_out_of_order(std::string_view topic, int32_t partition, int64_t id,
                                       const core::record& r) {
  // The row covering r.offset (rows hold disjoint ranges), merged with r.
  std::vector<core::record> merged{r};
  int64_t old_base = -1;
  const bool read = each_segment(id, r.offset, r.offset, [&](int64_t base, std::string_view data) {
    old_base = base;
    if (sqlite::decode_batch(data, [&](core::record&& old) {
          if (old.offset != r.offset) merged.push_back(std::move(old));  // same offset: replaced
        }))
      return true;
    latch_corrupt(topic, partition, base);
    return false;
  });
  if (!read) return false;
  if (old_base >= 0 && !delete_row(id, old_base, "merge records")) return false;
  std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  std::string blob;
  for (const auto& m : merged) sqlite::encode_record(m, blob);
  return write_row(id, merged.front().offset, merged.back().offset, blob);
}

void sqlite_store::append(std::string_view topic, int32_t partition, std::span<const core::record> records) {
  if (records.empty() || !begin_write()) return;
  for (const auto& r : records) {
    if (r.offset < 0 || r.offset > sqlite::kMaxOffset) {
      latch_message("offset " + std::to_string(r.offset) + " of " + std::string(topic) + "/" +
                    std::to_string(partition) + " is outside what the store can key (0.." +
                    std::to_string(sqlite::kMaxOffset) + ")");
      return;
    }
    pending_batch* b = pending_for(topic, partition);
    if (!b) {
      partition_state& st = state_of(topic, partition);
      const int64_t id = partition_id(st, topic, partition, true);
      if (id == 0) return;
      const int64_t floor = st.last != kUnknown ? st.last : stored_last_offset(id);
      if (pending_error_) return;
      pending_.push_back({std::string(topic), partition, -1, -1, {}, floor, &st});
      last_pending_ = pending_.size() - 1;
      b = &pending_.back();
    }
    if (r.offset > std::max(b->floor, b->last_offset)) {
      // A full row: write it and start the next (the journal's moves carry
      // megabytes per partition; retention and compaction rewrite whole
      // rows, so rows stay small).
      if (b->blob.size() >= sqlite::kRowBytes && !write_and_restart(*b)) return;
      if (b->blob.empty()) b->base_offset = r.offset;
      b->last_offset = r.offset;
      sqlite::encode_record(r, b->blob);
      continue;
    }
    // Rare: write what is pending, then merge r into the stored rows.
    forget_last(topic, partition);
    if (!write_and_restart(*b)) return;
    b->floor = std::max(b->floor, r.offset);
    if (!insert_out_of_order(topic, partition, b->state->id, r)) return;
  }
}

template <class Keep>
bool sqlite_store::rewrite_batches(std::string_view topic, int32_t partition, int64_t id, int64_t lo, int64_t hi,
                                   Keep&& keep) {
  struct row {
    int64_t base;
    std::string data;
  };
  std::vector<row> rows;
  if (!each_segment(id, lo, hi, [&](int64_t base, std::string_view data) {
        rows.push_back({base, std::string(data)});
        return true;
      }))
    return false;
  for (const auto& r : rows) {
    std::string kept;
    int64_t first = -1, last = -1;
    bool changed = false;
    const bool decoded = sqlite::decode_batch(r.data, [&](core::record&& rec) {
      if (!keep(rec.offset)) {
        changed = true;
        return;
      }
      if (first < 0) first = rec.offset;
      last = rec.offset;
      sqlite::encode_record(rec, kept);
    });
    if (!decoded) {
      latch_corrupt(topic, partition, r.base);
      return false;
    }
    if (!changed) continue;
    if (!delete_row(id, r.base, "rewrite records")) return false;
    if (first >= 0 && !write_row(id, first, last, kept)) return false;
  }
  return true;
}

// The partition's id for a removal: 0 when nothing was ever stored for it.
// Flushes its pending row first and forgets its last offset.
int64_t sqlite_store::id_for_removal(std::string_view topic, int32_t partition) {
  if (!begin_write() || !flush_pending(topic, partition)) return 0;
  forget_last(topic, partition);
  return partition_id(state_of(topic, partition), topic, partition, false);
}

void sqlite_store::erase_records(std::string_view topic, int32_t partition,
                                 std::span<const int64_t> offsets) {
  if (offsets.empty()) return;
  const int64_t id = id_for_removal(topic, partition);
  if (id == 0) return;
  std::vector<int64_t> sorted(offsets.begin(), offsets.end());
  std::sort(sorted.begin(), sorted.end());
  rewrite_batches(topic, partition, id, sorted.front(), sorted.back(),
                  [&](int64_t o) { return !std::binary_search(sorted.begin(), sorted.end(), o); });
}

void sqlite_store::truncate(std::string_view topic, int32_t partition, int64_t before) {
  const int64_t id = id_for_removal(topic, partition);
  if (id == 0) return;
  before = clamp_offset(before);
  sqlite3_stmt* s = stmt(delete_segments_before);
  sqlite3_bind_int64(s, 1, sqlite::position(id, 0));
  sqlite3_bind_int64(s, 2, sqlite::position(id, before));
  sqlite3_bind_int64(s, 3, before);
  if (!step_write(s, "truncate partition")) return;
  // The row that straddles `before`, if any, loses its head.
  rewrite_batches(topic, partition, id, before - 1, before - 1, [&](int64_t o) { return o >= before; });
}

void sqlite_store::drop_records(std::string_view topic) {
  if (!begin_write()) return;
  std::erase_if(pending_, [&](const pending_batch& b) { return b.topic == topic; });
  for (auto it = partitions_.lower_bound(std::pair{topic, INT32_MIN}); it != partitions_.end() && it->first.first == topic;
       ++it)
    it->second.last = kUnknown;
  // Partition rows stay (and so do cached ids): only their records go.
  std::vector<int64_t> ids;
  {
    sqlite3_stmt* s = stmt(topic_partitions);
    sqlite::reset_guard guard(s);
    sqlite::bind_text(s, 1, topic);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(s, 0));
    if (rc != SQLITE_DONE) return latch("list the topic's partitions");
  }
  for (const int64_t id : ids) {
    sqlite3_stmt* s = stmt(delete_partition);
    sqlite3_bind_int64(s, 1, sqlite::position(id, 0));
    sqlite3_bind_int64(s, 2, sqlite::position(id, sqlite::kMaxOffset));
    if (!step_write(s, "drop topic records")) return;
  }
}

void sqlite_store::put(std::string_view space, std::string_view key, std::string_view value) {
  if (!begin_write()) return;
  sqlite3_stmt* s = stmt(put_value);
  sqlite::bind_text(s, 1, space);
  sqlite::bind_blob(s, 2, key);
  sqlite::bind_blob(s, 3, value);
  step_write(s, "put value");
}

void sqlite_store::erase(std::string_view space, std::string_view key) {
  if (!begin_write()) return;
  sqlite3_stmt* s = stmt(erase_value);
  sqlite::bind_text(s, 1, space);
  sqlite::bind_blob(s, 2, key);
  step_write(s, "erase value");
}

void sqlite_store::erase_prefix(std::string_view space, std::string_view prefix) {
  if (!begin_write()) return;
  // A key range, not LIKE: keys are arbitrary bytes.
  const std::optional<std::string> upper = prefix_upper_bound(prefix);
  sqlite3_stmt* s = stmt(upper ? erase_range : erase_from);
  sqlite::bind_text(s, 1, space);
  sqlite::bind_blob(s, 2, prefix);
  if (upper) sqlite::bind_blob(s, 3, *upper);
  step_write(s, "erase values by prefix");
}

core::result<void> sqlite_store::commit() {
  if (failing_commits_ > 0) {
    --failing_commits_;
    rollback();
    return core::fail(core::errc::storage_error,
                      "data folder " + data_dir_.string() + ": injected commit failure");
  }
  if (pending_error_) {
    core::error e = std::move(*pending_error_);
    rollback();
    return std::unexpected(std::move(e));
  }
  if (in_transaction_ && (!flush_all_pending() || !step_write(stmt(commit_stmt), "commit"))) {
    core::error e = std::move(*pending_error_);
    rollback();
    return std::unexpected(std::move(e));
  }
  for (const auto& b : pending_) b.state->last = std::max(b.floor, b.last_offset);
  pending_.clear();
  added_ids_.clear();
  in_transaction_ = false;
  ++commits_;
  return {};
}

void sqlite_store::rollback() { end_transaction(rollback_stmt); }

// ---- loading -------------------------------------------------------------

core::error sqlite_store::load_error(std::string_view what) const {
  return sqlite::make_error(db_.get(), "data folder " + data_dir_.string() + ": " + std::string(what));
}

core::result<void> sqlite_store::load(core::storage_loader& out) {
  if (has_staged())
    return core::fail(core::errc::precondition_failed,
                      "data folder " + data_dir_.string() + ": load() called with uncommitted writes staged");
  if (auto r = stream_values(out); !r) return r;
  return stream_records(out);
}

core::result<void> sqlite_store::stream_values(core::storage_loader& out) {
  sqlite3_stmt* s = stmt(load_values);
  sqlite::reset_guard guard(s);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    out.on_value(sqlite::column_bytes(s, 0), sqlite::column_bytes(s, 1), sqlite::column_bytes(s, 2));
  if (rc != SQLITE_DONE) return std::unexpected(load_error("load values"));
  return {};
}

core::result<void> sqlite_store::stream_records(core::storage_loader& out) {
  sqlite3_stmt* s = stmt(load_segments);
  sqlite::reset_guard guard(s);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const std::string_view topic = sqlite::column_bytes(s, 0);
    const int32_t partition = sqlite3_column_int(s, 1);
    const int64_t base = sqlite3_column_int64(s, 2);
    const bool ok = sqlite::decode_batch(sqlite::column_bytes(s, 3), [&](core::record&& r) {
      out.on_record(topic, partition, std::move(r));
    });
    if (!ok)
      return core::fail(core::errc::storage_error, "data folder " + data_dir_.string() +
                                                       ": corrupt records in " + std::string(topic) + "/" +
                                                       std::to_string(partition) + " (row from offset " +
                                                       std::to_string(base) + ")");
  }
  if (rc != SQLITE_DONE) return std::unexpected(load_error("load records"));
  return {};
}

// ---- debug accessors -----------------------------------------------------

int sqlite_store::synchronous_level() const {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_.get(), "PRAGMA synchronous", -1, &raw, nullptr);
  sqlite::stmt_ptr s(raw);
  return s && sqlite3_step(raw) == SQLITE_ROW ? sqlite3_column_int(raw, 0) : -1;
}

std::string sqlite_store::journal_mode() const {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_.get(), "PRAGMA journal_mode", -1, &raw, nullptr);
  sqlite::stmt_ptr s(raw);
  if (!s || sqlite3_step(raw) != SQLITE_ROW) return {};
  return std::string(sqlite::column_bytes(raw, 0));
}

core::result<void> sqlite_store::sync() {
  const std::string wal = db_path_ + "-wal";
  const int fd = ::open(wal.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    return core::fail(core::errc::storage_error, "data folder " + data_dir_.string() + ": cannot open " + wal +
                                                     ": " + std::strerror(errno));
  }
  const int rc = ::fdatasync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0)
    return core::fail(core::errc::storage_error,
                      "data folder " + data_dir_.string() + ": cannot sync " + wal + ": " + std::strerror(err));
  return {};
}

store_info sqlite_store::info() const { return store_info{"sqlite", db_path_, schema_version_, mode_}; }

}  // namespace eventfabric::store
