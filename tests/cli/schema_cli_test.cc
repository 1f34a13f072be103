// `eventfabric schema validate | compat | check | register`, run in-process
// with injected streams (register against a forked `eventfabric serve`).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "tests/support/cli_run.h"
#include "emulator/schema/compat.h"
#include "tests/support/http_client.h"

namespace eventfabric::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

using testing::run_cli;
using outcome = testing::cli_outcome;

std::vector<json> json_lines(const std::string& out) {
  std::vector<json> v;
  std::istringstream in(out);
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) v.push_back(json::parse(l));
  return v;
}

const std::string kContracts = EF_SOURCE_DIR "/contracts";

// A fresh folder per test, removed at the end.
class SchemaCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("ef-schema-cli-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  // A copy of the repository's contracts folder at dir_/name.
  std::string copy_contracts(const std::string& name) {
    const fs::path to = dir_ / name;
    fs::create_directories(to);
    for (const auto& e : fs::directory_iterator(kContracts))
      if (e.path().extension() == ".json") fs::copy_file(e.path(), to / e.path().filename());
    return to.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

const char* kClosed = R"({"type":"object","additionalProperties":false,"required":["a"],
  "properties":{"a":{"type":"string"},"n":{"type":"integer","minimum":0}}})";
const char* kClosedAdded = R"({"type":"object","additionalProperties":false,"required":["a"],
  "properties":{"a":{"type":"string"},"n":{"type":"integer","minimum":0},"c":{"type":"string"}}})";
const char* kClosedRetyped = R"({"type":"object","additionalProperties":false,"required":["a"],
  "properties":{"a":{"type":"string"},"n":{"type":"string"}}})";

// ---- validate ----------------------------------------------------------------

TEST_F(SchemaCli, ValidateAllValidIsZero) {
  const auto schema = write("s.json", kClosed);
  auto r = run_cli({"schema", "validate", "--schema", schema}, "{\"a\":\"x\"}\n\n{\"a\":\"y\",\"n\":2}\n");
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = json_lines(r.out);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(row["valid"], true);
    EXPECT_EQ(row["errors"], json::array());
  }
  EXPECT_EQ(rows[1]["line"], 3);
  EXPECT_TRUE(r.out.starts_with("{\"valid\":true,\"errors\":[]")) << r.out;
  // From a file, with the explicit argument.
  const auto instances = write("in.jsonl", "{\"a\":\"x\"}\n");
  EXPECT_EQ(run_cli({"schema", "validate", "--schema", schema, instances}).code, 0);
}

TEST_F(SchemaCli, ValidateOneInvalidIsOneWithPathAndMessage) {
  const auto schema = write("s.json", kClosed);
  auto r = run_cli({"schema", "validate", "--schema", schema, "-"}, "{\"a\":\"x\"}\n{\"a\":\"y\",\"n\":-1}\n");
  ASSERT_EQ(r.code, 1) << r.err;
  auto rows = json_lines(r.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["valid"], true);
  EXPECT_EQ(rows[1]["valid"], false);
  ASSERT_EQ(rows[1]["errors"].size(), 1u);
  EXPECT_EQ(rows[1]["errors"][0]["path"], "/n");
  EXPECT_EQ(rows[1]["errors"][0]["keyword"], "minimum");
  EXPECT_FALSE(rows[1]["errors"][0]["message"].get<std::string>().empty());
}

TEST_F(SchemaCli, ValidateNonJsonLineIsAnInvalidInstance) {
  const auto schema = write("s.json", kClosed);
  auto r = run_cli({"schema", "validate", "--schema", schema}, "not json\n{\"a\":\"x\"}\n");
  ASSERT_EQ(r.code, 1);
  auto rows = json_lines(r.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["valid"], false);
  EXPECT_EQ(rows[0]["errors"][0]["keyword"], "json");
  EXPECT_EQ(rows[0]["errors"][0]["path"], "");
  EXPECT_NE(rows[0]["errors"][0]["message"].get<std::string>().find("line 1"), std::string::npos);
  EXPECT_EQ(rows[1]["valid"], true);
}

TEST_F(SchemaCli, ValidateUsageIoAndSchemaErrorsAreTwo) {
  auto missing = run_cli({"schema", "validate", "--schema", path("nope.json")}, "{}\n");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos) << missing.err;

  const auto not_json = write("bad.json", "{\"type\": ");
  auto bad = run_cli({"schema", "validate", "--schema", not_json}, "{}\n");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("bad.json"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("not valid JSON"), std::string::npos) << bad.err;

  const auto not_schema = write("loop.json", R"({"$ref":"#/definitions/x","definitions":{"x":{"$ref":"#/definitions/x"}}})");
  EXPECT_EQ(run_cli({"schema", "validate", "--schema", not_schema}, "{}\n").code, 2);

  const auto schema = write("s.json", kClosed);
  auto no_input = run_cli({"schema", "validate", "--schema", schema, path("missing.jsonl")});
  EXPECT_EQ(no_input.code, 2);
  EXPECT_NE(no_input.err.find("missing.jsonl"), std::string::npos);
  EXPECT_EQ(run_cli({"schema", "validate"}, "{}\n").code, 2);  // neither --schema nor --envelope
  EXPECT_EQ(run_cli({"schema", "validate", "--schema", schema, "--envelope"}).code, 2);
  EXPECT_EQ(run_cli({"schema", "validate", "--bogus"}).code, 2);
}

TEST_F(SchemaCli, ValidateEnvelopesWithTheirPayloads) {
  const std::string head =
      R"({"id":"6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91","type":"workflow.instance.started.v1",)"
      R"("occurred_at":"2024-05-01T12:00:00Z","source":"wf","correlation_id":"c",)"
      R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","metadata":{"partition_key":"k"},)";
  const std::string good = head +
                           R"("payload":{"instance_id":"wf-42","workflow_id":"onboarding.customer",)"
                           R"("workflow_version":3,"started_by":{"kind":"user","id":"usr_17"}}})";
  const std::string bad = head + R"("payload":{"instance_id":"wf-42"}})";
  auto ok = run_cli({"schema", "validate", "--envelope", "--contracts", kContracts}, good + "\n");
  ASSERT_EQ(ok.code, 0) << ok.out << ok.err;
  auto r = run_cli({"schema", "validate", "--envelope", "--contracts", kContracts}, good + "\n" + bad + "\n");
  ASSERT_EQ(r.code, 1) << r.err;
  auto rows = json_lines(r.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["valid"], true);
  EXPECT_EQ(rows[1]["valid"], false);
  EXPECT_TRUE(rows[1]["errors"][0]["path"].get<std::string>().starts_with("/payload")) << rows[1];
  auto no_contracts = run_cli({"schema", "validate", "--envelope", "--contracts", path("none")}, good + "\n");
  EXPECT_EQ(no_contracts.code, 2);
  EXPECT_NE(no_contracts.err.find("none"), std::string::npos);
}

// ---- compat ------------------------------------------------------------------

TEST_F(SchemaCli, CompatCompatibleIsZero) {
  const auto old_file = write("old.json", kClosed), new_file = write("new.json", kClosedAdded);
  auto r = run_cli({"schema", "compat", old_file, new_file});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("compatible (BACKWARD)")) << r.out;
  auto j = run_cli({"schema", "compat", old_file, new_file, "--json", "--mode", "backward_transitive"});
  ASSERT_EQ(j.code, 0);
  auto doc = json::parse(j.out);
  EXPECT_EQ(doc["compatible"], true);
  EXPECT_EQ(doc["changes"], json::array());
  EXPECT_EQ(doc["mode"], "BACKWARD_TRANSITIVE");
}

TEST_F(SchemaCli, CompatIncompatibleIsOneAndExplained) {
  const auto old_file = write("old.json", kClosed), new_file = write("new.json", kClosedRetyped);
  auto r = run_cli({"schema", "compat", old_file, new_file});
  ASSERT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(r.out.starts_with("incompatible (BACKWARD)")) << r.out;
  EXPECT_NE(r.out.find("TYPE_CHANGED #/properties/n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::string(schema::explain_change("TYPE_CHANGED"))), std::string::npos) << r.out;
  auto j = run_cli({"schema", "compat", old_file, new_file, "--json"});
  ASSERT_EQ(j.code, 1);
  auto doc = json::parse(j.out);
  EXPECT_EQ(doc["compatible"], false);
  EXPECT_EQ(doc["changes"], json::array({"TYPE_CHANGED #/properties/n"}));
  // An added optional property is compatible backward; with FORWARD the old schema (closed) rejects it.
  const auto added = write("added.json", kClosedAdded);
  auto forward = run_cli({"schema", "compat", old_file, added, "--mode", "FORWARD", "--json"});
  EXPECT_EQ(forward.code, 1) << forward.out;
  EXPECT_EQ(run_cli({"schema", "compat", old_file, added, "--mode", "none"}).code, 0);
  // An optional property added to an open content model: incompatible under Confluent's strict set only.
  const auto open_old = write("open-old.json", R"({"type":"object","properties":{"a":{"type":"string"}}})");
  const auto open_new =
      write("open-new.json", R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}})");
  auto strict = run_cli({"schema", "compat", open_old, open_new, "--json"});
  EXPECT_EQ(strict.code, 1);
  EXPECT_EQ(json::parse(strict.out)["changes"], json::array({"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b"}));
  EXPECT_EQ(run_cli({"schema", "compat", open_old, open_new, "--lenient"}).code, 0);
}

TEST_F(SchemaCli, CompatErrorsAreTwo) {
  const auto old_file = write("old.json", kClosed);
  auto mode = run_cli({"schema", "compat", old_file, old_file, "--mode", "SIDEWAYS"});
  EXPECT_EQ(mode.code, 2);
  EXPECT_NE(mode.err.find("SIDEWAYS"), std::string::npos);
  auto missing = run_cli({"schema", "compat", old_file, path("gone.json")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("gone.json"), std::string::npos);
  EXPECT_EQ(run_cli({"schema", "compat", write("nj.json", "[1,"), old_file}).code, 2);
  auto unloadable = run_cli({"schema", "compat", old_file, write("ref.json", R"({"$ref":"#/nowhere"})")});
  EXPECT_EQ(unloadable.code, 2);
  EXPECT_NE(unloadable.err.find("ref.json"), std::string::npos) << unloadable.err;
  EXPECT_EQ(run_cli({"schema", "compat", old_file}).code, 2);  // NEW missing
}

// ---- check -------------------------------------------------------------------

TEST_F(SchemaCli, CheckRepositoryContractsAlonePasses) {
  auto r = run_cli({"schema", "check", "--contracts", kContracts});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASSED: 0 errors, 0 warnings"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli({"schema", "check", "--contracts", kContracts, "--strict"}).code, 0);
  auto j = run_cli({"schema", "check", "--contracts", kContracts, "--json", "--base", kContracts});
  ASSERT_EQ(j.code, 0) << j.out;
  auto doc = json::parse(j.out);
  EXPECT_EQ(doc["ok"], true);
  EXPECT_EQ(doc["mode"], "BACKWARD_TRANSITIVE");
  EXPECT_EQ(doc["errors"], json::array());
  ASSERT_GE(doc["types"].size(), 7u);
  EXPECT_EQ(doc["types"][0]["type"], "envelope");
  EXPECT_EQ(doc["types"][1]["status"], "unchanged");
  EXPECT_EQ(doc["types"][1]["compatible"], true);
}

TEST_F(SchemaCli, CheckBreakingChangeAgainstBaseFolderIsOneAndSaysV2) {
  const auto base = copy_contracts("base");
  const auto head = copy_contracts("head");
  write("base/a.b.c.v1.json", kClosed);
  write("head/a.b.c.v1.json", kClosedRetyped);
  auto r = run_cli({"schema", "check", "--contracts", head, "--base", base});
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("ERROR INCOMPATIBLE_CHANGE a.b.c.v1.json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("a.b.c.v2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TYPE_CHANGED #/properties/n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAILED"), std::string::npos);
  auto j = json::parse(run_cli({"schema", "check", "--contracts", head, "--base", base, "--json"}).out);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["code"], "INCOMPATIBLE_CHANGE");
  EXPECT_EQ(j["errors"][0]["type"], "a.b.c.v1");
  // --mode NONE lets it through.
  EXPECT_EQ(run_cli({"schema", "check", "--contracts", head, "--base", base, "--mode", "none"}).code, 0);
}

TEST_F(SchemaCli, CheckNewMajorVersionPasses) {
  const auto base = copy_contracts("base");
  const auto head = copy_contracts("head");
  write("base/a.b.c.v1.json", kClosed);
  write("head/a.b.c.v1.json", kClosed);
  write("head/a.b.c.v2.json", kClosedRetyped);
  auto r = run_cli({"schema", "check", "--contracts", head, "--base", base});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("INFO NEW_VERSION_CHANGES a.b.c.v2.json"), std::string::npos) << r.out;
}

TEST_F(SchemaCli, CheckRemovedTypeIsOne) {
  const auto base = copy_contracts("base");
  const auto head = copy_contracts("head");
  write("base/a.b.c.v1.json", kClosed);
  auto r = run_cli({"schema", "check", "--contracts", head, "--base", base});
  ASSERT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("TYPE_REMOVED a.b.c.v1.json"), std::string::npos) << r.out;
}

TEST_F(SchemaCli, CheckUnclassifiedPiiWarnsAndStrictFails) {
  const auto head = copy_contracts("head");
  write("head/a.b.c.v1.json", R"({"type":"object","properties":{"phone_number":{"type":"string"}}})");
  auto lax = run_cli({"schema", "check", "--contracts", head});
  ASSERT_EQ(lax.code, 0) << lax.out;
  EXPECT_NE(lax.out.find("WARNING PII_UNCLASSIFIED a.b.c.v1.json /properties/phone_number"), std::string::npos)
      << lax.out;
  auto strict = run_cli({"schema", "check", "--contracts", head, "--strict", "--json"});
  ASSERT_EQ(strict.code, 1);
  auto doc = json::parse(strict.out);
  EXPECT_EQ(doc["strict"], true);
  EXPECT_EQ(doc["errors"][0]["code"], "PII_UNCLASSIFIED");
}

TEST_F(SchemaCli, CheckLoadFailuresAreOneAndSetupErrorsTwo) {
  const auto head = copy_contracts("head");
  write("head/Not-A-Type.json", "{}");
  write("head/a.b.c.v1.json", "{broken");
  auto r = run_cli({"schema", "check", "--contracts", head, "--json"});
  ASSERT_EQ(r.code, 1);
  auto doc = json::parse(r.out);
  ASSERT_EQ(doc["errors"].size(), 2u);
  EXPECT_EQ(run_cli({"schema", "check", "--contracts", path("missing")}).code, 2);
  EXPECT_EQ(run_cli({"schema", "check", "--contracts", kContracts, "--mode", "sometimes"}).code, 2);
  // Not a folder, and the temp dir is not a git repository.
  auto ref = run_cli({"schema", "check", "--contracts", copy_contracts("plain"), "--base", "no-such-ref"});
  EXPECT_EQ(ref.code, 2);
  EXPECT_NE(ref.err.find("no-such-ref"), std::string::npos) << ref.err;
}

// A temporary git repository with a contracts folder.
class SchemaCliGit : public SchemaCli {
 protected:
  void git(const std::string& args) {
    const std::string cmd = "git -C '" + dir_.string() +
                            "' -c user.name=test -c user.email=test@example.com -c commit.gpgsign=false " + args +
                            " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  void commit(const std::string& message) {
    git("add -A");
    git("commit -q -m '" + message + "'");
  }
};

TEST_F(SchemaCliGit, CheckAgainstAGitRef) {
  git("init -q");
  const auto contracts = copy_contracts("contracts");
  write("contracts/a.b.c.v1.json", kClosed);
  write("README.md", "x\n");
  commit("first");
  // Unchanged working tree: passes.
  auto same = run_cli({"schema", "check", "--contracts", contracts, "--base", "HEAD"});
  ASSERT_EQ(same.code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("a.b.c.v1"), std::string::npos);
  EXPECT_NE(same.out.find("a.b.c.v1                         unchanged\n"), std::string::npos) << same.out;
  // A compatible edit passes; a breaking one fails and names .v2.
  write("contracts/a.b.c.v1.json", kClosedAdded);
  EXPECT_EQ(run_cli({"schema", "check", "--contracts", contracts, "--base", "HEAD"}).code, 0);
  write("contracts/a.b.c.v1.json", kClosedRetyped);
  auto broken = run_cli({"schema", "check", "--contracts", contracts, "--base", "HEAD"});
  ASSERT_EQ(broken.code, 1) << broken.out << broken.err;
  EXPECT_NE(broken.out.find("a.b.c.v2"), std::string::npos) << broken.out;
  // Deleting the file: removed.
  fs::remove(contracts + "/a.b.c.v1.json");
  auto removed = run_cli({"schema", "check", "--contracts", contracts, "--base", "HEAD", "--json"});
  ASSERT_EQ(removed.code, 1);
  EXPECT_EQ(json::parse(removed.out)["errors"][0]["code"], "TYPE_REMOVED");
  // A bad ref is an error, not a verdict.
  auto bad = run_cli({"schema", "check", "--contracts", contracts, "--base", "no-such-branch"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("no-such-branch"), std::string::npos);
}

TEST_F(SchemaCliGit, TransitiveModeReadsTheHistoryOfTheRef) {
  git("init -q");
  write("README.md", "before the contracts\n");
  commit("readme");
  const auto contracts = copy_contracts("contracts");
  write("contracts/a.b.c.v1.json", kClosed);  // n: integer
  commit("v1");
  write("contracts/a.b.c.v1.json", R"({"type":"object","additionalProperties":false,"required":["a"],
    "properties":{"a":{"type":"string"}}})");  // n dropped
  commit("drop n");
  write("contracts/a.b.c.v1.json", kClosedRetyped);  // n back, as a string
  auto transitive = run_cli({"schema", "check", "--contracts", contracts, "--base", "HEAD"});
  EXPECT_EQ(transitive.code, 1) << transitive.out << transitive.err;
  EXPECT_NE(transitive.out.find("INCOMPATIBLE with 2 base versions"), std::string::npos) << transitive.out;
  auto latest = run_cli({"schema", "check", "--contracts", contracts, "--base", "HEAD", "--mode", "BACKWARD"});
  EXPECT_EQ(latest.code, 0) << latest.out;
  // A ref from before the contracts folder existed: every type is new.
  write("contracts/a.b.c.v1.json", kClosed);
  auto first = run_cli({"schema", "check", "--contracts", contracts, "--base", "HEAD~2"});
  EXPECT_EQ(first.code, 0) << first.out;
  EXPECT_NE(first.out.find("BASE_EMPTY"), std::string::npos) << first.out;
}

// ---- register ----------------------------------------------------------------

TEST_F(SchemaCli, RegisterEveryContractAndReportRefusals) {
  const uint16_t port = testing::free_port();
  testing::server_process srv(EF_EVENTFABRIC_BIN, {"--in-memory"});
  ASSERT_TRUE(srv.start(port));
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  auto r = run_cli({"schema", "register", "--url", url, "--contracts", kContracts, "--envelope-subject", "envelope"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = json_lines(r.out);
  ASSERT_EQ(rows.size(), 7u);  // the envelope and six event types
  EXPECT_EQ(rows[0]["subject"], "envelope");
  EXPECT_EQ(rows[1]["subject"], "billing.ledger.entry.posted.v1-value");
  for (const auto& row : rows) EXPECT_TRUE(row["id"].is_number_integer()) << row;
  // Registering the same schemas again returns the same ids.
  auto again = json_lines(run_cli({"schema", "register", "--url", url, "--contracts", kContracts}).out);
  ASSERT_EQ(again.size(), 6u);
  EXPECT_EQ(again[0]["id"], rows[1]["id"]);
  testing::http_client c(port);
  EXPECT_EQ(c.call("GET", "/subjects/billing.ledger.entry.posted.v1-value/versions/latest").status, 200);

  // A breaking change to a registered subject: the registry (BACKWARD) refuses it with 409.
  const auto changed = copy_contracts("changed");
  write("changed/a.b.c.v1.json", kClosed);
  ASSERT_EQ(run_cli({"schema", "register", "--url", url, "--contracts", changed}).code, 0);
  write("changed/a.b.c.v1.json", kClosedRetyped);
  auto refused = run_cli({"schema", "register", "--url", url, "--contracts", changed});
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("a.b.c.v1-value"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("409"), std::string::npos) << refused.err;
  EXPECT_EQ(json_lines(refused.out).size(), 6u);  // the others still registered

  // --subject-suffix
  auto keyed = json_lines(run_cli({"schema", "register", "--url", url, "--contracts", kContracts,
                                   "--subject-suffix", "-key"})
                              .out);
  ASSERT_EQ(keyed.size(), 6u);
  EXPECT_EQ(keyed[0]["subject"], "billing.ledger.entry.posted.v1-key");
}

TEST_F(SchemaCli, RegisterConnectionAndContractsErrorsAreTwo) {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::free_port());
  auto down = run_cli({"schema", "register", "--url", url, "--contracts", kContracts});
  EXPECT_EQ(down.code, 2);
  EXPECT_NE(down.err.find("cannot connect"), std::string::npos) << down.err;
  EXPECT_EQ(run_cli({"schema", "register", "--url", url, "--contracts", path("missing")}).code, 2);
  EXPECT_EQ(run_cli({"schema", "register", "--url", "ftp://x", "--contracts", kContracts}).code, 2);
}

TEST(SchemaCliHelp, EverySchemaCommandHasHelp) {
  for (const char* cmd : {"validate", "compat", "check", "register"}) {
    auto r = run_cli({"schema", cmd, "--help"});
    EXPECT_EQ(r.code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
  auto group = run_cli({"schema", "--help"});
  EXPECT_EQ(group.code, 0);
  for (const char* cmd : {"validate", "compat", "check", "register"}) EXPECT_NE(group.out.find(cmd), std::string::npos);
  EXPECT_EQ(run_cli({"schema"}).code, 2);
}

}  // namespace
}  // namespace eventfabric::cli
