#include "emulator/core/partitioner.h"

#include <gtest/gtest.h>

#include <map>

namespace eventfabric::core {
namespace {

// Values from Kafka's own UtilsTest.testMurmur2 (clients/src/test/.../UtilsTest.java).
TEST(Murmur2, MatchesKafkaUtilsTest) {
  const std::map<std::string, int32_t> cases = {
      {"21", -973932308},
      {"foobar", -790332482},
      {"a-little-bit-long-string", -985981536},
      {"a-little-bit-longer-string", -1486304829},
      {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
      {"abc", 479470107},
  };
  for (const auto& [key, expected] : cases) EXPECT_EQ(murmur2(key), expected) << key;
}

TEST(Murmur2, ToPositiveClearsSignBitInsteadOfAbs) {
  EXPECT_EQ(to_positive(-1), 0x7fffffff);
  EXPECT_EQ(to_positive(INT32_MIN), 0);
  EXPECT_EQ(to_positive(42), 42);
}

TEST(Murmur2, PartitionForKeyIsStableAndInRange) {
  // toPositive(-973932308) % 12 computed by hand: (-973932308 & 0x7fffffff) = 1173551340; % 12 = 0.
  EXPECT_EQ(partition_for_key("21", 12), 1173551340 % 12);
  for (int32_t n : {1, 2, 3, 7, 64})
    for (const char* k : {"", "a", "tenant-1", "order-42"}) {
      const int32_t p = partition_for_key(k, n);
      EXPECT_GE(p, 0);
      EXPECT_LT(p, n);
      EXPECT_EQ(p, partition_for_key(k, n));
    }
}

TEST(Murmur2, HandlesEmptyAndBinaryKeys) {
  EXPECT_EQ(murmur2(""), murmur2(std::string_view("", 0)));
  const std::string binary("\x00\xff\x80\x7f", 4);
  EXPECT_EQ(murmur2(binary), murmur2(binary));
}

}  // namespace
}  // namespace eventfabric::core
