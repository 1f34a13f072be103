#pragma once
// Internal: exclusive ownership of a data folder through an flock(2)ed file
// `<data_dir>/LOCK` that holds the owner's pid. flock locks belong to the open
// file description, so a second open in the same process is refused exactly
// like one from another process. The kernel drops the lock when the owner
// dies (even by kill -9); the file itself stays and is reused.

#include <filesystem>

#include "emulator/core/error.h"

namespace eventfabric::store {

class dir_lock {
 public:
  // Creates and locks `<data_dir>/LOCK`, then writes our pid into it.
  // storage_error "data folder X is in use by another eventfabric process
  // (pid N)" when someone holds it ("... by another open store in this
  // process (pid N)" when we do); storage_error on any I/O failure.
  static core::result<dir_lock> acquire(const std::filesystem::path& data_dir);

  dir_lock(dir_lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  dir_lock& operator=(dir_lock&& other) noexcept;
  dir_lock(const dir_lock&) = delete;
  dir_lock& operator=(const dir_lock&) = delete;
  // Releases the lock (closing the file releases it).
  ~dir_lock();

 private:
  explicit dir_lock(int fd) noexcept : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace eventfabric::store
