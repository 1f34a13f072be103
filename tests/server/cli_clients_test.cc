// The client commands (produce, consume, tail, topics, queues, publish,
// receive) as a user runs them, against a real server process.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "tests/support/http_client.h"

namespace eventfabric {
namespace {

using json = nlohmann::json;

struct run_result {
  int code;
  std::string out;
};

// Runs `eventfabric ARGS` with `input` on stdin; stderr is discarded.
run_result run(const std::string& url, const std::string& args, const std::string& input = "") {
  const std::string in_file = ::testing::TempDir() + "ef-cli-in-" + std::to_string(getpid());
  FILE* f = std::fopen(in_file.c_str(), "w");
  std::fputs(input.c_str(), f);
  std::fclose(f);
  const std::string cmd = "EVENTFABRIC_URL=" + url + " " + EF_EVENTFABRIC_BIN + " " + args + " < " + in_file + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  std::remove(in_file.c_str());
  return {WEXITSTATUS(status), out};
}

std::vector<json> lines(const std::string& out) {
  std::vector<json> v;
  std::size_t start = 0;
  while (start < out.size()) {
    auto end = out.find('\n', start);
    v.push_back(json::parse(out.substr(start, end - start)));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return v;
}

TEST(CliClients, ProduceConsumeTailPublishReceive) {
  const uint16_t port = testing::free_port();
  testing::server_process srv(EF_EVENTFABRIC_BIN, {"--in-memory"});
  ASSERT_TRUE(srv.start(port));
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  ASSERT_EQ(run(url, "topics create workflow.instance.started.v1 --partitions 2").code, 0);
  auto produced = run(url, "produce workflow.instance.started.v1 --key k", "{\"n\":1}\n{\"n\":2}\n\n{\"n\":3}\n");
  ASSERT_EQ(produced.code, 0);
  EXPECT_EQ(lines(produced.out).size(), 3u);
  EXPECT_EQ(run(url, "produce workflow.instance.started.v1", "not json\n").code, 1);
  EXPECT_EQ(run(url, "produce nope.nope.nope.v1", "{}\n").code, 1);

  auto consumed = run(url, "consume workflow.instance.started.v1 --group g --from-beginning");
  ASSERT_EQ(consumed.code, 0);
  auto recs = lines(consumed.out);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[2]["value"]["n"], 3);
  // Committed: the group has nothing left.
  EXPECT_EQ(run(url, "consume workflow.instance.started.v1 --group g --from-beginning").out, "");
  // tail reads without a group.
  EXPECT_EQ(lines(run(url, "tail workflow.instance.started.v1 --from-beginning --no-follow").out).size(), 3u);
  EXPECT_EQ(lines(run(url, "topics").out).size(), 1u);

  ASSERT_EQ(run(url, "queues declare notify.email.high --max-length 5").code, 0);
  ASSERT_EQ(run(url, "publish notify.email.high", "{\"to\":\"a@example.com\"}\nplain text\n").code, 0);
  auto first = lines(run(url, "receive notify.email.high --max 1 --settle nack").out);
  ASSERT_EQ(first.size(), 1u);
  auto again = lines(run(url, "receive notify.email.high --max 5").out);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_TRUE(again[0]["redelivered"].get<bool>());
  EXPECT_EQ(again[1]["message"]["body"], "plain text");
  EXPECT_EQ(lines(run(url, "queues").out)[0]["ready"], 0);
  EXPECT_EQ(run(url, "publish", "x\n").code, 2);
  EXPECT_EQ(run("http://127.0.0.1:1", "topics").code, 2);
}

}  // namespace
}  // namespace eventfabric
