// The crash test: a child process (ef_crash_writer) produces to a topic and
// publishes to a queue in a loop, syncing and acknowledging each iteration on
// stdout. We SIGKILL it at seeded random moments, reopen the store, and check
// that everything acknowledged is there exactly once, in order, and that
// nothing acknowledged as consumed came back. Repeated many times on one data
// folder, so every round also recovers what the previous rounds left.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>

#include "emulator/core/broker.h"
#include "emulator/core/random.h"
#include "emulator/store/store.h"

namespace eventfabric {
namespace {

namespace fs = std::filesystem;

struct child_output {
  std::vector<std::string> lines;
};

struct ledger {
  int64_t last_acked = -1;           // every seq <= this was durably produced
  std::set<int64_t> attempted;       // queue messages the child tried to consume
  std::set<int64_t> consumed;        // queue messages durably acked
};

// Runs the writer until it printed `acks` ack lines, waits `extra_us`, kills it.
std::vector<std::string> run_and_kill(const fs::path& dir, const char* mode, uint64_t seed, int acks,
                                      int extra_us) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    const std::string s = std::to_string(seed);
    execl(EF_CRASH_WRITER, EF_CRASH_WRITER, dir.c_str(), mode, s.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  FILE* in = fdopen(fds[0], "r");
  std::vector<std::string> lines;
  char buf[8192];
  int seen = 0;
  while (seen < acks && std::fgets(buf, sizeof buf, in)) {
    lines.emplace_back(buf);
    if (lines.back().rfind("ack", 0) == 0) ++seen;
  }
  if (extra_us > 0) usleep(static_cast<useconds_t>(extra_us));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  while (std::fgets(buf, sizeof buf, in)) lines.emplace_back(buf);  // what it wrote before dying
  std::fclose(in);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the writer exited by itself with status " << status;
  return lines;
}

void absorb(const std::vector<std::string>& lines, ledger& l) {
  for (const auto& line : lines) {
    if (line.empty() || line.back() != '\n') continue;  // a torn last line proves nothing
    std::istringstream in(line);
    std::string word;
    in >> word;
    int64_t v = 0;
    if (word == "recv") {
      while (in >> v) l.attempted.insert(v);
    } else if (word == "ack") {
      in >> v;
      l.last_acked = std::max(l.last_acked, v);
      while (in >> v) l.consumed.insert(v);
    }
  }
}

void verify(const fs::path& dir, const ledger& l) {
  store::store_options opts;
  opts.data_dir = dir;
  auto st = store::open_store(opts);
  ASSERT_TRUE(st) << st.error().message;
  core::broker b({.clk = nullptr, .seed = 0, .store = st->get()});
  ASSERT_TRUE(b.recover());
  std::set<int64_t> in_topic;
  for (int32_t p = 0; p < 3; ++p) {
    auto info = b.topics().partition("crash.record.written.v1", p);
    ASSERT_TRUE(info);
    auto recs = b.topics().fetch("crash.record.written.v1", p, 0, {SIZE_MAX, SIZE_MAX});
    ASSERT_TRUE(recs);
    int64_t prev = -1, expect_offset = 0;
    for (const auto& r : *recs) {
      const int64_t v = std::stoll(r.value);
      EXPECT_EQ(r.offset, expect_offset++) << "offsets must be contiguous";
      EXPECT_GT(v, prev) << "per-partition order broken";
      prev = v;
      EXPECT_TRUE(in_topic.insert(v).second) << "duplicate record " << v;
    }
  }
  const int64_t max_seq = in_topic.empty() ? -1 : *in_topic.rbegin();
  ASSERT_GE(max_seq, l.last_acked) << "acknowledged records were lost";
  EXPECT_EQ(static_cast<int64_t>(in_topic.size()), max_seq + 1) << "gap in the produced sequence";

  auto msgs = b.queues().peek("crash.test.normal", SIZE_MAX);
  ASSERT_TRUE(msgs);
  std::set<int64_t> in_queue;
  for (const auto& m : *msgs) {
    const int64_t v = std::stoll(m.body);
    EXPECT_TRUE(in_queue.insert(v).second) << "duplicate queue message " << v;
    EXPECT_LE(v, max_seq);
  }
  auto stats = b.queues().stats("crash.test.normal");
  EXPECT_EQ(stats->unacked, 0u) << "unacked messages must come back as ready after a restart";
  for (int64_t v = 0; v <= max_seq; ++v) {
    if (l.consumed.contains(v)) {
      EXPECT_FALSE(in_queue.contains(v)) << "acked message " << v << " came back";
    }
    if (!l.attempted.contains(v)) {
      EXPECT_TRUE(in_queue.contains(v)) << "queue message " << v << " was lost";
    }
  }
}

TEST(CrashTest, KillNineLoopLosesNothingAcknowledged) {
  const char* env_rounds = std::getenv("EF_CRASH_ROUNDS");
  const int rounds = env_rounds ? std::atoi(env_rounds) : 50;
  const fs::path dir = fs::temp_directory_path() / ("ef-crash-" + std::to_string(getpid()));
  fs::remove_all(dir);
  core::random rng(20261127);
  ledger l;
  const char* modes[] = {"normal", "full", "off"};
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const int acks = static_cast<int>(rng.between(1, 80));
    const int extra_us = static_cast<int>(rng.between(0, 3000));
    auto lines = run_and_kill(dir, modes[round % 3], rng.next_u64(), acks, extra_us);
    absorb(lines, l);
    verify(dir, l);
    if (HasFatalFailure() || HasNonfatalFailure()) break;
  }
  EXPECT_GT(l.last_acked, rounds) << "the writer made too little progress for the test to mean anything";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace eventfabric
