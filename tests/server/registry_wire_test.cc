// The schema registry over the wire, as a Confluent client uses it, against
// a real `eventfabric serve` on a data folder: register, read by id and by
// version, look up, check compatibility, configure, refuse an incompatible
// schema in Confluent's error shape, and keep it all across a SIGKILL.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/http_client.h"

namespace eventfabric {
namespace {

using json = nlohmann::json;
using testing::http_client;
using testing::server_process;
namespace fs = std::filesystem;

constexpr const char* kSr = "application/vnd.schemaregistry.v1+json";
const std::string kSubject = "billing.payment.captured.v1-value";
const std::string kV1 =
    R"({"type":"object","properties":{"amount":{"type":"number"},"currency":{"type":"string"}},"additionalProperties":false})";
// `amount` changes type: breaking in every compatibility mode but NONE.
const std::string kBreaking =
    R"({"type":"object","properties":{"amount":{"type":"string"},"currency":{"type":"string"}},"additionalProperties":false})";

TEST(RegistryWire, RoundTripInConfluentShapeSurvivesKill9) {
  const fs::path dir = fs::temp_directory_path() / ("ef-registry-wire-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const uint16_t port = testing::free_port();
  auto srv = std::make_unique<server_process>(EF_EVENTFABRIC_BIN, std::vector<std::string>{"--data-dir", dir.string()});
  ASSERT_TRUE(srv->start(port));
  http_client c(port);

  auto reg = c.call("POST", "/subjects/" + kSubject + "/versions", json{{"schemaType", "JSON"}, {"schema", kV1}}.dump(), kSr);
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_EQ(reg.content_type, kSr);
  const int id = json::parse(reg.body)["id"];
  EXPECT_GT(id, 0);

  auto by_id = c.call("GET", "/schemas/ids/" + std::to_string(id));
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  auto by_id_body = json::parse(by_id.body);
  EXPECT_EQ(json::parse(by_id_body["schema"].get<std::string>()), json::parse(kV1));
  EXPECT_EQ(by_id_body["schemaType"], "JSON");

  auto latest = json::parse(c.call("GET", "/subjects/" + kSubject + "/versions/latest").body);
  EXPECT_EQ(latest["subject"], kSubject);
  EXPECT_EQ(latest["version"], 1);
  EXPECT_EQ(latest["id"], id);

  auto lookup = c.call("POST", "/subjects/" + kSubject, json{{"schemaType", "JSON"}, {"schema", kV1}}.dump(), kSr);
  ASSERT_EQ(lookup.status, 200) << lookup.body;
  EXPECT_EQ(json::parse(lookup.body)["id"], id);
  EXPECT_EQ(json::parse(lookup.body)["version"], 1);

  auto compat = c.call("POST", "/compatibility/subjects/" + kSubject + "/versions/latest",
                       json{{"schemaType", "JSON"}, {"schema", kBreaking}}.dump(), kSr);
  ASSERT_EQ(compat.status, 200) << compat.body;
  EXPECT_FALSE(json::parse(compat.body)["is_compatible"].get<bool>());

  auto set = c.call("PUT", "/config/" + kSubject, R"({"compatibility":"FULL_TRANSITIVE"})", kSr);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(json::parse(set.body)["compatibility"], "FULL_TRANSITIVE");

  auto refused = c.call("POST", "/subjects/" + kSubject + "/versions", json{{"schemaType", "JSON"}, {"schema", kBreaking}}.dump(), kSr);
  EXPECT_EQ(refused.status, 409);
  auto err = json::parse(refused.body, nullptr, false);
  ASSERT_TRUE(err.is_object()) << refused.body;
  EXPECT_EQ(err["error_code"], 409) << "Confluent's shape, not the platform error contract";
  EXPECT_TRUE(err["message"].is_string());
  EXPECT_FALSE(err.contains("error"));

  ASSERT_TRUE(WIFSIGNALED(srv->kill_now(SIGKILL)));
  c.close();
  srv = std::make_unique<server_process>(EF_EVENTFABRIC_BIN, std::vector<std::string>{"--data-dir", dir.string()});
  ASSERT_TRUE(srv->start(port));

  EXPECT_EQ(json::parse(c.call("GET", "/subjects").body), json::array({kSubject}));
  EXPECT_EQ(json::parse(c.call("GET", "/subjects/" + kSubject + "/versions").body), json::array({1}));
  EXPECT_EQ(json::parse(c.call("GET", "/schemas/ids/" + std::to_string(id)).body)["schemaType"], "JSON");
  EXPECT_EQ(json::parse(c.call("GET", "/config/" + kSubject).body)["compatibilityLevel"], "FULL_TRANSITIVE");
  auto again = c.call("POST", "/subjects/" + kSubject + "/versions", json{{"schemaType", "JSON"}, {"schema", kV1}}.dump(), kSr);
  EXPECT_EQ(json::parse(again.body)["id"], id) << "the same schema keeps its id after the restart";

  srv.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace eventfabric
