// Crash tests loop: write, kill -9, reopen, verify. A forked child writes
// through sqlite_store and is SIGKILLed; the parent reopens the folder and
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

// Child: commits `committed` batches, stages one more, then dies by SIGKILL.
[[noreturn]] void child_staged_then_killed(const std::filesystem::path& dir, uint64_t seed, int round,
                                           int committed) {
  auto opened = sqlite_store::open(dir, mode_of(round));
  if (!opened) _exit(2);
  auto all = batches(seed, round, committed + 1);
  for (int i = 0; i < committed; ++i) {
    apply_ops(all[i], **opened);
    if (!(*opened)->commit()) _exit(3);
  }
  apply_ops(all[committed], **opened);
  raise(SIGKILL);
  _exit(4);
}

// Child: commits batches forever, acknowledging each on `ack_fd`.
[[noreturn]] void child_commits_until_killed(const std::filesystem::path& dir, uint64_t seed, int round,
                                             int ack_fd) {
  auto opened = sqlite_store::open(dir, mode_of(round));
  if (!opened) _exit(2);
  auto all = batches(seed, round, 400);
  for (int i = 0; i < 400; ++i) {
    apply_ops(all[i], **opened);
    if (!(*opened)->commit()) _exit(3);
    if (write(ack_fd, &i, sizeof i) != sizeof i) _exit(5);
  }
  _exit(6);  // ran out of batches before the parent killed it
}

void expect_killed(pid_t pid) {
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
}

std::vector<event> reopen_and_load(const std::filesystem::path& dir) {
  auto s = open_sqlite(dir);
  return s ? load_all(*s) : std::vector<event>{};
}

TEST(store_crash, staged_writes_vanish_and_committed_ones_survive_kill_9) {
  constexpr uint64_t seed = 42;
  temp_dir dir;
  memory_store model;
  for (int round = 0; round < 12; ++round) {
    SCOPED_TRACE("seed 42 round " + std::to_string(round));
    const int committed = round % 4;
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) child_staged_then_killed(dir.path(), seed, round, committed);
    expect_killed(pid);
    auto all = batches(seed, round, committed);
    for (const auto& b : all) {
      apply_ops(b, model);
      ASSERT_TRUE(model.commit());
    }
    ASSERT_EQ(reopen_and_load(dir.path()), load_all(model));
  }
}

TEST(store_crash, a_kill_at_any_moment_leaves_a_committed_prefix) {
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
      child_commits_until_killed(dir.path(), seed, round, fds[1]);
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
    const auto loaded = reopen_and_load(dir.path());
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

}  // namespace
}  // namespace eventfabric::store::testing
