#include "emulator/store/sqlite_handles.h"

#include <sqlite3.h>

namespace eventfabric::store::sqlite {

void db_closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
void stmt_finalizer::operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }

}  // namespace eventfabric::store::sqlite
