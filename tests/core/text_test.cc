#include "emulator/core/text.h"

#include <gtest/gtest.h>

namespace eventfabric::core {
namespace {

TEST(PercentDecode, DecodesEscapesAndKeepsMalformedOnes) {
  EXPECT_EQ(percent_decode("a%2Fb%7e"), "a/b~");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b%20c", true), "a b c");
  EXPECT_EQ(percent_decode(""), "");
}

}  // namespace
}  // namespace eventfabric::core
