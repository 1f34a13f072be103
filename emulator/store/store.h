#pragma once
// The public surface of the persistence layer: pick a backend and a
// durability mode, get a core::storage. Everything else in emulator/store is
// machinery (see README.md for the invariants).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/core/error.h"
#include "emulator/core/storage.h"

namespace eventfabric::store {

// How hard commit() works to survive failures. SQLite always runs in WAL mode;
// the mode picks its `PRAGMA synchronous`. Ignored by the in-memory backend,
// which loses everything when the process exits.
enum class durability {
  // synchronous=FULL: the WAL is fsynced on every commit. Nothing committed is
  // lost on a process crash (kill -9) nor on a power loss / OS crash.
  full,
  // synchronous=NORMAL (default): the WAL is fsynced only at checkpoints.
  // Nothing committed is lost on a process crash (kill -9); on a power loss /
  // OS crash the transactions committed since the last checkpoint may be lost
  // (the database stays consistent: whole transactions roll back, never part).
  normal,
  // synchronous=OFF: never fsyncs. Survives a process crash (the OS holds the
  // written pages), but a power loss / OS crash may lose recent transactions
  // or corrupt the database file.
  off,
};

// "full", "normal" or "off".
std::string_view to_string(durability d) noexcept;
// Inverse of to_string (ASCII case-insensitive); nullopt for anything else.
std::optional<durability> parse_durability(std::string_view s) noexcept;

struct store_options {
  // Folder holding eventfabric.db (+ its -wal/-shm files) and LOCK. Created,
  // with parents, if missing.
  std::filesystem::path data_dir = ".eventfabric";
  // true: memory_store; nothing touches the disk and data_dir is ignored.
  bool in_memory = false;
  durability mode = durability::normal;
};

// Opens the backend chosen by `opts`. The returned storage is owned by the
// caller, holds the data folder exclusively until destroyed, and must be used
// from one thread at a time. Errors:
//  - storage_error: the folder or database cannot be created or opened, the
//    file is not a SQLite database, or another process (or another open store
//    in this process) holds the folder;
//  - incompatible_store: the database was written by a newer schema version,
//    or is a SQLite database that is not an eventfabric store.
core::result<std::unique_ptr<core::storage>> open_store(const store_options& opts);

// What an open store is, for banners and diagnostics.
struct store_info {
  std::string backend;                   // "sqlite" or "memory"
  std::string path;                      // the database file; empty for memory
  int schema_version = 0;                // PRAGMA user_version; 0 for memory
  durability mode = durability::normal;  // as opened; always normal for memory
};

// Describes a storage returned by open_store (or any sqlite_store /
// memory_store). A storage of another type yields backend "unknown".
store_info describe(const core::storage& s);

}  // namespace eventfabric::store
