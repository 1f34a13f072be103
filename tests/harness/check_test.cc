// The harness's checks against in-process handlers (the C++ API): an
// idempotent ledger passes under every fault kind; a naive one is caught and
// its failure shrinks to one fault that reproduces from the saved schedule.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "emulator/harness/check.h"
#include "emulator/harness/report.h"
#include "emulator/schema/envelope_validator.h"
#include "tests/harness/ledger.h"

namespace eventfabric::harness {
namespace {

using testing::ledger;
using testing::payments;

contract ledger_contract(const char* faults = R"({"duplicate": 0.2, "reorder_window": 3, "fail": 0.1,
                                                 "lost_ack": 0.1, "crash": 0.02})") {
  const std::string text = std::string(R"({
    "name": "ledger",
    "consumes": [{"topic": "billing.payment.captured.v1", "group": "ledger"}],
    "consumer": {"deliver_url": "http://127.0.0.1:1/events", "state_url": "http://127.0.0.1:1/state"},
    "produces": ["billing.ledger.entry.posted.v1"],
    "delivery": {"max_attempts": 5},
    "runs": 20, "seed": 1, "faults": )") + faults + "}";
  auto c = parse_contract(text, "");
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return *c;
}

std::shared_ptr<const schema::contracts> repo_contracts() {
  static auto c = std::make_shared<const schema::contracts>(
      *schema::load_contracts(std::filesystem::path(EF_SOURCE_DIR) / "contracts"));
  return c;
}

class CheckTest : public ::testing::Test {
 protected:
  schema::envelope_validator validator{repo_contracts()};
  check_options opts() {
    check_options o;
    o.validator = &validator;
    return o;
  }
};

TEST_F(CheckTest, IdempotentLedgerPassesUnderEveryFaultKind) {
  ledger l;
  inprocess_consumer c(l.handler());
  const auto msgs = payments(40);
  auto r = check_contract(ledger_contract(R"({"duplicate": 0.2, "reorder_window": 3, "fail": 0.1, "timeout": 0.05,
      "lost_ack": 0.1, "crash": 0.02, "rebalance": 0.02, "commit_error": 0.05, "delay": 0.1})"),
                          msgs, c, opts());
  ASSERT_FALSE(r.error) << r.error->message;
  for (const auto& v : r.violations) ADD_FAILURE() << v.check << " run " << v.run << ": " << v.message << " " << v.diff;
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.runs, 20);
  // Faults made the runs deliver more than once per message.
  EXPECT_GT(r.deliveries, 21u * msgs.size());
  // Per-key order held in every run (the state compares equal to the clean one's 0).
  EXPECT_EQ(l.order_violations, 0);
}

TEST_F(CheckTest, NaiveLedgerIsCaughtAndShrunkToOneFault) {
  ledger l;
  l.idempotent = false;
  inprocess_consumer c(l.handler());
  const auto msgs = payments(30);
  auto r = check_contract(ledger_contract(), msgs, c, opts());
  ASSERT_FALSE(r.error);
  EXPECT_FALSE(r.passed);
  const violation* idem = nullptr;
  const violation* output = nullptr;
  for (const auto& v : r.violations) {
    if (v.check == "idempotency" && !idem) idem = &v;
    if (v.check == "output" && !output) output = &v;
  }
  ASSERT_NE(idem, nullptr);
  ASSERT_NE(output, nullptr);
  ASSERT_TRUE(idem->minimal);
  ASSERT_EQ(idem->minimal->size(), 1u) << faults::to_json(*idem->minimal);
  const auto kind = (*idem->minimal)[0].kind;
  EXPECT_TRUE(kind == faults::fault_kind::duplicate || kind == faults::fault_kind::lost_ack ||
              kind == faults::fault_kind::crash)
      << faults::kind_name(kind);
  // The diff names the balance that was double-counted.
  const auto diff = nlohmann::json::parse(idem->diff);
  ASSERT_EQ(diff["state"].size(), 1u);
  EXPECT_TRUE(diff["state"][0]["pointer"].get<std::string>().starts_with("/balances/cust-"));

  // The minimal schedule reproduces the violation on its own.
  check_options again = opts();
  again.schedule = *idem->minimal;
  auto replayed = check_contract(ledger_contract(), msgs, c, again);
  EXPECT_EQ(replayed.runs, 1);
  bool reproduced = false;
  for (const auto& v : replayed.violations) reproduced = reproduced || v.check == "idempotency";
  EXPECT_TRUE(reproduced);

  // And the violating run re-runs from its seed alone.
  check_options from_seed = opts();
  from_seed.seed = idem->seed;
  from_seed.runs = 1;
  from_seed.shrink = false;
  auto rerun = check_contract(ledger_contract(), msgs, c, from_seed);
  ASSERT_FALSE(rerun.violations.empty());
  EXPECT_EQ(faults::to_json(rerun.violations[0].schedule), faults::to_json(idem->schedule));
}

TEST_F(CheckTest, SameSeedSameReportDifferentSeedDifferentSchedules) {
  auto run = [&](uint64_t seed) {
    ledger l;
    l.idempotent = false;
    inprocess_consumer c(l.handler());
    check_options o = opts();
    o.seed = seed;
    o.runs = 5;
    return report_json({{"ledger.json", check_contract(ledger_contract(), payments(20), c, o), {}}});
  };
  const std::string a = run(7), b = run(7), other = run(8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
}

TEST_F(CheckTest, RejectionsWithoutAnErrorContractAreViolations) {
  ledger l;
  auto h = l.handler();
  auto inner = h.handle;
  h.handle = [inner](const request& r, publisher& p) -> response {
    if (r.envelope.find("pay-3\"") != std::string_view::npos) return {422, "bad payment"};
    return inner(r, p);
  };
  inprocess_consumer c(std::move(h));
  auto r = check_contract(ledger_contract(), payments(10), c, opts());
  ASSERT_FALSE(r.violations.empty());
  EXPECT_EQ(r.violations[0].check, "error-contract");
  EXPECT_EQ(r.violations[0].run, 0);  // found in the clean run already
  const auto diff = nlohmann::json::parse(r.violations[0].diff);
  EXPECT_EQ(diff["not_error_contract"][0]["status"], 422);
  EXPECT_EQ(diff["not_error_contract"][0]["body"], "bad payment");
}

TEST_F(CheckTest, ARejectionThatDependsOnTheAttemptIsCaught) {
  ledger l;
  auto h = l.handler();
  auto inner = h.handle;
  // Rejects a message only when it comes again: the rejected set differs under faults.
  h.handle = [inner](const request& r, publisher& p) -> response {
    if (r.attempt > 1)
      return {409, R"({"error":{"code":"DUPLICATE","message":"seen before","details":{}}})"};
    return inner(r, p);
  };
  inprocess_consumer c(std::move(h));
  auto r = check_contract(ledger_contract(R"({"fail": 0.3})"), payments(10), c, opts());
  bool found = false;
  for (const auto& v : r.violations) {
    if (v.check != "error-contract") continue;
    found = true;
    const auto diff = nlohmann::json::parse(v.diff);
    EXPECT_TRUE(diff["expected_rejected"].empty());
    EXPECT_FALSE(diff["actual_rejected"].empty());
    ASSERT_TRUE(v.minimal);  // the first violation of each check is shrunk
    EXPECT_EQ(v.minimal->size(), 1u);
    break;
  }
  EXPECT_TRUE(found);
}

TEST_F(CheckTest, PublishingAnUnlistedTypeIsASchemaViolation) {
  ledger l;
  l.published_type = "billing.ledger.entry.reversed.v1";
  inprocess_consumer c(l.handler());
  auto r = check_contract(ledger_contract(R"({})"), payments(3), c, opts());
  ASSERT_FALSE(r.violations.empty());
  EXPECT_EQ(r.violations[0].check, "schema");
  EXPECT_NE(r.violations[0].diff.find("does not list in"), std::string::npos) << r.violations[0].diff;
}

TEST_F(CheckTest, InvalidFixtureEnvelopesAreSchemaViolations) {
  ledger l;
  inprocess_consumer c(l.handler());
  std::vector<input> in(1);
  in[0].name = "billing.payment.captured.v1";
  auto env = nlohmann::json::parse(testing::payment(1, "c", 5));
  env["payload"]["amount"] = -5;
  in[0].envelope = env.dump();
  auto r = check_contract(ledger_contract(R"({})"), *to_messages(in), c, opts());
  ASSERT_FALSE(r.violations.empty());
  EXPECT_EQ(r.violations[0].check, "schema");
  EXPECT_NE(r.violations[0].diff.find("/payload/amount"), std::string::npos);
}

TEST_F(CheckTest, CrashFaultsAreSkippedAndSaidSoWithoutARestart) {
  ledger l;
  auto h = l.handler();
  h.restart = nullptr;
  inprocess_consumer c(std::move(h));
  auto r = check_contract(ledger_contract(R"({"crash": 0.5})"), payments(5), c, opts());
  EXPECT_TRUE(r.passed);
  bool noted = false;
  for (const auto& n : r.notes) noted = noted || n.find("crash faults skipped") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST_F(CheckTest, FaultsAloneNeverDeadLetter) {
  // Every attempt fails by injection with p = 0.9, max_attempts 2: the plan
  // caps injected failures per message, so everything is processed.
  ledger l;
  inprocess_consumer c(l.handler());
  auto contract = ledger_contract(R"({"fail": 0.9, "lost_ack": 0.9})");
  contract.max_attempts = 2;
  auto r = check_contract(contract, payments(10), c, opts());
  for (const auto& v : r.violations) ADD_FAILURE() << v.check << ": " << v.message;
  EXPECT_TRUE(r.passed);
}

}  // namespace
}  // namespace eventfabric::harness
