#include "emulator/store/sqlite_store.h"

#include <sqlite3.h>

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

// SQL of each stmt_id, in enum order.
constexpr std::string_view statement_sql[] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    sqlite::insert_batch_sql,
    R"(SELECT base_offset, data FROM batches WHERE topic = ?1 AND "partition" = ?2 AND base_offset <= ?4 )"
    R"(AND last_offset >= ?3 ORDER BY base_offset)",
    R"(SELECT last_offset FROM batches WHERE topic = ?1 AND "partition" = ?2 ORDER BY base_offset DESC LIMIT 1)",
    R"(DELETE FROM batches WHERE topic = ?1 AND "partition" = ?2 AND base_offset = ?3)",
    R"(DELETE FROM batches WHERE topic = ?1 AND "partition" = ?2 AND last_offset < ?3)",
    "DELETE FROM batches WHERE topic = ?1",
    "INSERT OR REPLACE INTO kv(space, key, value) VALUES (?1, ?2, ?3)",
    "DELETE FROM kv WHERE space = ?1 AND key = ?2",
    "DELETE FROM kv WHERE space = ?1 AND key >= ?2 AND key < ?3",
    "DELETE FROM kv WHERE space = ?1 AND key >= ?2",
    sqlite::load_values_sql,
    sqlite::load_batches_sql,
};

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

bool sqlite_store::write_batch(const pending_batch& b) {
  if (b.blob.empty()) return true;
  sqlite3_stmt* s = stmt(insert_batch);
  sqlite::bind_text(s, 1, b.topic);
  sqlite3_bind_int(s, 2, b.partition);
  sqlite3_bind_int64(s, 3, b.base_offset);
  sqlite3_bind_int64(s, 4, b.last_offset);
  sqlite::bind_blob(s, 5, b.blob);
  return step_write(s, "append records");
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

int64_t* sqlite_store::known_last(std::string_view topic, int32_t partition) {
  auto it = known_last_.find(std::pair{topic, partition});
  if (it == known_last_.end()) it = known_last_.emplace(std::pair{std::string(topic), partition}, kUnknown).first;
  return &it->second;
}

void sqlite_store::forget_last(std::string_view topic, int32_t partition) {
  if (auto it = known_last_.find(std::pair{topic, partition}); it != known_last_.end()) it->second = kUnknown;
}

int64_t sqlite_store::stored_last_offset(std::string_view topic, int32_t partition) {
  sqlite3_stmt* s = stmt(select_last_batch);
  sqlite::reset_guard guard(s);
  sqlite::bind_text(s, 1, topic);
  sqlite3_bind_int(s, 2, partition);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) return sqlite3_column_int64(s, 0);
  if (rc != SQLITE_DONE) latch("read the last stored offset");
  return -1;
}

bool sqlite_store::insert_out_of_order(std::string_view topic, int32_t partition, const core::record& r) {
  // The row covering r.offset (rows hold disjoint ranges), merged with r.
  std::vector<core::record> merged{r};
  int64_t old_base = -1;
  {
    sqlite3_stmt* s = stmt(select_batches);
    sqlite::reset_guard guard(s);
    sqlite::bind_text(s, 1, topic);
    sqlite3_bind_int(s, 2, partition);
    sqlite3_bind_int64(s, 3, r.offset);
    sqlite3_bind_int64(s, 4, r.offset);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      old_base = sqlite3_column_int64(s, 0);
      if (!sqlite::decode_batch(sqlite::column_bytes(s, 1), [&](core::record&& old) {
            if (old.offset != r.offset) merged.push_back(std::move(old));  // same offset: replaced
          })) {
        latch("corrupt records to merge");
        return false;
      }
      rc = sqlite3_step(s);
    }
    if (rc != SQLITE_DONE) {
      latch("read records to merge");
      return false;
    }
  }
  if (old_base >= 0) {
    sqlite3_stmt* del = stmt(delete_batch);
    sqlite::bind_text(del, 1, topic);
    sqlite3_bind_int(del, 2, partition);
    sqlite3_bind_int64(del, 3, old_base);
    if (!step_write(del, "merge records")) return false;
  }
  std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  pending_batch row{std::string(topic), partition, merged.front().offset, merged.back().offset, {}};
  for (const auto& m : merged) sqlite::encode_record(m, row.blob);
  return write_batch(row);
}

void sqlite_store::append(std::string_view topic, int32_t partition, std::span<const core::record> records) {
  if (records.empty() || !begin_write()) return;
  for (const auto& r : records) {
    pending_batch* b = pending_for(topic, partition);
    if (!b) {
      int64_t* known = known_last(topic, partition);
      const int64_t floor = *known != kUnknown ? *known : stored_last_offset(topic, partition);
      if (pending_error_) return;
      pending_.push_back({std::string(topic), partition, -1, -1, {}, floor, known});
      last_pending_ = pending_.size() - 1;
      b = &pending_.back();
    }
    if (r.offset > std::max(b->floor, b->last_offset)) {
      if (b->blob.empty()) b->base_offset = r.offset;
      b->last_offset = r.offset;
      sqlite::encode_record(r, b->blob);
      continue;
    }
    // Rare: write what is pending, then merge r into the stored rows.
    forget_last(topic, partition);
    if (!write_batch(*b)) return;
    b->floor = std::max({b->floor, b->last_offset, r.offset});
    b->blob.clear();
    b->base_offset = b->last_offset = -1;
    if (!insert_out_of_order(topic, partition, r)) return;
  }
}

template <class Keep>
bool sqlite_store::rewrite_batches(std::string_view topic, int32_t partition, int64_t lo, int64_t hi, Keep&& keep) {
  struct row {
    int64_t base;
    std::string data;
  };
  std::vector<row> rows;
  {
    sqlite3_stmt* s = stmt(select_batches);
    sqlite::reset_guard guard(s);
    sqlite::bind_text(s, 1, topic);
    sqlite3_bind_int(s, 2, partition);
    sqlite3_bind_int64(s, 3, lo);
    sqlite3_bind_int64(s, 4, hi);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
      rows.push_back({sqlite3_column_int64(s, 0), std::string(sqlite::column_bytes(s, 1))});
    if (rc != SQLITE_DONE) {
      latch("read records to rewrite");
      return false;
    }
  }
  for (const auto& r : rows) {
    pending_batch kept{std::string(topic), partition, -1, -1, {}};
    bool changed = false;
    const bool decoded = sqlite::decode_batch(r.data, [&](core::record&& rec) {
      if (!keep(rec.offset)) {
        changed = true;
        return;
      }
      if (kept.base_offset < 0) kept.base_offset = rec.offset;
      kept.last_offset = rec.offset;
      sqlite::encode_record(rec, kept.blob);
    });
    if (!decoded) {
      if (!pending_error_)
        pending_error_ = core::error{core::errc::storage_error,
                                   "data folder " + data_dir_.string() + ": corrupt records of " +
                                       std::string(topic) + "/" + std::to_string(partition) + " at offset " +
                                       std::to_string(r.base),
                                   {}};
      return false;
    }
    if (!changed) continue;
    sqlite3_stmt* del = stmt(delete_batch);
    sqlite::bind_text(del, 1, topic);
    sqlite3_bind_int(del, 2, partition);
    sqlite3_bind_int64(del, 3, r.base);
    if (!step_write(del, "rewrite records")) return false;
    if (kept.base_offset >= 0 && !write_batch(kept)) return false;
  }
  return true;
}

void sqlite_store::erase_records(std::string_view topic, int32_t partition,
                                 std::span<const int64_t> offsets) {
  if (offsets.empty() || !begin_write() || !flush_pending(topic, partition)) return;
  forget_last(topic, partition);
  std::vector<int64_t> sorted(offsets.begin(), offsets.end());
  std::sort(sorted.begin(), sorted.end());
  rewrite_batches(topic, partition, sorted.front(), sorted.back(),
                  [&](int64_t o) { return !std::binary_search(sorted.begin(), sorted.end(), o); });
}

void sqlite_store::truncate(std::string_view topic, int32_t partition, int64_t before) {
  if (!begin_write() || !flush_pending(topic, partition)) return;
  forget_last(topic, partition);
  sqlite3_stmt* s = stmt(delete_batches_before);
  sqlite::bind_text(s, 1, topic);
  sqlite3_bind_int(s, 2, partition);
  sqlite3_bind_int64(s, 3, before);
  if (!step_write(s, "truncate partition")) return;
  // The row that straddles `before`, if any, loses its head.
  rewrite_batches(topic, partition, before - 1, before - 1, [&](int64_t o) { return o >= before; });
}

void sqlite_store::drop_records(std::string_view topic) {
  if (!begin_write()) return;
  std::erase_if(pending_, [&](const pending_batch& b) { return b.topic == topic; });
  for (auto it = known_last_.lower_bound(std::pair{topic, INT32_MIN}); it != known_last_.end() && it->first.first == topic;
       ++it)
    it->second = kUnknown;
  sqlite3_stmt* s = stmt(drop_topic);
  sqlite::bind_text(s, 1, topic);
  step_write(s, "drop topic records");
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
  for (const auto& b : pending_)
    if (b.known) *b.known = std::max(b.floor, b.last_offset);
  pending_.clear();
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
  sqlite3_stmt* s = stmt(load_batches);
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

store_info sqlite_store::info() const { return store_info{"sqlite", db_path_, schema_version_, mode_}; }

}  // namespace eventfabric::store
