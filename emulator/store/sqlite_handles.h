#pragma once
// Internal: owning handles for SQLite objects, declarable without <sqlite3.h>
// so headers stay lean. The deleters are defined in sqlite_handles.cc.

#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace eventfabric::store::sqlite {

struct db_closer {
  void operator()(sqlite3* db) const noexcept;  // sqlite3_close_v2
};
struct stmt_finalizer {
  void operator()(sqlite3_stmt* s) const noexcept;  // sqlite3_finalize
};
using db_ptr = std::unique_ptr<sqlite3, db_closer>;
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

}  // namespace eventfabric::store::sqlite
