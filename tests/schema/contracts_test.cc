// contracts/: every schema loads and compiles, PII is classified, each event
// type has a valid example payload here; load_contracts() names bad files.
#include "emulator/schema/contracts.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "emulator/schema/pii.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace eventfabric;
using namespace eventfabric::schema;

namespace {

const fs::path contracts_dir = fs::path(EF_SOURCE_DIR) / "contracts";

const contracts& platform() {
  static const contracts c = [] {
    auto r = load_contracts(contracts_dir);
    if (!r) ADD_FAILURE() << r.error().message;
    return std::move(*r);
  }();
  return c;
}

// One realistic valid payload per event type.
const std::map<std::string, json>& examples() {
  static const std::map<std::string, json> e = {
      {"workflow.instance.started.v1",
       json::parse(R"({"instance_id": "wf-42", "workflow_id": "onboarding.customer",
          "workflow_version": 3, "parent_instance_id": null, "started_by": {"kind": "user", "id": "usr_17"},
          "input": {"plan": "pro"}, "deadline_at": "2024-05-02T12:00:00Z"})")},
      {"workflow.instance.completed.v1",
       json::parse(R"({"instance_id": "wf-42", "workflow_id": "onboarding.customer",
          "workflow_version": 3, "outcome": "compensated", "duration_ms": 5120, "steps_completed": 4,
          "error": {"code": "PAYMENT_DECLINED", "message": "card declined", "details": {"step": "charge"}}})")},
      {"notification.email.requested.v1",
       json::parse(R"({"notification_id": "ntf_1", "template": "welcome.v2",
          "locale": "en-GB", "priority": "high", "recipient": {"email": "ada@example.com", "display_name": "Ada",
          "user_id": "usr_17"}, "variables": {"first_name": "Ada", "trial_days": 14}})")},
      {"billing.payment.captured.v1",
       json::parse(R"({"payment_id": "pay_1", "invoice_id": "inv_9", "amount": 1999,
          "currency": "EUR", "method": {"kind": "card", "card_last4": "4242", "card_brand": "visa"},
          "payer": {"customer_id": "cus_3", "name": "Ada Lovelace", "email": "ada@example.com"},
          "provider_reference": "ch_3Nx", "captured_at": "2024-05-01T12:00:03Z"})")},
      {"billing.ledger.entry.posted.v1",
       json::parse(R"({"entry_id": "je_1", "journal_id": "main", "sequence": 1042,
          "posted_at": "2024-05-01T12:00:04Z", "currency": "EUR", "reference": {"kind": "payment", "id": "pay_1"},
          "lines": [{"account": "assets:cash", "direction": "debit", "amount": 1999},
                    {"account": "revenue:subscriptions", "direction": "credit", "amount": 1999, "memo": "May"}]})")},
      {"identity.user.registered.v1", json::parse(R"({"user_id": "usr_17", "email": "ada@example.com",
          "email_verified": false, "first_name": "Ada", "last_name": "Lovelace", "phone_number": "+441234567890",
          "date_of_birth": "1815-12-10", "locale": "en-GB", "registered_via": "password", "signup_ip": "203.0.113.7",
          "address": {"street": "12 St James's Sq", "postcode": "SW1Y 4JH", "city": "London", "country": "GB"},
          "marketing_opt_in": true, "invited_by": null})")},
  };
  return e;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() /
           ("ef_contracts_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
    std::ifstream env(contracts_dir / "envelope.schema.json");
    write(path / "envelope.schema.json", std::string(std::istreambuf_iterator<char>(env), {}));
  }
  ~temp_dir() { fs::remove_all(path); }
  static inline int counter = 0;
};

}  // namespace

TEST(Contracts, AllLoadAndCompile) {
  const auto& c = platform();
  std::vector<std::string> expected;
  for (const auto& [type, payload] : examples()) expected.push_back(type);
  EXPECT_EQ(c.types(), expected);
  ASSERT_NE(c.document("envelope"), nullptr);
  for (const auto& type : c.types()) {
    ASSERT_NE(c.find(type), nullptr) << type;
    EXPECT_TRUE(c.find(type)->unsupported_keywords().empty()) << type;
    EXPECT_TRUE(c.find(type)->warnings().empty()) << type;
    const json& doc = *c.document(type);
    EXPECT_EQ(doc.value("title", ""), type);
    EXPECT_TRUE(doc.value("$id", "").ends_with("/" + type + ".json")) << type;
    EXPECT_EQ(doc.value("additionalProperties", true), false)
        << type << ": payloads use a closed content model";
  }
}

TEST(Contracts, EveryExamplePayloadIsValid) {
  for (const auto& [type, payload] : examples()) {
    const compiled_schema* s = platform().find(type);
    ASSERT_NE(s, nullptr) << type;
    for (const auto& e : s->validate(payload))
      ADD_FAILURE() << type << ": " << e.path << " [" << e.keyword << "] " << e.message;
  }
}

TEST(Contracts, ExamplesBrokenOnPurposeAreInvalid) {
  auto broken = [](const std::string& type, const char* patch) {
    json p = examples().at(type).patch(json::parse(patch));
    return platform().find(type)->validate(p);
  };
  EXPECT_FALSE(
      broken("billing.payment.captured.v1", R"([{"op": "replace", "path": "/currency", "value": "eur"}])")
          .empty());
  EXPECT_FALSE(broken("billing.ledger.entry.posted.v1", R"([{"op": "remove", "path": "/lines/1"}])").empty());
  EXPECT_FALSE(broken("workflow.instance.completed.v1", R"([{"op": "remove", "path": "/error"}])").empty());
  EXPECT_FALSE(broken("notification.email.requested.v1",
                      R"([{"op": "replace", "path": "/priority", "value": "urgent"}])")
                   .empty());
  EXPECT_FALSE(broken("identity.user.registered.v1",
                      R"([{"op": "replace", "path": "/signup_ip", "value": "999.1.1.1"}])")
                   .empty());
  EXPECT_FALSE(
      broken("workflow.instance.started.v1", R"([{"op": "add", "path": "/started_by/role", "value": "x"}])")
          .empty());
}

TEST(Contracts, NoUnclassifiedPii) {
  for (const auto& type : platform().types())
    for (const auto& f : find_unclassified_pii(*platform().document(type)))
      ADD_FAILURE() << type << ": " << f.pointer << " " << f.message;
  for (const auto& f : find_unclassified_pii(*platform().document("envelope")))
    ADD_FAILURE() << "envelope: " << f.message;
}

TEST(Contracts, PiiFieldsAreListedForRedaction) {
  std::vector<std::string> paths;
  for (const auto& f : list_pii_fields(*platform().document("billing.payment.captured.v1")))
    paths.push_back(f.instance_path);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"/payer/email", "/payer/name"}));
  paths.clear();
  for (const auto& f : list_pii_fields(*platform().document("workflow.instance.started.v1")))
    paths.push_back(f.instance_path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/started_by/id"}));
}

TEST(Contracts, LoadErrorsNameTheFile) {
  struct bad_case {
    const char* file;
    const char* content;
    core::errc code;
  };
  const bad_case cases[] = {
      {"Billing.Payment.v1.json", "{}", core::errc::invalid_name},
      {"billing.payment.json", "{}", core::errc::invalid_name},
      {"billing.payment.captured.v1.json", "{\"type\": ", core::errc::invalid_argument},
      {"billing.payment.captured.v1.json", "{\"a\": \"\xff\"}", core::errc::invalid_argument},
      {"billing.payment.captured.v1.json", R"({"$ref": "#"})", core::errc::invalid_argument},
      {"billing.payment.captured.v1.json", R"({"properties": {"a": {"unevaluatedProperties": false}}})",
       core::errc::invalid_argument},
  };
  for (const auto& bad : cases) {
    temp_dir dir;
    write(dir.path / bad.file, bad.content);
    auto r = load_contracts(dir.path);
    ASSERT_FALSE(r) << bad.file;
    EXPECT_EQ(r.error().code, bad.code) << r.error().message;
    EXPECT_NE(r.error().message.find(bad.file), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().detail("file"), (dir.path / bad.file).string());
  }
}

TEST(Contracts, MissingFolderOrEnvelope) {
  auto missing = load_contracts("/nonexistent/contracts");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::errc::not_found);
  temp_dir dir;
  fs::remove(dir.path / "envelope.schema.json");
  auto no_envelope = load_contracts(dir.path);
  ASSERT_FALSE(no_envelope);
  EXPECT_NE(no_envelope.error().message.find("envelope.schema.json"), std::string::npos);
}

TEST(Contracts, OtherFilesAndFoldersAreIgnored) {
  temp_dir dir;
  write(dir.path / "README.md", "# not a schema");
  write(dir.path / "consumers" / "billing.json", "not json at all");
  write(dir.path / "shop.order.placed.v1.json", R"({"type": "object"})");
  auto r = load_contracts(dir.path);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->types(), (std::vector<std::string>{"shop.order.placed.v1"}));
  EXPECT_EQ(r->find("billing.payment.captured.v1"), nullptr);
}
