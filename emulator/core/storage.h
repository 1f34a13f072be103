#pragma once
// The persistence interface the core writes through. Implementations live in
// emulator/store (sqlite_store, memory_store); the core depends only on this.
//
// Contract:
//  - Writes are staged. Nothing staged is visible to load() of a later open
//    until commit() returns success; after that it survives a process crash
//    (and, depending on the durability mode, a power loss).
//  - commit() is all-or-nothing for everything staged since the last commit.
//  - Calls come from one thread (the broker's strand); implementations need
//    not be thread-safe.
//  - Records are keyed by (topic, partition, offset); values by (space, key).
//    Spaces are short ASCII names chosen by the core ("topic", "qmsg", ...).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "emulator/core/error.h"
#include "emulator/core/record.h"

namespace eventfabric::core {

// Receives the committed contents during load(): first every value (in key
// order per space), then every record (in offset order per partition), so a
// topic's configuration is known before its records arrive.
class storage_loader {
 public:
  virtual ~storage_loader() = default;
  virtual void on_value(std::string_view space, std::string_view key, std::string_view value) = 0;
  virtual void on_record(std::string_view topic, int32_t partition, record&& r) = 0;
};

class storage {
 public:
  virtual ~storage() = default;

  virtual void append(std::string_view topic, int32_t partition, std::span<const record> records) = 0;
  // Removes single records (compaction).
  virtual void erase_records(std::string_view topic, int32_t partition,
                             std::span<const int64_t> offsets) = 0;
  // Removes every record of the partition with offset < before (retention).
  virtual void truncate(std::string_view topic, int32_t partition, int64_t before) = 0;
  // Removes every record of every partition of the topic.
  virtual void drop_records(std::string_view topic) = 0;

  virtual void put(std::string_view space, std::string_view key, std::string_view value) = 0;
  virtual void erase(std::string_view space, std::string_view key) = 0;
  // Erases every key of `space` that starts with `prefix`.
  virtual void erase_prefix(std::string_view space, std::string_view prefix) = 0;

  // Makes everything staged durable, atomically.
  virtual result<void> commit() = 0;
  // Discards everything staged since the last commit.
  virtual void rollback() = 0;
  // Streams the committed contents into `out`.
  virtual result<void> load(storage_loader& out) = 0;
};

}  // namespace eventfabric::core
