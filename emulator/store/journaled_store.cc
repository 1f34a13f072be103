#include "emulator/store/journaled_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

namespace eventfabric::store {

namespace {

// Writes all of `bytes` at `offset`; 0 or errno.
int pwrite_all(int fd, std::string_view bytes, off_t offset) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    bytes.remove_prefix(static_cast<std::size_t>(n));
    offset += n;
  }
  return 0;
}

// Reads the whole of `fd` into `out`; 0 or errno.
int read_all(int fd, std::string& out) {
  out.clear();
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno;
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) break;  // shorter than fstat said: what is missing is a torn tail
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return 0;
}

int open_journal(const std::filesystem::path& p) { return ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644); }

}  // namespace

core::result<std::unique_ptr<journaled_store>> journaled_store::open(const std::filesystem::path& data_dir,
                                                                     durability mode, std::size_t apply_bytes,
                                                                     bool background_moves) {
  auto db = sqlite_store::open(data_dir, mode);
  if (!db) return std::unexpected(db.error());
  const int fd = open_journal(data_dir / "journal");
  if (fd < 0)
    return core::fail(core::errc::storage_error, "data folder " + data_dir.string() + ": cannot open " +
                                                     (data_dir / "journal").string() + ": " + std::strerror(errno));
  std::unique_ptr<journaled_store> s(
      new journaled_store(std::move(*db), data_dir, fd, mode, apply_bytes, background_moves));
  std::error_code ec;
  s->sealed_exists_ = std::filesystem::exists(s->sealed_path_, ec);
  struct stat st {};
  if (::fstat(fd, &st) == 0) s->size_ = static_cast<std::size_t>(st.st_size);
  if (auto r = s->apply_journal(); !r) return std::unexpected(r.error());
  return s;
}

journaled_store::journaled_store(std::unique_ptr<sqlite_store> db, std::filesystem::path dir, int fd,
                                 durability mode, std::size_t apply_bytes, bool background)
    : db_(std::move(db)),
      dir_(std::move(dir)),
      path_(dir_ / "journal"),
      sealed_path_(dir_ / "journal.sealed"),
      fd_(fd),
      mode_(mode),
      apply_bytes_(apply_bytes == 0 ? 1 : apply_bytes),
      background_(background),
      next_apply_at_(apply_bytes_) {}

journaled_store::~journaled_store() {
  frame_.clear();
  (void)apply_journal();
  if (fd_ >= 0) ::close(fd_);
}

core::error journaled_store::io_error(std::string_view what, const std::filesystem::path& file, int err) const {
  return core::error{core::errc::storage_error, "data folder " + dir_.string() + ": " + std::string(what) + " " +
                                                    file.string() + ": " + std::strerror(err)};
}

void journaled_store::sync_dir() const {
  if (mode_ == durability::off) return;
  const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return;
  (void)::fsync(dfd);
  ::close(dfd);
}

// ---- staging -----------------------------------------------------------------

void journaled_store::append(std::string_view topic, int32_t partition, std::span<const core::record> records) {
  if (!records.empty()) frame_.append(topic, partition, records);
}

void journaled_store::erase_records(std::string_view topic, int32_t partition,
                                    std::span<const int64_t> offsets) {
  if (!offsets.empty()) frame_.erase_records(topic, partition, offsets);
}

void journaled_store::truncate(std::string_view topic, int32_t partition, int64_t before) {
  frame_.truncate(topic, partition, before);
}

void journaled_store::drop_records(std::string_view topic) { frame_.drop_records(topic); }

void journaled_store::put(std::string_view space, std::string_view key, std::string_view value) {
  frame_.put(space, key, value);
}

void journaled_store::erase(std::string_view space, std::string_view key) { frame_.erase(space, key); }

void journaled_store::erase_prefix(std::string_view space, std::string_view prefix) {
  frame_.erase_prefix(space, prefix);
}

void journaled_store::rollback() { frame_.clear(); }

// ---- commit --------------------------------------------------------------------

core::result<void> journaled_store::commit() {
  if (failing_commits_ > 0) {
    --failing_commits_;
    frame_.clear();
    return core::fail(core::errc::storage_error, "data folder " + dir_.string() + ": injected commit failure");
  }
  if (frame_.empty()) {
    ++commits_;
    return {};
  }
  if (fd_ < 0) {
    frame_.clear();
    return core::fail(core::errc::storage_error,
                      "data folder " + dir_.string() + ": the journal could not be reopened after sealing it");
  }
  if (broken_) {
    // A failed commit's frame may still sit past the last whole one, whole
    // and checksummed: it must go before anything follows it.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      frame_.clear();
      return std::unexpected(io_error("cannot cut back", path_, errno));
    }
    broken_ = false;
  }
  const std::string_view bytes = frame_.seal();
  if (bytes.size() - journal::kHeaderSize > std::numeric_limits<uint32_t>::max()) {
    frame_.clear();
    return core::fail(core::errc::storage_error,
                      "data folder " + dir_.string() + ": one commit holds more than 4 GiB of writes");
  }
  int err = pwrite_all(fd_, bytes, static_cast<off_t>(size_));
  if (err == 0 && mode_ == durability::full && ::fdatasync(fd_) != 0) err = errno;
  const std::size_t written = bytes.size();
  frame_.clear();
  if (err != 0) {
    // Cut back to the last whole frame, so the failed one never replays.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) broken_ = true;
    return std::unexpected(io_error("cannot append to", path_, err));
  }
  size_ += written;
  ++commits_;
  // Back-pressure: while a move runs the journal may grow to twice the
  // threshold; past that the commit waits for the mover, so sustained
  // throughput is the mover's and the journal stays bounded.
  if (mover_.joinable() && (mover_done_.load(std::memory_order_acquire) || size_ >= 2 * apply_bytes_))
    finish_move();
  if (size_ >= next_apply_at_) start_move();
  return {};
}

// ---- moves into SQLite -------------------------------------------------------

core::result<std::size_t> journaled_store::replay(std::string_view data, const std::filesystem::path& file) {
  const auto scan = journal::scan_frames(
      data, [this](std::string_view payload) { return journal::apply_payload(payload, *db_); });
  if (scan.rejected) {
    db_->rollback();
    return core::fail(core::errc::storage_error, "data folder " + dir_.string() + ": " + file.string() +
                                                     " is damaged at byte " + std::to_string(scan.valid_bytes) +
                                                     " (a frame with a good checksum does not decode); nothing "
                                                     "was changed");
  }
  if (scan.frames == 0) return std::size_t{0};
  if (auto r = db_->commit(); !r) return std::unexpected(r.error());
  if (mode_ != durability::off)
    if (auto r = db_->sync(); !r) return std::unexpected(r.error());
  return scan.frames;
}

core::result<void> journaled_store::move_sealed() {
  const int fd = ::open(sealed_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(io_error("cannot open", sealed_path_, errno));
  std::string data;
  const int err = read_all(fd, data);
  ::close(fd);
  if (err != 0) return std::unexpected(io_error("cannot read", sealed_path_, err));
  if (auto r = replay(data, sealed_path_); !r) return std::unexpected(r.error());
  if (::unlink(sealed_path_.c_str()) != 0 && errno != ENOENT)
    return std::unexpected(io_error("cannot delete", sealed_path_, errno));
  sync_dir();
  return {};
}

void journaled_store::start_move() {
  if (mover_.joinable()) return;          // one at a time: the first commit after it ends seals
  next_apply_at_ = size_ + apply_bytes_;  // if this one fails, not again before then
  if (!sealed_exists_) {
    // Seal the active journal and start a fresh one.
    if (std::rename(path_.c_str(), sealed_path_.c_str()) != 0) return;
    const int fd = open_journal(path_);
    if (fd < 0) {
      // Put it back and keep appending to it. If even that fails, commits
      // fail from now on; the next open replays journal.sealed.
      if (std::rename(sealed_path_.c_str(), path_.c_str()) != 0) {
        ::close(fd_);
        fd_ = -1;
        sealed_exists_ = true;
      }
      return;
    }
    ::close(fd_);
    fd_ = fd;
    size_ = 0;
    next_apply_at_ = apply_bytes_;
    sealed_exists_ = true;
    sync_dir();
  }
  if (!background_) {
    if (move_sealed()) moved();
    return;
  }
  mover_done_.store(false, std::memory_order_relaxed);
  mover_ = std::thread([this] {
    mover_result_ = move_sealed();
    mover_done_.store(true, std::memory_order_release);
  });
}

void journaled_store::finish_move() {
  if (!mover_.joinable()) return;
  mover_.join();
  mover_done_.store(false, std::memory_order_relaxed);
  if (mover_result_) moved();
}

void journaled_store::moved() {
  sealed_exists_ = false;
  ++applies_;
}

core::result<void> journaled_store::apply_journal() {
  finish_move();
  if (sealed_exists_) {
    if (auto r = move_sealed(); !r) return r;
    moved();
  }
  if (size_ == 0 || fd_ < 0) return {};
  std::string data;
  if (const int err = read_all(fd_, data); err != 0) return std::unexpected(io_error("cannot read", path_, err));
  auto frames = replay(data, path_);
  if (!frames) return std::unexpected(frames.error());
  if (*frames > 0) ++applies_;
  if (::ftruncate(fd_, 0) != 0) return std::unexpected(io_error("cannot empty", path_, errno));
  if (mode_ != durability::off && ::fdatasync(fd_) != 0)
    return std::unexpected(io_error("cannot sync", path_, errno));
  size_ = 0;
  next_apply_at_ = apply_bytes_;
  broken_ = false;
  return {};
}

core::result<void> journaled_store::load(core::storage_loader& out) {
  if (has_staged())
    return core::fail(core::errc::precondition_failed,
                      "data folder " + dir_.string() + ": load() called with uncommitted writes staged");
  if (auto r = apply_journal(); !r) return r;
  return db_->load(out);
}

}  // namespace eventfabric::store
