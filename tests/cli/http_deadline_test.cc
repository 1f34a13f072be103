// The CLI's connection to a server (cli/http.h over http_client::client):
// a server that accepts but never answers gives an error after the call's
// deadline instead of hanging, and a closed port says how to fix it.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>

#include "cli/http.h"
#include "emulator/http_client/client.h"

namespace eventfabric::cli {
namespace {

namespace asio = boost::asio;

// A listening socket nobody accepts from: connects succeed (the kernel's
// backlog), requests are never answered.
struct silent_server {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()); }
};

TEST(CliHttp, UnansweredCallFailsAtItsDeadline) {
  silent_server s;
  auto c = http_connection::open(s.url());
  ASSERT_TRUE(c.has_value());
  auto r = (*c)->call("GET", "/health", "", "application/json", std::chrono::milliseconds(100));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("no answer from " + s.url() + " within 100 ms"), std::string::npos)
      << r.error().message;
}

TEST(CliHttp, RefusedConnectionNamesTheUrlAndTheFix) {
  std::string url;
  {
    silent_server s;  // a port that was free a moment ago, now closed
    url = s.url();
  }
  auto c = http_connection::open(url);
  ASSERT_TRUE(c.has_value());
  auto r = (*c)->call("GET", "/health");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::not_found);
  EXPECT_NE(r.error().message.find("is `eventfabric serve` running at " + url), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("EVENTFABRIC_URL"), std::string::npos);
}

TEST(HttpClient, TimeoutIsReportedAsSuch) {
  silent_server s;
  http_client::client c("127.0.0.1", std::to_string(s.acceptor.local_endpoint().port()));
  auto r = c.call("POST", "/deliver", "{}", {}, std::chrono::milliseconds(50));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, http_client::failure_kind::timeout);
}

TEST(CliHttp, BadUrlIsRefusedBeforeAnyConnection) {
  auto c = http_connection::open("https://127.0.0.1:1");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, core::errc::invalid_argument);
}

}  // namespace
}  // namespace eventfabric::cli
