#pragma once
// The default on-disk backend: a write-ahead journal in front of sqlite_store.
//
// Why: a one-record commit straight into SQLite costs a B-tree update and two
// WAL frames (about 40 us here), which capped single-record produce requests
// at a third of a bare server's rate. Appending the commit's writes to a
// journal file is one write() of a few hundred bytes.
//
// How:
//  - Writes are staged as bytes (journal_format.h). commit() appends them as
//    one checksummed frame to `<data_dir>/journal` with one pwrite (plus an
//    fdatasync in durability `full`), and only then reports success.
//  - When the journal passes `apply_bytes`, commit() renames it to
//    `journal.sealed`, starts a fresh `journal`, and a mover thread replays
//    the sealed frames into one SQLite transaction, commits it, makes the WAL
//    durable (durability full and normal) and deletes the sealed file. The
//    loop keeps committing to the fresh journal meanwhile, so a move (about
//    100 ms per 8 MiB here) does not pause requests. At most one move runs;
//    the store's SQLite connection belongs to the mover while it does. If
//    the fresh journal reaches twice the threshold before the move ends, the
//    commit waits for it (back-pressure: the journal stays bounded, and
//    sustained throughput is what the mover can put into SQLite).
//  - On open, load() and close, the store waits for the mover and moves
//    whatever is left (the sealed file first: its frames are older), so SQLite
//    alone is what load() reads.
//  - Replaying a frame twice is harmless (every write is an overwrite or a
//    removal of a fixed set of positions), so a crash between SQLite's
//    commit and the journal's deletion loses and duplicates nothing.
//  - A frame that is cut short or fails its checksum ends its file: it was
//    never acknowledged (a process dies before or inside its pwrite, and the
//    commit that wrote it had not returned). On a power loss in durability
//    normal or off, the unsynced tail may be lost this way, never half of a
//    commit.
//  - A failed pwrite or fdatasync fails the commit (acting as rollback) and
//    cuts the journal back to its last whole frame. A failed move keeps the
//    sealed file, which stays authoritative; the next commit past the
//    threshold, the next load() or the close tries again.
//
// Semantics match sqlite_store and memory_store exactly (the typed tests in
// tests/store run every scenario against all three). Not thread-safe.

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "emulator/core/storage.h"
#include "emulator/store/journal_format.h"
#include "emulator/store/sqlite_store.h"
#include "emulator/store/store.h"

namespace eventfabric::store {

class journaled_store final : public core::storage {
 public:
  static constexpr std::size_t default_apply_bytes = std::size_t{8} << 20;

  // Opens the SQLite store (locking the folder), then the journal, and moves
  // whatever the journal files hold into SQLite. Errors: those of
  // sqlite_store::open, plus storage_error when a journal file cannot be read
  // or written, or holds a frame with a good checksum that does not decode.
  // `background_moves = false` runs each move inside the commit that crosses
  // the threshold instead (deterministic, for tests).
  static core::result<std::unique_ptr<journaled_store>> open(const std::filesystem::path& data_dir,
                                                             durability mode,
                                                             std::size_t apply_bytes = default_apply_bytes,
                                                             bool background_moves = true);
  // Drops what is staged, waits for a running move, moves the rest of the
  // journal into SQLite (best effort: a failure leaves it for the next open),
  // then closes.
  ~journaled_store() override;
  journaled_store(const journaled_store&) = delete;
  journaled_store& operator=(const journaled_store&) = delete;

  void append(std::string_view topic, int32_t partition, std::span<const core::record> records) override;
  void erase_records(std::string_view topic, int32_t partition, std::span<const int64_t> offsets) override;
  void truncate(std::string_view topic, int32_t partition, int64_t before) override;
  void drop_records(std::string_view topic) override;

  void put(std::string_view space, std::string_view key, std::string_view value) override;
  void erase(std::string_view space, std::string_view key) override;
  void erase_prefix(std::string_view space, std::string_view prefix) override;

  core::result<void> commit() override;
  void rollback() override;
  core::result<void> load(core::storage_loader& out) override;

  // Waits for a running move, then moves both journal files into SQLite now.
  // Committed writes stay committed whatever it returns.
  core::result<void> apply_journal();

  // Test hooks and debug accessors, as on sqlite_store.
  void fail_next_commits(int n) { failing_commits_ = n; }
  std::size_t commits() const { return commits_; }
  bool has_staged() const { return !frame_.empty(); }
  // Bytes of whole frames in the active journal file.
  std::size_t journal_bytes() const { return size_; }
  // How many moves into SQLite finished since open (a move at open included),
  // as seen by the last commit().
  std::size_t applies() const { return applies_; }
  // Whether a sealed journal waits to be moved or is being moved.
  bool move_pending() const { return sealed_exists_; }
  store_info info() const { return db_->info(); }
  const std::filesystem::path& journal_path() const { return path_; }

 private:
  journaled_store(std::unique_ptr<sqlite_store> db, std::filesystem::path dir, int fd, durability mode,
                  std::size_t apply_bytes, bool background);
  core::error io_error(std::string_view what, const std::filesystem::path& file, int err) const;
  // Replays the frames of `data` (read from `file`) into one SQLite
  // transaction and makes it durable; the number of frames.
  core::result<std::size_t> replay(std::string_view data, const std::filesystem::path& file);
  // Moves journal.sealed into SQLite and deletes it. The mover thread's body.
  core::result<void> move_sealed();
  // Seals the active journal (if no sealed one waits) and starts a move.
  void start_move();
  // Joins a running mover and records its outcome.
  void finish_move();
  // Records a successful move of journal.sealed (on this thread, not the mover's).
  void moved();
  // fsyncs the data folder, so that renames and creations survive a power loss.
  void sync_dir() const;

  std::unique_ptr<sqlite_store> db_;
  std::filesystem::path dir_, path_, sealed_path_;
  int fd_;  // the active journal; -1 if it could not be reopened after sealing
  durability mode_;
  std::size_t apply_bytes_;
  bool background_;
  bool sealed_exists_ = false;
  std::thread mover_;
  std::atomic<bool> mover_done_{false};
  core::result<void> mover_result_;  // written by the mover before mover_done_
  std::size_t size_ = 0;
  // The journal size at which commit() next seals the journal (pushed back
  // by apply_bytes while a move runs or after a failed one).
  std::size_t next_apply_at_;
  // A failed commit could not cut the journal back to size_.
  bool broken_ = false;
  journal::frame_builder frame_;
  int failing_commits_ = 0;
  std::size_t commits_ = 0;
  std::size_t applies_ = 0;
};

}  // namespace eventfabric::store
