// The CI schema gate (schema::run_gate) on in-memory folders.
#include "emulator/schema/gate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace eventfabric::schema {
namespace {

const char* kEnvelope = R"({"type":"object","required":["id"],"properties":{"id":{"type":"string"}}})";
// A closed payload: adding an optional property is compatible, removing or retyping one is not.
const char* kV1 = R"({"type":"object","additionalProperties":false,"required":["a"],
  "properties":{"a":{"type":"string"},"b":{"type":"integer"}}})";
const char* kV1Added = R"({"type":"object","additionalProperties":false,"required":["a"],
  "properties":{"a":{"type":"string"},"b":{"type":"integer"},"c":{"type":"string"}}})";
const char* kV1Retyped = R"({"type":"object","additionalProperties":false,"required":["a"],
  "properties":{"a":{"type":"string"},"b":{"type":"string"}}})";
const char* kV1WithoutB = R"({"type":"object","additionalProperties":false,"required":["a"],
  "properties":{"a":{"type":"string"}}})";

std::vector<contract_file> folder(std::vector<contract_file> files) {
  files.insert(files.begin(), contract_file{"envelope.schema.json", kEnvelope});
  return files;
}

bool has(const std::vector<gate_finding>& v, const std::string& code, const std::string& file = "") {
  return std::any_of(v.begin(), v.end(),
                     [&](const gate_finding& f) { return f.code == code && (file.empty() || f.file == file); });
}

const gate_type* find_type(const gate_report& r, const std::string& type) {
  for (const auto& t : r.types)
    if (t.type == type) return &t;
  return nullptr;
}

TEST(SchemaGate, RepositoryContractsPassAloneEvenStrict) {
  std::vector<contract_file> files;
  for (const auto& e : std::filesystem::directory_iterator(EF_SOURCE_DIR "/contracts")) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    files.push_back({e.path().filename().string(), text.str()});
  }
  gate_options strict;
  strict.strict = true;
  auto r = run_gate(files, std::nullopt, strict);
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().message);
  EXPECT_TRUE(r.warnings.empty());
  ASSERT_FALSE(r.types.empty());
  EXPECT_EQ(r.types.front().type, "envelope");
  for (const auto& t : r.types) EXPECT_EQ(t.status, "new") << t.type;
  // Against itself every type is unchanged and compatible.
  auto same = run_gate(files, files, strict);
  EXPECT_TRUE(same.ok());
  for (const auto& t : same.types) {
    EXPECT_EQ(t.status, "unchanged") << t.type;
    EXPECT_EQ(t.compatible, true) << t.type;
  }
}

TEST(SchemaGate, LoadAndNamingRules) {
  auto r = run_gate({{"a.b.c.v1.json", kV1},
                     {"Bad.Name.json", kV1},
                     {"two.v1.json", kV1},
                     {"broken.json.thing.v1.json", "{not json"},
                     {"bad.keyword.here.v1.json", R"({"type":"object","properties":{"x":{"type":"nope"}}})"}},
                    std::nullopt);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has(r.errors, "MISSING_ENVELOPE"));
  EXPECT_TRUE(has(r.errors, "BAD_NAME", "Bad.Name.json"));
  EXPECT_TRUE(has(r.errors, "BAD_NAME", "two.v1.json"));  // at least domain.entity.vN
  EXPECT_TRUE(has(r.errors, "LOAD_FAILED", "broken.json.thing.v1.json"));
  EXPECT_TRUE(has(r.errors, "LOAD_FAILED", "bad.keyword.here.v1.json"));
  EXPECT_FALSE(has(r.errors, "LOAD_FAILED", "a.b.c.v1.json"));
  EXPECT_EQ(find_type(r, "broken.json.thing.v1")->status, "invalid");
}

TEST(SchemaGate, CompatibleChangeToAnExistingVersionPasses) {
  auto r = run_gate(folder({{"a.b.c.v1.json", kV1Added}}), folder({{"a.b.c.v1.json", kV1}}));
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().message);
  const gate_type* t = find_type(r, "a.b.c.v1");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->status, "changed");
  EXPECT_EQ(t->compatible, true);
  EXPECT_EQ(t->base_versions, 1);
}

TEST(SchemaGate, BreakingChangeToAnExistingVersionSaysPublishAsNext) {
  auto r = run_gate(folder({{"a.b.c.v1.json", kV1Retyped}}), folder({{"a.b.c.v1.json", kV1}}));
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(has(r.errors, "INCOMPATIBLE_CHANGE", "a.b.c.v1.json"));
  const auto& e = r.errors.front();
  EXPECT_NE(e.message.find("a.b.c.v2"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("TYPE_CHANGED #/properties/b"), std::string::npos) << e.message;
  EXPECT_EQ(e.pointer, "#/properties/b");
  const gate_type* t = find_type(r, "a.b.c.v1");
  EXPECT_EQ(t->compatible, false);
  EXPECT_EQ(t->changes, std::vector<std::string>{"TYPE_CHANGED #/properties/b"});
  // NONE accepts anything.
  gate_options none;
  none.mode = compat_mode::none;
  EXPECT_TRUE(run_gate(folder({{"a.b.c.v1.json", kV1Retyped}}), folder({{"a.b.c.v1.json", kV1}}), none).ok());
}

TEST(SchemaGate, TransitiveModeChecksEveryBaseVersion) {
  // History of a.b.c.v1: kV1 (b integer), then kV1WithoutB. The candidate re-adds b as a string:
  // compatible with the latest (an optional property added to a closed model), not with the first.
  const std::vector<contract_file> base =
      folder({{"a.b.c.v1.json", kV1}, {"a.b.c.v1.json", kV1WithoutB}});
  auto transitive = run_gate(folder({{"a.b.c.v1.json", kV1Retyped}}), base);
  EXPECT_TRUE(has(transitive.errors, "INCOMPATIBLE_CHANGE"));
  EXPECT_EQ(find_type(transitive, "a.b.c.v1")->base_versions, 2);
  EXPECT_NE(transitive.errors.front().message.find("against base version 1"), std::string::npos);
  gate_options latest_only;
  latest_only.mode = compat_mode::backward;
  EXPECT_TRUE(run_gate(folder({{"a.b.c.v1.json", kV1Retyped}}), base, latest_only).ok());
}

TEST(SchemaGate, AnUnchangedFileIsNotRejudgedAgainstItsHistory) {
  // kV1WithoutB broke kV1 before the gate existed; leaving it alone must not fail every later run.
  auto r = run_gate(folder({{"a.b.c.v1.json", kV1WithoutB}}),
                    folder({{"a.b.c.v1.json", kV1}, {"a.b.c.v1.json", kV1WithoutB}}));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(find_type(r, "a.b.c.v1")->status, "unchanged");
  EXPECT_EQ(find_type(r, "a.b.c.v1")->compatible, true);
}

TEST(SchemaGate, NewMajorVersionMayBreakAndIsReportedAsInfo) {
  auto r = run_gate(folder({{"a.b.c.v1.json", kV1}, {"a.b.c.v2.json", kV1Retyped}}),
                    folder({{"a.b.c.v1.json", kV1}}));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(find_type(r, "a.b.c.v2")->status, "new");
  ASSERT_TRUE(has(r.info, "NEW_VERSION_CHANGES", "a.b.c.v2.json"));
  EXPECT_NE(r.info.front().message.find("TYPE_CHANGED #/properties/b"), std::string::npos);
  // A v3 without a v2 anywhere is a warning, not an error.
  auto gap = run_gate(folder({{"a.b.c.v3.json", kV1}}), std::nullopt);
  EXPECT_TRUE(gap.ok());
  EXPECT_TRUE(has(gap.warnings, "VERSION_GAP"));
}

TEST(SchemaGate, RemovedTypeIsAnError) {
  auto r = run_gate(folder({{"a.b.c.v2.json", kV1}}), folder({{"a.b.c.v1.json", kV1}}));
  ASSERT_TRUE(has(r.errors, "TYPE_REMOVED", "a.b.c.v1.json"));
  EXPECT_NE(r.errors.front().message.find("consumers may still depend on it"), std::string::npos);
  EXPECT_EQ(find_type(r, "a.b.c.v1")->status, "removed");
}

TEST(SchemaGate, BreakingEnvelopeChangeIsAnError) {
  auto r = run_gate({{"envelope.schema.json", R"({"type":"object","properties":{"id":{"type":"integer"}}})"}},
                    std::vector<contract_file>{{"envelope.schema.json", kEnvelope}});
  EXPECT_TRUE(has(r.errors, "INCOMPATIBLE_CHANGE", "envelope.schema.json"));
}

TEST(SchemaGate, UnclassifiedPiiWarnsAndFailsWhenStrict) {
  const char* pii = R"({"type":"object","properties":{"email":{"type":"string"},"id":{"type":"string"}}})";
  auto lax = run_gate(folder({{"a.b.c.v1.json", pii}}), std::nullopt);
  EXPECT_TRUE(lax.ok());
  ASSERT_TRUE(has(lax.warnings, "PII_UNCLASSIFIED", "a.b.c.v1.json"));
  EXPECT_EQ(lax.warnings.front().pointer, "/properties/email");
  gate_options strict;
  strict.strict = true;
  auto r = run_gate(folder({{"a.b.c.v1.json", pii}}), std::nullopt, strict);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has(r.errors, "PII_UNCLASSIFIED"));
}

TEST(SchemaGate, UnreadableBaseVersionIsAWarningNotACrash) {
  auto r = run_gate(folder({{"a.b.c.v1.json", kV1}}), folder({{"a.b.c.v1.json", "{oops"}}));
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(has(r.warnings, "BASE_UNREADABLE"));
  EXPECT_EQ(find_type(r, "a.b.c.v1")->status, "new");
}

}  // namespace
}  // namespace eventfabric::schema
