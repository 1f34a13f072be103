#pragma once
// Internal: thin RAII and binding helpers over the SQLite C API, shared by
// sqlite_store, sqlite_schema and the benchmarks. Not part of the public
// surface (see store.h).

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/core/error.h"
#include "emulator/store/sqlite_handles.h"

namespace eventfabric::store::sqlite {

// "<what>: <sqlite message> (code N)" as a storage_error.
inline core::error make_error(sqlite3* db, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : "out of memory";
  msg += " (sqlite code " + std::to_string(db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM) + ")";
  return core::error{core::errc::storage_error, std::move(msg)};
}

// Runs one or more statements that return no rows we need.
inline core::result<void> exec(sqlite3* db, const char* sql, std::string_view what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    return std::unexpected(make_error(db, what));
  return {};
}

// Prepares a statement that lives as long as the connection (cached).
inline core::result<stmt_ptr> prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &s, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(make_error(db, "prepare " + std::string(sql)));
  return stmt_ptr(s);
}

// Binds bytes as a BLOB of exactly b.size() bytes (embedded \0 kept). An empty
// view binds a zero-length BLOB, never NULL. The bytes must outlive the step.
inline int bind_blob(sqlite3_stmt* s, int i, std::string_view b) {
  static const char empty[1] = {0};
  return sqlite3_bind_blob64(s, i, b.empty() ? empty : b.data(), b.size(), SQLITE_STATIC);
}
// Binds bytes as TEXT of exactly t.size() bytes. Same lifetime rule.
inline int bind_text(sqlite3_stmt* s, int i, std::string_view t) {
  static const char empty[1] = {0};
  return sqlite3_bind_text64(s, i, t.empty() ? empty : t.data(), t.size(), SQLITE_STATIC, SQLITE_UTF8);
}

// The bytes of column i (BLOB or TEXT), valid until the next step/reset.
inline std::string_view column_bytes(sqlite3_stmt* s, int i) {
  const void* p = sqlite3_column_blob(s, i);
  const int n = sqlite3_column_bytes(s, i);
  return p ? std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string_view();
}

// Clears a cached statement for its next use, on every path out of a scope.
class reset_guard {
 public:
  explicit reset_guard(sqlite3_stmt* s) noexcept : s_(s) {}
  // Every use binds all parameters again, so bindings need no clearing.
  ~reset_guard() { sqlite3_reset(s_); }
  reset_guard(const reset_guard&) = delete;
  reset_guard& operator=(const reset_guard&) = delete;

 private:
  sqlite3_stmt* s_;
};

}  // namespace eventfabric::store::sqlite

namespace eventfabric::store {

// The smallest byte string greater than every string that starts with
// `prefix` (bytes compare unsigned), or nullopt when there is none: the
// prefix is empty or all 0xFF. Trailing 0xFF bytes are dropped and the last
// remaining byte incremented, so "a\xFF" -> "b".
inline std::optional<std::string> prefix_upper_bound(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xFF) bound.pop_back();
  if (bound.empty()) return std::nullopt;
  bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  return bound;
}

}  // namespace eventfabric::store
