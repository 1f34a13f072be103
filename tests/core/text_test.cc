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

TEST(HttpUrl, SplitsHostPortAndTarget) {
  auto u = parse_http_url("http://127.0.0.1:9000/events?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "9000");
  EXPECT_EQ(u->target, "/events?x=1");
  auto bare = parse_http_url("http://localhost");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->port, "80");
  EXPECT_EQ(bare->target, "/");
}

TEST(HttpUrl, RejectsWhatAClientCannotConnectTo) {
  for (const char* bad : {"http:///x", "http://h:/x", "http://h:0/", "http://h:65536/", "http://h:8o/",
                          "https://h/", "ftp://h/", "127.0.0.1:80"}) {
    auto u = parse_http_url(bad);
    ASSERT_FALSE(u) << bad;
    EXPECT_EQ(u.error().code, errc::invalid_argument);
    EXPECT_NE(u.error().message.find(bad), std::string::npos) << u.error().message;
  }
}

TEST(Iequals, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("Idempotency-Key", "idempotency-key"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("X-Topic", "X-Topics"));
  EXPECT_FALSE(iequals("normal", "norma1"));
}

}  // namespace
}  // namespace eventfabric::core
