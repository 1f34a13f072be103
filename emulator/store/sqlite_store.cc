#include "emulator/store/sqlite_store.h"

#include <sqlite3.h>

#include <cstring>
#include <system_error>
#include <utility>

#include "emulator/core/codec.h"
#include "emulator/store/sqlite_schema.h"
#include "emulator/store/sqlite_util.h"

namespace eventfabric::store {

namespace {

// SQL of each stmt_id, in enum order.
constexpr std::string_view statement_sql[] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    sqlite::insert_record_sql,
    R"(DELETE FROM records WHERE topic = ?1 AND "partition" = ?2 AND "offset" = ?3)",
    R"(DELETE FROM records WHERE topic = ?1 AND "partition" = ?2 AND "offset" < ?3)",
    "DELETE FROM records WHERE topic = ?1",
    "INSERT OR REPLACE INTO kv(space, key, value) VALUES (?1, ?2, ?3)",
    "DELETE FROM kv WHERE space = ?1 AND key = ?2",
    "DELETE FROM kv WHERE space = ?1 AND key >= ?2 AND key < ?3",
    "DELETE FROM kv WHERE space = ?1 AND key >= ?2",
    sqlite::load_values_sql,
    sqlite::load_records_sql,
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

// Headers as the codec writes them (u32 count, then length-prefixed key and
// value per header); no headers encode as an empty blob.
void encode_headers(const std::vector<core::header>& headers, std::string& out) {
  out.clear();
  if (headers.empty()) return;
  auto u32 = [&out](std::size_t n) {
    const auto v = static_cast<uint32_t>(n);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  };
  u32(headers.size());
  for (const auto& h : headers) {
    u32(h.key.size());
    out.append(h.key);
    u32(h.value.size());
    out.append(h.value);
  }
}

bool decode_headers(std::string_view blob, std::vector<core::header>& out) {
  if (blob.empty()) return true;
  core::byte_reader in(blob);
  const uint32_t n = in.u32();
  if (!in.ok() || n > blob.size() / 8) return false;  // each header takes >= 8 bytes
  out.reserve(n);
  for (uint32_t i = 0; i < n && in.ok(); ++i) {
    std::string key = in.str();
    out.push_back(core::header{std::move(key), in.str()});
  }
  return in.ok() && in.done();
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
  // Waits only for foreign connections (e.g. a sqlite3 shell reading the file);
  // the folder lock keeps other eventfabric processes out.
  sqlite3_busy_timeout(db, 2000);
  if (auto r = sqlite::exec(db, "PRAGMA journal_mode = WAL", where); !r) return r;
  if (journal_mode() != "wal")
    return core::fail(core::errc::storage_error, where + ": cannot switch to WAL journal mode");
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
  pending_error_.reset();
  if (sqlite3_get_autocommit(db_.get())) return;  // no transaction (or SQLite already rolled back)
  if (sqlite3_stmt* s = stmt(how)) {
    sqlite3_step(s);
    sqlite3_reset(s);
  } else {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

bool sqlite_store::insert_one(sqlite3_stmt* s, const core::record& r) {
  encode_headers(r.headers, headers_buf_);
  sqlite3_bind_int64(s, 3, r.offset);
  sqlite3_bind_int64(s, 4, r.timestamp_ms);
  if (r.key)
    sqlite::bind_blob(s, 5, *r.key);
  else
    sqlite3_bind_null(s, 5);
  sqlite::bind_blob(s, 6, r.value);
  sqlite::bind_blob(s, 7, headers_buf_);
  return step_write(s, "append record");
}

void sqlite_store::append(std::string_view topic, int32_t partition, std::span<const core::record> records) {
  if (records.empty() || !begin_write()) return;
  sqlite3_stmt* s = stmt(insert_record);
  // reset() keeps bindings, so topic and partition are bound once per batch.
  sqlite::bind_text(s, 1, topic);
  sqlite3_bind_int(s, 2, partition);
  for (const auto& r : records)
    if (!insert_one(s, r)) return;
}

void sqlite_store::erase_records(std::string_view topic, int32_t partition,
                                 std::span<const int64_t> offsets) {
  if (offsets.empty() || !begin_write()) return;
  sqlite3_stmt* s = stmt(erase_record);
  sqlite::bind_text(s, 1, topic);
  sqlite3_bind_int(s, 2, partition);
  for (int64_t offset : offsets) {
    sqlite3_bind_int64(s, 3, offset);
    if (!step_write(s, "erase record")) return;
  }
}

void sqlite_store::truncate(std::string_view topic, int32_t partition, int64_t before) {
  if (!begin_write()) return;
  sqlite3_stmt* s = stmt(truncate_records);
  sqlite::bind_text(s, 1, topic);
  sqlite3_bind_int(s, 2, partition);
  sqlite3_bind_int64(s, 3, before);
  step_write(s, "truncate partition");
}

void sqlite_store::drop_records(std::string_view topic) {
  if (!begin_write()) return;
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
  if (in_transaction_ && !step_write(stmt(commit_stmt), "commit")) {
    core::error e = std::move(*pending_error_);
    rollback();
    return std::unexpected(std::move(e));
  }
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
  sqlite3_stmt* s = stmt(load_records);
  sqlite::reset_guard guard(s);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const std::string_view topic = sqlite::column_bytes(s, 0);
    const int32_t partition = sqlite3_column_int(s, 1);
    core::record r;
    r.offset = sqlite3_column_int64(s, 2);
    r.timestamp_ms = sqlite3_column_int64(s, 3);
    if (sqlite3_column_type(s, 4) != SQLITE_NULL) r.key = std::string(sqlite::column_bytes(s, 4));
    r.value = std::string(sqlite::column_bytes(s, 5));
    if (!decode_headers(sqlite::column_bytes(s, 6), r.headers))
      return core::fail(core::errc::storage_error, "data folder " + data_dir_.string() +
                                                       ": corrupt headers in record " + std::string(topic) +
                                                       "/" + std::to_string(partition) + "@" +
                                                       std::to_string(r.offset));
    out.on_record(topic, partition, std::move(r));
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
