#include "emulator/store/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace eventfabric::store {

namespace {

std::unexpected<core::error> io_error(const std::filesystem::path& file, std::string_view what) {
  return core::fail(core::errc::storage_error,
                    std::string(what) + " " + file.string() + ": " + std::strerror(errno));
}

// The pid the current holder wrote, or "unknown" if it has not written it yet.
std::string read_holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

bool write_own_pid(int fd) {
  const std::string pid = std::to_string(getpid()) + "\n";
  return ftruncate(fd, 0) == 0 && pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
}

}  // namespace

core::result<dir_lock> dir_lock::acquire(const std::filesystem::path& data_dir) {
  const std::filesystem::path file = data_dir / "LOCK";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(file, "cannot open lock file");
  dir_lock lock(fd);  // closes fd on every early return below
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return io_error(file, "cannot lock");
    const std::string holder = read_holder_pid(fd);
    const bool us = holder == std::to_string(getpid());
    return core::fail(core::errc::storage_error,
                      "data folder " + data_dir.string() + " is in use by " +
                          (us ? "another open store in this process" : "another eventfabric process") +
                          " (pid " + holder + ")");
  }
  if (!write_own_pid(fd)) return io_error(file, "cannot write pid to");
  return lock;
}

dir_lock& dir_lock::operator=(dir_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

dir_lock::~dir_lock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace eventfabric::store
