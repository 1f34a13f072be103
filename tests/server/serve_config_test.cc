// `eventfabric serve --config FILE` as a user runs it: the example file
// declares its topology (and registers its contracts) on a data folder, a
// restart with the same file is fine, and a bad or conflicting file stops the
// start with exit status 2 and a message naming the JSON pointer.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/http_client.h"
#include "tests/support/test_dir.h"

namespace eventfabric {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

struct exit_and_output {
  int code;
  std::string err;
};

// Runs a serve that is expected to refuse to start (so it exits by itself).
exit_and_output serve_refused(const std::string& args) {
  const std::string cmd = std::string(EF_EVENTFABRIC_BIN) + " serve --port 0 " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  return {WEXITSTATUS(status), out};
}

class ServeConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::fresh_test_dir("ef-serve-config");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  fs::path dir_;
};

const std::string kExample = std::string(EF_SOURCE_DIR) + "/examples/eventfabric.config.json";

TEST_F(ServeConfig, TheExampleDeclaresItsTopologyAndSurvivesARestart) {
  const uint16_t port = testing::free_port();
  const std::vector<std::string> args = {"--data-dir", (dir_ / "data").string(), "--config", kExample};
  for (int run = 0; run < 2; ++run) {
    testing::server_process srv(EF_EVENTFABRIC_BIN, args);
    ASSERT_TRUE(srv.start(port)) << "run " << run;
    testing::http_client c(port);
    auto topic = json::parse(c.call("GET", "/admin/topics/billing.payment.captured.v1").body);
    EXPECT_EQ(topic["partitions"], 6);
    auto queue = json::parse(c.call("GET", "/queues/notify.email.high").body);
    EXPECT_EQ(queue["overflow"], "reject-publish");
    EXPECT_EQ(queue["dead_letter_exchange"], "notify.dlx");
    auto subjects = json::parse(c.call("GET", "/subjects").body);
    EXPECT_NE(std::find(subjects.begin(), subjects.end(), "workflow.instance.started.v1-value"), subjects.end())
        << "the contracts folder the file names";
    EXPECT_EQ(srv.kill_now(SIGTERM), 0);
  }
  const auto conflict = write("conflict.json", R"({"topics":[{"name":"billing.payment.captured.v1","partitions":3}]})");
  auto refused = serve_refused("--data-dir " + (dir_ / "data").string() + " --config " + conflict);
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("/topics/0: topic \"billing.payment.captured.v1\" already exists with 6 partitions"),
            std::string::npos)
      << refused.err;
}

TEST_F(ServeConfig, TheContractsFlagWinsOverTheFilesFolder) {
  const auto cfg = write("c.json", R"({"contracts": "no-such-folder"})");
  auto refused = serve_refused("--in-memory --config " + cfg);
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("no-such-folder"), std::string::npos) << refused.err;
  testing::server_process srv(EF_EVENTFABRIC_BIN, {"--in-memory", "--config", cfg, "--contracts",
                                                   std::string(EF_SOURCE_DIR) + "/contracts"});
  const uint16_t port = testing::free_port();
  ASSERT_TRUE(srv.start(port));
  testing::http_client c(port);
  EXPECT_FALSE(json::parse(c.call("GET", "/subjects").body).empty());
}

TEST_F(ServeConfig, BadFilesStopTheStartWithExitTwo) {
  struct bad_case {
    const char* text;
    const char* says;
  };
  const bad_case cases[] = {
      {R"({"queues":[{"name":"notify.email.high","ttl":5}]})", "/queues/0/ttl: unknown key \"ttl\""},
      {R"({"topics":[{"name":"workflow.instance.started.v1","partitions":"3"}]})", "/topics/0/partitions: "},
      {R"({"faults":[{"kind":"duplicate"}]})", "/faults/0"},
      {R"({"subscriptions":[{"topic":"a.b.c.v1"}]})", "/subscriptions/0/name: "},
      {R"({"subscriptions":[{"name":"s","topic":"a.b.c.v1","url":"http://127.0.0.1:9/x"}]})",
       "/subscriptions/0/topic: unknown topic"},
      {R"({"topics":)", "not valid JSON"},
  };
  for (const auto& c : cases) {
    auto r = serve_refused("--in-memory --config " + write("bad.json", c.text));
    EXPECT_EQ(r.code, 2) << c.text;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.text << " -> " << r.err;
  }
}

}  // namespace
}  // namespace eventfabric
