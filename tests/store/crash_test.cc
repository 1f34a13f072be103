// Crash tests loop: write, kill -9, reopen, verify. A forked child writes
// through sqlite_store (or journaled_store) and is SIGKILLed; the parent reopens the folder and
// compares load() with memory_store fed the same committed batches. Batches
// are generated from a seed, so parent and child agree on them without
// talking. No sleeps: the parent waits on a pipe and on waitpid().

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/store/store_test_util.h"

namespace eventfabric::store::testing {
namespace {

// The batches of round `round`: batch i of the child is batches(seed, round)[i].
std::vector<std::vector<write_op>> batches(uint64_t seed, int round, int n) {
  std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(round));
  std::vector<std::vector<write_op>> out;
  for (int i = 0; i < n; ++i) out.push_back(random_batch(rng));
  return out;
}

durability mode_of(int round) {
  constexpr durability modes[] = {durability::full, durability::normal, durability::off};
  return modes[round % 3];
}

// The backend under test: sqlite_store, or journaled_store with a small
// threshold so that kills land before, inside and after moves into SQLite.
std::unique_ptr<core::storage> open_backend(const std::filesystem::path& dir, durability mode, bool journaled) {
  if (journaled) {
    auto s = journaled_store::open(dir, mode, 2048);
    if (s) return std::move(*s);
    return nullptr;
  }
  auto s = sqlite_store::open(dir, mode);
  if (s) return std::move(*s);
  return nullptr;
}

// Child: commits `committed` batches, stages one more, then dies by SIGKILL.
[[noreturn]] void child_staged_then_killed(const std::filesystem::path& dir, uint64_t seed, int round,
                                           int committed, bool journaled) {
  auto opened = open_backend(dir, mode_of(round), journaled);
  if (!opened) _exit(2);
  auto all = batches(seed, round, committed + 1);
  for (int i = 0; i < committed; ++i) {
    apply_ops(all[i], *opened);
    if (!opened->commit()) _exit(3);
  }
  apply_ops(all[committed], *opened);
  raise(SIGKILL);
  _exit(4);
}

// Child: commits batches forever, acknowledging each on `ack_fd`.
[[noreturn]] void child_commits_until_killed(const std::filesystem::path& dir, uint64_t seed, int round,
                                             int ack_fd, bool journaled) {
  auto opened = open_backend(dir, mode_of(round), journaled);
  if (!opened) _exit(2);
  auto all = batches(seed, round, 400);
  for (int i = 0; i < 400; ++i) {
    apply_ops(all[i], *opened);
    if (!opened->commit()) _exit(3);
    if (write(ack_fd, &i, sizeof i) != sizeof i) _exit(5);
  }
  // Out of batches before the kill came (the journal commits fast): wait for it.
  for (;;) pause();
}

void expect_killed(pid_t pid) {
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
}

std::vector<event> reopen_and_load(const std::filesystem::path& dir, bool journaled) {
  auto s = open_backend(dir, durability::normal, journaled);
  EXPECT_NE(s, nullptr);
  return s ? load_all(*s) : std::vector<event>{};
}

void staged_writes_vanish_and_committed_ones_survive_kill_9(bool journaled) {
  constexpr uint64_t seed = 42;
  temp_dir dir;
  memory_store model;
  for (int round = 0; round < 12; ++round) {
    SCOPED_TRACE("seed 42 round " + std::to_string(round));
    const int committed = round % 4;
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) child_staged_then_killed(dir.path(), seed, round, committed, journaled);
    expect_killed(pid);
    auto all = batches(seed, round, committed);
    for (const auto& b : all) {
      apply_ops(b, model);
      ASSERT_TRUE(model.commit());
    }
    ASSERT_EQ(reopen_and_load(dir.path(), journaled), load_all(model));
  }
}

void a_kill_at_any_moment_leaves_a_committed_prefix(bool journaled) {
  constexpr uint64_t seed = 7;
  std::mt19937_64 rng(seed);
  temp_dir dir;
  memory_store model;
  for (int round = 0; round < 10; ++round) {
    SCOPED_TRACE("seed 7 round " + std::to_string(round));
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      child_commits_until_killed(dir.path(), seed, round, fds[1], journaled);
    }
    close(fds[1]);
    const int wait_for = static_cast<int>(rng() % 20);
    int acked = -1;
    while (acked < wait_for && read(fds[0], &acked, sizeof acked) == sizeof acked) {
    }
    kill(pid, SIGKILL);  // lands mid-batch, mid-commit or between commits
    close(fds[0]);
    expect_killed(pid);
    ASSERT_EQ(acked, wait_for);
    // Every acknowledged batch survived; later ones are all-or-nothing.
    const auto loaded = reopen_and_load(dir.path(), journaled);
    auto all = batches(seed, round, 400);
    bool matched = false;
    for (int i = 0; i < 400 && !matched; ++i) {
      apply_ops(all[i], model);
      ASSERT_TRUE(model.commit());
      if (i >= acked) matched = load_all(model) == loaded;
    }
    ASSERT_TRUE(matched) << "the reopened store equals no committed prefix";
  }
}

TEST(store_crash, staged_writes_vanish_and_committed_ones_survive_kill_9) {
  staged_writes_vanish_and_committed_ones_survive_kill_9(false);
}
TEST(store_crash, a_kill_at_any_moment_leaves_a_committed_prefix) {
  a_kill_at_any_moment_leaves_a_committed_prefix(false);
}
TEST(store_crash, journal_staged_writes_vanish_and_committed_ones_survive_kill_9) {
  staged_writes_vanish_and_committed_ones_survive_kill_9(true);
}
TEST(store_crash, journal_a_kill_at_any_moment_leaves_a_committed_prefix) {
  a_kill_at_any_moment_leaves_a_committed_prefix(true);
}

}  // namespace
}  // namespace eventfabric::store::testing
