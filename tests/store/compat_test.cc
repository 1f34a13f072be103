// Differential test: seeded random write batches, commits, rollbacks, injected
// commit failures and reopens, applied to memory_store and sqlite_store side
// by side, then to memory_store and journaled_store. After every step both
// must report the same staging state, commit count and load() contents.

#include <gtest/gtest.h>

#include "tests/store/store_test_util.h"

namespace eventfabric::store::testing {
namespace {

template <class Open>
void run_compat_scenario(uint64_t seed, int steps, Open open) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  temp_dir dir;
  memory_store model;
  auto real = open(dir.path());
  ASSERT_NE(real, nullptr);
  std::size_t commits_before_reopen = 0;  // sqlite_store counts per open
  for (int step = 0; step < steps; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    const auto batch = random_batch(rng);
    apply_ops(batch, model);
    apply_ops(batch, *real);
    ASSERT_EQ(model.has_staged(), real->has_staged());
    switch (rng() % 10) {
      case 0:
      case 1:
        model.rollback();
        real->rollback();
        break;
      case 2:
        model.fail_next_commits(1);
        real->fail_next_commits(1);
        ASSERT_FALSE(model.commit().has_value());
        ASSERT_FALSE(real->commit().has_value());
        break;
      default:
        ASSERT_TRUE(model.commit().has_value());
        ASSERT_TRUE(real->commit().has_value());
        break;
    }
    ASSERT_FALSE(real->has_staged());
    ASSERT_EQ(model.commits(), commits_before_reopen + real->commits());
    if (rng() % 16 == 0) {  // close and reopen: what is committed persists
      commits_before_reopen += real->commits();
      real.reset();
      real = open(dir.path());
      ASSERT_NE(real, nullptr);
    }
    ASSERT_EQ(load_all(model), load_all(*real));
  }
}

TEST(store_compat, random_scenarios_agree) {
  for (uint64_t seed = 1; seed <= 12; ++seed)
    run_compat_scenario(seed, 150, [](const std::filesystem::path& d) { return open_sqlite(d); });
}

// The journal moves into SQLite every ~1 KiB here, so scenarios cross many
// moves (a close moves the rest; crash_test covers a replay after kill -9).
TEST(store_compat, random_scenarios_agree_through_the_journal) {
  for (uint64_t seed = 1; seed <= 12; ++seed)
    run_compat_scenario(seed, 150, [](const std::filesystem::path& d) { return open_journaled(d, 1024); });
}

}  // namespace
}  // namespace eventfabric::store::testing
