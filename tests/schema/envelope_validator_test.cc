// envelope_validator: the envelope against contracts/envelope.schema.json and
// the payload against contracts/<type>.json; and the envelope schema agrees
// with the hand-written rules of emulator/core/envelope.cc.
#include "emulator/schema/envelope_validator.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "emulator/core/envelope.h"

using nlohmann::json;
using namespace eventfabric;
using namespace eventfabric::schema;

namespace {

std::shared_ptr<const contracts> platform_contracts() {
  static auto loaded = [] {
    auto c = load_contracts(EF_SOURCE_DIR "/contracts");
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    return std::make_shared<const contracts>(std::move(*c));
  }();
  return loaded;
}

json valid_envelope() {
  return json::parse(R"({
    "id": "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91",
    "type": "billing.payment.captured.v1",
    "occurred_at": "2024-05-01T12:00:00Z",
    "source": "billing-service",
    "correlation_id": "order-1234",
    "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
    "payload": {
      "payment_id": "pay_1", "invoice_id": "inv_1", "amount": 1999, "currency": "EUR",
      "method": {"kind": "card", "card_last4": "4242", "card_brand": "visa"},
      "payer": {"customer_id": "cus_1", "name": "Ada Lovelace", "email": "ada@example.com"},
      "captured_at": "2024-05-01T12:00:00Z"
    },
    "metadata": {"partition_key": "cus_1", "tenant_id": "acme"}
  })");
}

bool has_error(const std::vector<validation_error>& errors, const std::string& path,
               const std::string& keyword) {
  for (const auto& e : errors)
    if (e.path == path && e.keyword == keyword) return true;
  return false;
}

std::string dump(const std::vector<validation_error>& errors) {
  std::string s;
  for (const auto& e : errors) s += e.path + " [" + e.keyword + "] " + e.message + "\n";
  return s;
}

}  // namespace

TEST(EnvelopeValidator, ValidMessage) {
  envelope_validator v(platform_contracts());
  EXPECT_TRUE(v.validate(valid_envelope()).empty()) << dump(v.validate(valid_envelope()));
  EXPECT_TRUE(v.check(valid_envelope().dump()).has_value());
}

TEST(EnvelopeValidator, PayloadErrorsArePrefixedWithPayload) {
  envelope_validator v(platform_contracts());
  json m = valid_envelope();
  m["payload"]["amount"] = 0;
  m["payload"]["payer"]["email"] = "not-an-email";
  m["payload"].erase("currency");
  auto errors = v.validate(m);
  EXPECT_TRUE(has_error(errors, "/payload/amount", "minimum")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/payload/payer/email", "format")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/payload", "required")) << dump(errors);
  m["payload"]["amount"] = "19.99";
  EXPECT_TRUE(has_error(v.validate(m), "/payload/amount", "type"));
}

TEST(EnvelopeValidator, EnvelopeAndPayloadErrorsTogether) {
  envelope_validator v(platform_contracts());
  json m = valid_envelope();
  m["trace_id"] = std::string(32, '0');
  m["payload"]["surprise"] = true;  // payloads use a closed content model
  auto errors = v.validate(m);
  EXPECT_TRUE(has_error(errors, "/trace_id", "pattern")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "/payload", "additionalProperties")) << dump(errors);
}

TEST(EnvelopeValidator, UnknownTypeNamesTheMissingContract) {
  envelope_validator v(platform_contracts());
  json m = valid_envelope();
  m["type"] = "shipping.parcel.lost.v1";
  auto errors = v.validate(m);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_EQ(errors[0].path, "/type");
  EXPECT_EQ(errors[0].keyword, "contract");
  EXPECT_EQ(errors[0].message,
            "unknown event type shipping.parcel.lost.v1 (no contracts/shipping.parcel.lost.v1.json)");
}

TEST(EnvelopeValidator, MalformedTypeIsAnEnvelopeErrorOnly) {
  envelope_validator v(platform_contracts());
  json m = valid_envelope();
  m["type"] = "Billing.Payment";
  auto errors = v.validate(m);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_EQ(errors[0].path, "/type");
  EXPECT_EQ(errors[0].keyword, "pattern");
}

TEST(EnvelopeValidator, CheckGivesTheErrorContract) {
  envelope_validator v(platform_contracts());
  json m = valid_envelope();
  m["payload"]["amount"] = -5;
  auto r = v.check(m.dump());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::validation_failed);
  EXPECT_EQ(r.error().detail("field"), "/payload/amount");
  EXPECT_EQ(r.error().detail("rule"), "minimum");
  EXPECT_NE(core::to_error_contract(r.error()).find("VALIDATION_FAILED"), std::string::npos);
  auto bad = v.validate(std::string_view("{\"id\": \"\xff\"}"));
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].keyword, "json");
}

// ---- agreement with emulator/core/envelope.cc -------------------------------

namespace {

struct mutation {
  const char* field;  // top-level field, or "metadata.x"
  json value;         // null json with remove=true deletes the field
  bool remove = false;
};

json apply(json m, const mutation& mu) {
  std::string f = mu.field;
  json* target = &m;
  if (f.starts_with("metadata.")) {
    target = &m["metadata"];
    f = f.substr(9);
    if (!target->is_object() && !target->is_null()) return m;  // metadata was replaced by a non-object
  }
  if (mu.remove) {
    if (target->is_object()) target->erase(f);
  } else
    (*target)[f] = mu.value;
  return m;
}

std::vector<mutation> mutation_table() {
  std::vector<mutation> t;
  const char* fields[] = {"id",       "type",    "occurred_at", "source", "correlation_id",
                          "trace_id", "payload", "metadata"};
  for (const char* f : fields) {
    t.push_back({f, json(), true});
    for (const json& v :
         {json(nullptr), json(""), json(1), json(1.5), json(true), json::array(), json::object()})
      t.push_back({f, v});
  }
  for (const char* v : {"6F1C7A52-3B1E-4D8E-9C2A-0B5D2F7E8A91", "6f1c7a523b1e4d8e9c2a0b5d2f7e8a91",
                        "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a9", "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a9g",
                        "{6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91}", "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91 "})
    t.push_back({"id", v});
  for (const char* v : {"a.b.v1", "a.v1", "a.b.c", "A.b.v1", "a.b.v0", "a.b.v01", "a.b.v123456789",
                        "a.b.v1234567890", "a..b.v1", "1a.b.v1", "a_b.c-d.e.v2", "a.b.V1", "a.b.v1.",
                        ".a.b.v1", "a.b.v1\n", "a b.c.v1", "workflow.instance.started.v1", "wörk.b.v1"})
    t.push_back({"type", v});
  t.push_back({"type", "a." + std::string(244, 'b') + ".v1"});  // 249 characters
  t.push_back({"type", "a." + std::string(245, 'b') + ".v1"});  // 250 characters
  for (const char* v :
       {"2024-05-01T12:00:00Z", "2024-05-01t12:00:00z", "2024-05-01T12:00:00.123456+05:30",
        "2024-05-01T12:00:00", "2024-05-01 12:00:00Z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z", "2024-04-31T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T23:59:60Z",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+2400", "2024-05-01T12:00:00-23:59", "2024-05-01"})
    t.push_back({"occurred_at", v});
  for (const char* v : {"4BF92F3577B34DA6A3CE929D0E0E4736", "4bf92f3577b34da6a3ce929d0e0e473",
                        "4bf92f3577b34da6a3ce929d0e0e47361", "00000000000000000000000000000000",
                        "00000000000000000000000000000001", "4bf92f3577b34da6a3ce929d0e0e473g"})
    t.push_back({"trace_id", v});
  for (const char* f : {"metadata.partition_key", "metadata.tenant_id"}) {
    t.push_back({f, json(), true});
    for (const json& v : {json(nullptr), json(""), json("k"), json(5), json::array(), json::object()})
      t.push_back({f, v});
  }
  t.push_back({"metadata.other", "extra fields are allowed"});
  t.push_back({"extra_top_level", json{{"a", 1}}});
  t.push_back({"payload", json{{"anything", json::array({1, 2})}}});
  return t;
}

bool core_verdict(const std::string& text) { return core::check_envelope(text).ok(); }
bool schema_verdict(const contracts& c, const std::string& text) {
  return c.envelope().validate(std::string_view(text)).empty();
}

}  // namespace

TEST(EnvelopeSchemaAgreement, TableOfEnvelopes) {
  auto c = platform_contracts();
  int valid = 0, invalid = 0;
  for (const auto& mu : mutation_table()) {
    const std::string text = apply(valid_envelope(), mu).dump();
    const bool by_core = core_verdict(text);
    EXPECT_EQ(by_core, schema_verdict(*c, text))
        << mu.field << " = " << (mu.remove ? "<removed>" : mu.value.dump()) << " core says "
        << (by_core ? "valid" : "invalid");
    (by_core ? valid : invalid)++;
  }
  for (const std::string text : {"[]", "\"x\"", "1", "null", "{", "{}", "{\"id\": \"\xff\"}"}) {
    EXPECT_EQ(core_verdict(text), schema_verdict(*c, text)) << text;
    ++invalid;
  }
  EXPECT_GT(valid, 15);
  EXPECT_GT(invalid, 80);
}

TEST(EnvelopeSchemaAgreement, SeededRandomMutations) {
  auto c = platform_contracts();
  const auto table = mutation_table();
  std::mt19937_64 rng(20240501);
  for (int i = 0; i < 3000; ++i) {
    json m = valid_envelope();
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k) m = apply(m, table[rng() % table.size()]);
    const std::string text = m.dump();
    ASSERT_EQ(core_verdict(text), schema_verdict(*c, text))
        << "seed 20240501, iteration " << i << ": " << text;
  }
}
