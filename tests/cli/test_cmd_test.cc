// `eventfabric test` end to end: the example ledger consumers (Python,
// standard library) run over HTTP; the idempotent one passes, the naive one
// is caught with a one-fault minimal schedule that reproduces on its own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/cli_run.h"

namespace eventfabric {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::run_cli;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TestCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    // Contract commands run from the current folder: the repository root.
    ASSERT_EQ(::chdir(EF_SOURCE_DIR), 0);
    dir = fs::temp_directory_path() / ("ef-test-cmd-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  testing::cli_outcome test(std::vector<std::string> args) {
    args.insert(args.begin(), "test");
    for (const std::string extra : {"--workdir", "--schedules-dir"}) {
      args.push_back(extra);
      args.push_back((dir / (extra == std::string("--workdir") ? "work" : "schedules")).string());
    }
    return run_cli(args);
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
  fs::path dir;
};

TEST_F(TestCommand, TheIdempotentLedgerPasses) {
  const std::string report = (dir / "report.json").string(), junit = (dir / "junit.xml").string();
  auto r = test({"examples/ledger/contracts/ledger.json", "--runs", "10", "--report", report, "--junit", junit});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ledger (examples/ledger/contracts/ledger.json): PASS"), std::string::npos) << r.out;
  const json j = json::parse(slurp(report));
  ASSERT_EQ(j["contracts"].size(), 1u);
  EXPECT_EQ(j["contracts"][0]["passed"], true);
  EXPECT_EQ(j["contracts"][0]["runs"], 10);
  EXPECT_TRUE(j["contracts"][0]["violations"].empty());
  // The fixture's JPY payment is rejected with an error contract in every run alike.
  EXPECT_NE(slurp(report).find("went to the DLQ in the clean run"), std::string::npos);
  const std::string xml = slurp(junit);
  EXPECT_NE(xml.find("<testsuite name=\"ledger\" tests=\"4\" failures=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase classname=\"ledger\" name=\"idempotency\">"), std::string::npos);
}

TEST_F(TestCommand, TheNaiveLedgerIsCaughtWithAMinimalScheduleThatReproduces) {
  const std::string report = (dir / "report.json").string(), junit = (dir / "junit.xml").string();
  auto r = test({"examples/ledger/contracts/naive-ledger.json", "--runs", "5", "--report", report, "--junit", junit});
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  const json j = json::parse(slurp(report));
  const auto& c = j["contracts"][0];
  EXPECT_EQ(c["passed"], false);
  const json* idem = nullptr;
  for (const auto& v : c["violations"])
    if (v["check"] == "idempotency" && !v["minimal_schedule"].is_null()) idem = &v;
  ASSERT_NE(idem, nullptr) << c.dump(2);
  ASSERT_EQ((*idem)["minimal_schedule"].size(), 1u) << (*idem)["minimal_schedule"].dump();
  const std::string kind = (*idem)["minimal_schedule"][0]["kind"];
  EXPECT_TRUE(kind == "duplicate" || kind == "lost_ack" || kind == "crash") << kind;
  EXPECT_TRUE((*idem)["diff"]["state"][0]["pointer"].get<std::string>().starts_with("/balances/"));
  EXPECT_NE(slurp(junit).find("<failure message="), std::string::npos);

  // The printed command re-runs exactly that schedule, and fails the same way.
  const std::string reproduce = (*idem)["reproduce"];
  const auto at = reproduce.find("--schedule ");
  ASSERT_NE(at, std::string::npos) << reproduce;
  const std::string schedule = reproduce.substr(at + 11);
  auto again = test({"examples/ledger/contracts/naive-ledger.json", "--schedule", schedule, "--no-shrink"});
  EXPECT_EQ(again.code, 1) << again.out << again.err;
  EXPECT_NE(again.out.find("idempotency, run 1: the state differs"), std::string::npos) << again.out;
  // The idempotent ledger holds under that same schedule.
  auto good = test({"examples/ledger/contracts/ledger.json", "--schedule", schedule});
  EXPECT_EQ(good.code, 0) << good.out << good.err;
}

TEST_F(TestCommand, TheSameSeedGivesTheSameReport) {
  auto report = [&](const std::string& name) {
    const std::string file = (dir / name).string();
    auto r = test({"examples/ledger/contracts/naive-ledger.json", "--runs", "3", "--seed", "11", "--report", file});
    EXPECT_EQ(r.code, 1) << r.err;
    return slurp(file);
  };
  EXPECT_EQ(report("a.json"), report("b.json"));
}

TEST_F(TestCommand, ConfigurationErrorsExitTwoNamingTheFile) {
  auto missing = test({"no/such/contract.json"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no/such/contract.json"), std::string::npos) << missing.err;

  const std::string bad_field = write("bad.json", R"({"name": "x", "runs": "many"})");
  auto r = test({bad_field});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.json: /runs: must be an integer"), std::string::npos) << r.err;

  const std::string fixture = write("broken.jsonl", "{\"eventfabric_fixture\": 1}\n{\"topic\": \"a.b.c.v1\", \"envelope\": \n");
  const std::string uses_it = write("uses.json", R"({"name": "x", "consumes": [{"topic": "a.b.c.v1"}],
      "fixtures": ["broken.jsonl"], "consumer": {"deliver_url": "http://127.0.0.1:1/e", "state_url": "http://127.0.0.1:1/s"}})");
  r = test({uses_it});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("broken.jsonl:2"), std::string::npos) << r.err;

  r = test({"examples/ledger/contracts/ledger.json", "examples/ledger/contracts/naive-ledger.json", "--schedule", bad_field});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("exactly one CONTRACT"), std::string::npos) << r.err;

  r = test({"examples/ledger/contracts/ledger.json", "--schedule", bad_field});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("a schedule is an array of faults"), std::string::npos) << r.err;
}

TEST_F(TestCommand, AConsumerThatCannotStartIsAConfigurationError) {
  const std::string contract = write("dead.json", R"J({"name": "dead", "consumes": [{"topic": "billing.payment.captured.v1"}],
      "fixtures": [")J" + (fs::path(EF_SOURCE_DIR) / "examples/ledger/payments.jsonl").string() + R"J("],
      "consumer": {"command": ["python3", "-c", "import sys; print('boom'); sys.exit(3)"],
                   "deliver_url": "http://127.0.0.1:{port}/e", "state_url": "http://127.0.0.1:{port}/s"}})J");
  auto r = test({contract, "--runs", "1"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("exited before it was ready"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("boom"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace eventfabric
