#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "tests/support/cli_run.h"
#include "emulator/core/broker.h"
#include "emulator/store/store.h"

namespace eventfabric::cli {
namespace {

using testing::run_cli;
using outcome = testing::cli_outcome;

const char* kValid =
    R"({"id":"6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91","type":"workflow.instance.started.v1",)"
    R"("occurred_at":"2024-05-01T12:00:00Z","source":"wf","correlation_id":"c","trace_id":)"
    R"("4bf92f3577b34da6a3ce929d0e0e4736","payload":{},"metadata":{"partition_key":"k"}})";

TEST(Cli, VersionAndHelp) {
  auto v = run_cli({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("eventfabric 0."), std::string::npos);
  auto h = run_cli({"--help"});
  EXPECT_EQ(h.code, 0);
  for (const char* cmd : {"serve", "envelope", "store"}) EXPECT_NE(h.out.find(cmd), std::string::npos) << cmd;
}

TEST(Cli, EveryCommandHasHelp) {
  for (std::vector<std::string> cmd : {std::vector<std::string>{"serve", "--help"},
                                       {"envelope", "--help"},
                                       {"envelope", "check", "--help"},
                                       {"store", "--help"},
                                       {"store", "info", "--help"}}) {
    auto r = run_cli(cmd);
    EXPECT_EQ(r.code, 0) << cmd[0];
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
}

TEST(Cli, UnknownCommandOrOptionIsUsageError) {
  EXPECT_EQ(run_cli({"frobnicate"}).code, 2);
  EXPECT_EQ(run_cli({"store", "info", "--bogus"}).code, 2);
  EXPECT_EQ(run_cli({}).code, 2);
}

TEST(Cli, ServeRefusesAnUnusableDataFolderWithExit2) {
  auto r = run_cli({"serve", "--port", "0", "--data-dir", "/proc/definitely/not/here"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/proc/definitely/not/here"), std::string::npos) << r.err;
  EXPECT_EQ(run_cli({"serve", "--log-format", "xml"}).code, 2);
  EXPECT_EQ(run_cli({"serve", "--port", "70000"}).code, 2);
}

TEST(Cli, EnvelopeCheckExitCodes) {
  auto ok = run_cli({"envelope", "check", "-"}, std::string(kValid) + "\n\n" + kValid + "\n");
  EXPECT_EQ(ok.code, 0) << ok.out;
  std::istringstream lines(ok.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j["valid"].get<bool>());
    ++n;
  }
  EXPECT_EQ(n, 2);
  auto bad = run_cli({"envelope", "check"}, std::string(kValid) + "\n{\"id\":1}\nnot json\n");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("\"line\":2"), std::string::npos);
  EXPECT_NE(bad.out.find("\"line\":3"), std::string::npos);
  EXPECT_EQ(run_cli({"envelope", "check", "/nonexistent/file.jsonl"}).code, 2);
}

TEST(Cli, StoreInfoReportsWhatTheFolderHolds) {
  const auto dir = std::filesystem::temp_directory_path() / ("ef-cli-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    store::store_options opts;
    opts.data_dir = dir;
    auto st = store::open_store(opts);
    ASSERT_TRUE(st);
    core::broker b({.clk = nullptr, .seed = 0, .store = st->get()});
    ASSERT_TRUE(b.recover());
    ASSERT_TRUE(b.topics().create({"orders.order.placed.v1", 2}));
    ASSERT_TRUE(b.produce_envelope("orders.order.placed.v1", kValid));
    ASSERT_TRUE(b.queues().declare_queue({.name = "notify.email.high"}));
    ASSERT_TRUE(b.sync());
  }
  auto r = run_cli({"store", "info", "--data-dir", dir.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["backend"], "sqlite");
  EXPECT_EQ(j["topics"][0]["name"], "orders.order.placed.v1");
  EXPECT_EQ(j["queues"][0]["name"], "notify.email.high");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(run_cli({"store", "info", "--data-dir", "/proc/definitely/not/here"}).code, 2);
}

}  // namespace
}  // namespace eventfabric::cli
