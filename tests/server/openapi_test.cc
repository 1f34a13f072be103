// Keeps docs/openapi.json honest: it parses as OpenAPI 3.0, documents exactly
// the routes app::routes() registers (same method, same path template), every
// operation is described and every $ref resolves, and the documented examples,
// sent to the app in memory, get a documented status and a body of the
// documented shape.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/broker.h"
#include "emulator/delivery/idempotency_store.h"
#include "emulator/faults/engine.h"
#include "emulator/push/manager.h"
#include "emulator/schema/registry.h"
#include "emulator/server/app.h"
#include "emulator/store/memory_store.h"

namespace eventfabric::server {
namespace {

using json = nlohmann::json;

const std::set<std::string> kHttpMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string spec_path() { return std::string(EF_SOURCE_DIR) + "/docs/openapi.json"; }

// j[key] without the undefined behaviour of const operator[]: null when j is
// not an object or has no such key.
const json& get(const json& j, const std::string& key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}
std::string get_string(const json& j, const std::string& key) {
  const json& v = get(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// The document, or a discarded value when it is missing or not JSON.
const json& spec() {
  static const json doc = [] {
    std::ifstream in(spec_path());
    if (!in) return json(json::value_t::discarded);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  }();
  return doc;
}

// The target of a local "$ref", or nullptr when it does not resolve.
const json* deref(const std::string& ref) {
  if (ref.rfind("#/", 0) != 0) return nullptr;
  try {
    const json::json_pointer ptr(ref.substr(1));
    if (!spec().contains(ptr)) return nullptr;
    return &spec().at(ptr);
  } catch (const json::exception&) {
    return nullptr;
  }
}

// Follows $ref chains; a broken reference yields a null value.
const json& resolve(const json& j) {
  static const json null_value;
  const json* cur = &j;
  for (int hops = 0; cur->is_object() && cur->contains("$ref"); ++hops) {
    const json* next = hops < 16 && get(*cur, "$ref").is_string() ? deref(get_string(*cur, "$ref")) : nullptr;
    if (next == nullptr) return null_value;
    cur = next;
  }
  return *cur;
}

void collect_refs(const json& j, const std::string& where, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == "$ref" && v.is_string()) out.emplace_back(where, v.get<std::string>());
      collect_refs(v, where + "/" + k, out);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) collect_refs(j[i], where + "/" + std::to_string(i), out);
  }
}

// Every (METHOD, path) operation of the document.
std::vector<std::pair<std::string, std::string>> documented_operations() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [path, item] : get(spec(), "paths").items())
    for (const auto& [key, _] : item.items())
      if (kHttpMethods.contains(key)) out.emplace_back(upper(key), path);
  return out;
}

const json& operation(const std::string& method, const std::string& path) {
  return get(get(get(spec(), "paths"), path), lower(method));
}

// The operation's parameters, resolved.
std::vector<json> parameters_of(const json& op) {
  std::vector<json> out;
  const json& params = get(op, "parameters");
  if (params.is_array())
    for (const auto& p : params) out.push_back(resolve(p));
  return out;
}

std::vector<std::string> template_names(const std::string& path) {
  std::vector<std::string> out;
  for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    const auto close = path.find('}', open);
    if (close == std::string::npos) break;
    out.push_back(path.substr(open + 1, close - open - 1));
  }
  return out;
}

std::string scalar_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string media_type(std::string ct) {
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  return lower(ct);
}

// A small structural check of `v` against an OpenAPI 3.0 schema: types,
// nullable, enum, required properties, recursively through properties, items
// and allOf. Unknown keywords (oneOf, formats, bounds) are not checked.
void conform(const json& schema_in, const json& v, const std::string& where, std::vector<std::string>& problems) {
  const json& s = resolve(schema_in);
  if (!s.is_object()) {
    problems.push_back(where + ": schema does not resolve");
    return;
  }
  if (s.contains("allOf"))
    for (const auto& sub : s["allOf"]) conform(sub, v, where, problems);
  if (v.is_null() && s.value("nullable", false)) return;
  if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end())
    problems.push_back(where + ": " + v.dump() + " is not in the enum");
  const std::string type = s.value("type", "");
  if (type.empty()) return;
  const bool ok = (type == "object" && v.is_object()) || (type == "array" && v.is_array()) ||
                  (type == "string" && v.is_string()) || (type == "integer" && v.is_number_integer()) ||
                  (type == "number" && v.is_number()) || (type == "boolean" && v.is_boolean());
  if (!ok) {
    problems.push_back(where + ": expected " + type + ", got " + v.dump().substr(0, 80));
    return;
  }
  if (type == "object") {
    if (s.contains("required"))
      for (const auto& r : s["required"])
        if (!v.contains(r.get<std::string>())) problems.push_back(where + ": missing required " + r.get<std::string>());
    for (const auto& [k, sub] : v.items()) {
      if (s.contains("properties") && s["properties"].contains(k))
        conform(s["properties"][k], sub, where + "." + k, problems);
      else if (s.contains("additionalProperties") && s["additionalProperties"].is_object())
        conform(s["additionalProperties"], sub, where + "." + k, problems);
    }
  } else if (type == "array" && s.contains("items")) {
    for (std::size_t i = 0; i < v.size(); ++i)
      conform(s["items"], v[i], where + "[" + std::to_string(i) + "]", problems);
  }
}

TEST(OpenApiDocument, ParsesAsOpenApi30) {
  const json& doc = spec();
  ASSERT_FALSE(doc.is_discarded()) << spec_path() << " is missing or not valid JSON";
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(get(doc, "openapi").is_string());
  EXPECT_EQ(get_string(doc, "openapi").rfind("3.0.", 0), 0u) << get(doc, "openapi");
  EXPECT_EQ(get_string(get(doc, "info"), "title"), "eventfabric");
  EXPECT_EQ(get_string(get(doc, "info"), "version"), "0.1.0");
  const std::string description = get_string(get(doc, "info"), "description");
  EXPECT_NE(description.find("{\"error\":{\"code\",\"message\",\"details\"}}"), std::string::npos)
      << "the description names the error contract";
  EXPECT_NE(description.find("group commit"), std::string::npos) << "the description states the durability guarantee";
  ASSERT_TRUE(get(doc, "servers").is_array());
  ASSERT_FALSE(get(doc, "servers").empty());
  EXPECT_EQ(get_string(get(doc, "servers")[0], "url"), "http://127.0.0.1:8095");
  ASSERT_TRUE(get(doc, "paths").is_object());
  EXPECT_FALSE(get(doc, "paths").empty());
  EXPECT_TRUE(get(get(get(doc, "components"), "schemas"), "Error").is_object());
  std::set<std::string> tags;
  for (const auto& t : get(doc, "tags")) tags.insert(get_string(t, "name"));
  EXPECT_TRUE(tags.contains("schema registry")) << "the place reserved for the schema-registry routes";
}

struct call_options {
  std::string example;                       // named entry of `examples`; default: `example` or the first one
  std::string content_type;                  // default: the media type that carries the example
  std::map<std::string, std::string> query;  // added to / overriding the documented query examples
  std::map<std::string, std::string> path;   // overriding the documented path examples, e.g. {"version", "2"}
};

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(spec().is_discarded()) << spec_path();
    broker_.attach(registry_);  // as `serve` does: the registry persists in the broker's store
    broker_.attach(idempotency_);
    broker_.attach(subscriptions_);
    ASSERT_TRUE(broker_.recover());
  }

  // Sends `method path` built from the document: path and query parameters
  // from their examples, the body from the request body's example.
  response call(const std::string& method, const std::string& path, const call_options& o = {}) {
    const json& op = operation(method, path);
    EXPECT_TRUE(op.is_object()) << method << " " << path << " is not documented";
    exercised_.emplace(method, path);
    request req;
    req.method = method;
    req.path = path;
    for (const auto& p : parameters_of(op)) {
      const std::string name = get_string(p, "name");
      const auto overridden = get(p, "in") == "path" ? o.path.find(name) : o.path.end();
      if (overridden == o.path.end() && !p.contains("example")) continue;
      const std::string value = overridden != o.path.end() ? overridden->second : scalar_text(get(p, "example"));
      if (get(p, "in") == "path") {
        const std::string placeholder = "{" + name + "}";
        if (auto at = req.path.find(placeholder); at != std::string::npos) req.path.replace(at, placeholder.size(), value);
      } else if (get(p, "in") == "query") {
        req.query[name] = value;
      }
    }
    for (const auto& [k, v] : o.query) req.query[k] = v;
    for (const auto& [k, _] : o.path) EXPECT_NE(path.find("{" + k + "}"), std::string::npos) << path << " has no {" << k << "}";
    if (op.contains("requestBody")) {
      const json& body = resolve(get(op, "requestBody"));
      std::optional<json> example;
      std::string ct;
      for (const auto& [type, media] : get(body, "content").items()) {
        const json& examples = get(media, "examples");
        if (!o.example.empty()) {
          if (get(examples, o.example).is_object()) example = get(resolve(get(examples, o.example)), "value");
        } else if (media.contains("example")) {
          example = get(media, "example");
        } else if (examples.is_object() && !examples.empty()) {
          example = get(resolve(examples.begin().value()), "value");
        }
        if (example) {
          ct = type;
          break;
        }
      }
      EXPECT_TRUE(example.has_value()) << method << " " << path << " has no request example " << o.example;
      if (example) req.body = example->dump();
      const std::string content_type = o.content_type.empty() ? ct : o.content_type;
      if (!content_type.empty()) req.headers.emplace_back("content-type", content_type);
    }
    auto out = app_.handle(req);
    if (auto* p = std::get_if<pending>(&out)) return *p->poll(true);
    return std::get<response>(out);
  }

  // `resp` has a status the operation documents, and a body of that
  // response's media type and schema.
  void expect_documented(const std::string& method, const std::string& path, const response& resp) {
    SCOPED_TRACE(method + " " + path + " -> " + std::to_string(resp.status) + " " + resp.body.substr(0, 300));
    const json& responses = get(operation(method, path), "responses");
    const std::string status = std::to_string(resp.status);
    ASSERT_TRUE(get(responses, status).is_object()) << "undocumented status";
    const json& documented = resolve(get(responses, status));
    if (!documented.contains("content")) {
      EXPECT_TRUE(resp.body.empty()) << "documented without a body";
      return;
    }
    const json& content = get(documented, "content");
    const std::string type = media_type(resp.content_type);
    ASSERT_TRUE(get(content, type).is_object()) << "undocumented response media type " << resp.content_type;
    if (type.find("json") == std::string::npos) return;
    const json body = json::parse(resp.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << "the body is not JSON";
    std::vector<std::string> problems;
    conform(get(get(content, type), "schema"), body, "body", problems);
    for (const auto& p : problems) ADD_FAILURE() << p;
  }

  // Calls, checks the status against `expect` and the document.
  response step(const std::string& method, const std::string& path, int expect, const call_options& o = {}) {
    auto resp = call(method, path, o);
    EXPECT_EQ(resp.status, expect) << method << " " << path << " " << o.example << ": " << resp.body.substr(0, 400);
    expect_documented(method, path, resp);
    return resp;
  }

  // Like app_test.cc and `serve`: a store, the schema registry attached to the
  // broker (SetUp), and the app serving it, so the registry routes answer.
  store::memory_store store_;
  core::broker broker_{{.seed = 1, .store = &store_}};
  schema::registry registry_{&store_};
  delivery::idempotency_store idempotency_{broker_.clk(), &store_};
  faults::engine faults_{1, broker_.clk()};
  push::manager subscriptions_{broker_, &store_, &faults_, 1};  // not started: nothing is pushed
  app app_{broker_,
           {.registry = &registry_, .idempotency = &idempotency_, .faults = &faults_, .subscriptions = &subscriptions_}};
  std::set<std::pair<std::string, std::string>> exercised_;  // (METHOD, path template) called so far

  void run_registry_examples();
};

int error_code(const response& r) {
  const json body = json::parse(r.body, nullptr, false);
  return body.is_object() && body.contains("error_code") && body["error_code"].is_number_integer() ? body["error_code"].get<int>() : 0;
}

// The schema-registry examples in Confluent's lifecycle: register, read,
// check compatibility, configure levels, then soft and permanent deletes.
void OpenApiTest::run_registry_examples() {
  const std::string subject = "/subjects/{subject}", versions = subject + "/versions", version = versions + "/{version}";
  const std::string compat = "/compatibility/subjects/{subject}/versions", config = "/config/{subject}";
  const std::string name = get_string(resolve(json{{"$ref", "#/components/parameters/subject"}}), "example");
  EXPECT_EQ(name, "billing.payment.captured.v1-value") << "the subject `serve --contracts` registers for that type";
  const std::map<std::string, std::string> deleted = {{"deleted", "true"}}, permanent = {{"permanent", "true"}};

  step("GET", "/schemas/types", 200);
  EXPECT_EQ(json::parse(step("GET", "/config", 200).body, nullptr, false)["compatibilityLevel"], "BACKWARD");
  EXPECT_EQ(json::parse(step("GET", "/subjects", 200).body, nullptr, false), json::array());
  EXPECT_EQ(error_code(step("GET", versions, 404)), 40401);
  auto empty = json::parse(step("POST", compat, 200, {.example = "incompatible"}).body, nullptr, false);
  EXPECT_EQ(empty["is_compatible"], true) << "nothing to be incompatible with yet";

  // Register, idempotently; an incompatible change is refused, a compatible one becomes version 2.
  auto v1 = json::parse(step("POST", versions, 200, {.example = "v1"}).body, nullptr, false);
  EXPECT_EQ(v1, json({{"id", 1}})) << "the id the {id} examples name";
  EXPECT_EQ(json::parse(step("POST", versions, 200, {.example = "v1"}).body, nullptr, false), v1) << "already registered";
  auto verdict = json::parse(step("POST", compat + "/{version}", 200, {.example = "incompatible"}).body, nullptr, false);
  EXPECT_EQ(verdict["is_compatible"], false);
  EXPECT_EQ(verdict["changes"], json::array({"TYPE_CHANGED #/properties/amount"}));
  EXPECT_EQ(verdict["messages"].size(), 1u);
  EXPECT_EQ(json::parse(step("POST", compat, 200, {.example = "compatible"}).body, nullptr, false)["is_compatible"], true);
  EXPECT_EQ(error_code(step("POST", versions, 409, {.example = "incompatible"})), 409);
  EXPECT_EQ(error_code(step("POST", versions, 422, {.example = "avro"})), 42201);
  EXPECT_EQ(json::parse(step("POST", versions, 200, {.example = "v2"}).body, nullptr, false), json({{"id", 2}}));
  auto found = json::parse(step("POST", subject, 200, {.example = "v1"}).body, nullptr, false);
  EXPECT_EQ(found["version"], 1);
  EXPECT_EQ(found["subject"], name);
  EXPECT_EQ(error_code(step("POST", subject, 404, {.example = "unregistered"})), 40403);

  // Read back.
  EXPECT_EQ(json::parse(step("GET", "/subjects", 200).body, nullptr, false), json::array({name}));
  EXPECT_EQ(json::parse(step("GET", versions, 200).body, nullptr, false), json::array({1, 2}));
  EXPECT_EQ(json::parse(step("GET", version, 200).body, nullptr, false)["version"], 2) << "latest";
  EXPECT_EQ(json::parse(step("GET", version, 200, {.path = {{"version", "1"}}}).body, nullptr, false)["id"], 1);
  EXPECT_EQ(error_code(step("GET", version, 404, {.path = {{"version", "99"}}})), 40402);
  EXPECT_EQ(error_code(step("GET", version, 422, {.path = {{"version", "0"}}})), 42202);
  auto document = json::parse(step("GET", version + "/schema", 200).body, nullptr, false);
  EXPECT_TRUE(document["properties"].contains("provider_reference")) << "the latest schema, unwrapped";
  EXPECT_EQ(json::parse(json::parse(step("GET", "/schemas/ids/{id}", 200).body, nullptr, false)["schema"].get<std::string>()),
            json::parse(found["schema"].get<std::string>()));
  EXPECT_EQ(json::parse(step("GET", "/schemas/ids/{id}/versions", 200).body, nullptr, false),
            json::array({{{"subject", name}, {"version", 1}}}));
  EXPECT_EQ(error_code(step("GET", "/schemas/ids/{id}", 404, {.path = {{"id", "42"}}})), 40403);

  // Compatibility levels: the subject's own, else the global one.
  EXPECT_EQ(error_code(step("GET", config, 404)), 40408);
  EXPECT_EQ(json::parse(step("GET", config, 200, {.query = {{"defaultToGlobal", "true"}}}).body, nullptr, false)["compatibilityLevel"],
            "BACKWARD");
  step("PUT", config, 200, {.example = "full_transitive"});
  EXPECT_EQ(json::parse(step("GET", config, 200).body, nullptr, false)["compatibilityLevel"], "FULL_TRANSITIVE");
  EXPECT_EQ(error_code(step("PUT", config, 422, {.example = "invalid"})), 42203);
  step("PUT", "/config", 200, {.example = "full"});
  EXPECT_EQ(error_code(step("PUT", "/config", 422, {.example = "invalid"})), 42203);
  EXPECT_EQ(json::parse(step("DELETE", config, 200).body, nullptr, false)["compatibilityLevel"], "FULL_TRANSITIVE");
  EXPECT_EQ(error_code(step("DELETE", config, 404)), 40408);
  EXPECT_EQ(json::parse(step("GET", "/config", 200).body, nullptr, false)["compatibilityLevel"], "FULL");

  // Deletes: soft first, then permanent.
  EXPECT_EQ(json::parse(step("DELETE", version, 200).body, nullptr, false), 2) << "latest, soft";
  EXPECT_EQ(error_code(step("DELETE", version, 404, {.path = {{"version", "2"}}})), 40406);
  EXPECT_EQ(json::parse(step("GET", version, 200, {.query = deleted, .path = {{"version", "2"}}}).body, nullptr, false)["version"], 2);
  EXPECT_EQ(error_code(step("DELETE", version, 404, {.query = permanent, .path = {{"version", "1"}}})), 40407);
  EXPECT_EQ(json::parse(step("DELETE", version, 200, {.query = permanent, .path = {{"version", "2"}}}).body, nullptr, false), 2);
  EXPECT_EQ(json::parse(step("GET", versions, 200).body, nullptr, false), json::array({1}));
  EXPECT_EQ(error_code(step("DELETE", subject, 404, {.query = permanent})), 40405);
  EXPECT_EQ(json::parse(step("DELETE", subject, 200).body, nullptr, false), json::array({1}));
  EXPECT_EQ(error_code(step("DELETE", subject, 404)), 40404);
  EXPECT_EQ(json::parse(step("GET", "/subjects", 200).body, nullptr, false), json::array());
  EXPECT_EQ(json::parse(step("GET", "/subjects", 200, {.query = deleted}).body, nullptr, false), json::array({name}));
  EXPECT_EQ(json::parse(step("GET", versions, 200, {.query = deleted}).body, nullptr, false), json::array({1}));
  EXPECT_EQ(json::parse(step("POST", subject, 200, {.example = "v1", .query = deleted}).body, nullptr, false)["version"], 1);
  EXPECT_EQ(json::parse(step("DELETE", subject, 200, {.query = permanent}).body, nullptr, false), json::array({1}));
  EXPECT_EQ(error_code(step("GET", versions, 404, {.query = deleted})), 40401);
  step("GET", "/schemas/ids/{id}", 200);  // ids outlive their versions
  EXPECT_EQ(json::parse(step("GET", "/schemas/ids/{id}/versions", 200).body, nullptr, false), json::array());
}

TEST_F(OpenApiTest, EveryRouteIsDocumented) {
  const auto routes = app_.routes();
  ASSERT_FALSE(routes.empty());
  std::string missing;
  for (const auto& [method, path] : routes)
    if (!operation(method, path).is_object()) missing += "\n  " + method + " " + path;
  EXPECT_TRUE(missing.empty()) << "routes not documented in docs/openapi.json (method and path template):" << missing;
}

TEST_F(OpenApiTest, EveryDocumentedOperationIsRouted) {
  const auto routes = app_.routes();
  const std::set<std::pair<std::string, std::string>> routed(routes.begin(), routes.end());
  const auto documented = documented_operations();
  std::string stale;
  for (const auto& op : documented)
    if (!routed.contains(op)) stale += "\n  " + op.first + " " + op.second;
  EXPECT_TRUE(stale.empty()) << "documented in docs/openapi.json but not routed:" << stale;
  for (const auto& [path, item] : get(spec(), "paths").items())
    for (const auto& [key, _] : item.items())
      EXPECT_TRUE(kHttpMethods.contains(key) || key == "parameters" || key == "summary" || key == "description" ||
                  key == "servers")
          << path << " has an unexpected key " << key;
  EXPECT_EQ(documented.size(), routed.size()) << "documented operations vs. routes";
  EXPECT_EQ(routed.size(), routes.size()) << "the router registers a route twice";
}

TEST_F(OpenApiTest, EveryOperationIsDescribedAndEveryRefResolves) {
  std::set<std::string> tags, operation_ids;
  for (const auto& t : get(spec(), "tags")) tags.insert(get_string(t, "name"));
  for (const auto& [method, path] : documented_operations()) {
    SCOPED_TRACE(method + " " + path);
    const json& op = operation(method, path);
    ASSERT_TRUE(op.is_object());
    EXPECT_FALSE(get_string(op, "summary").empty()) << "no summary";
    ASSERT_TRUE(get(op, "operationId").is_string());
    EXPECT_TRUE(operation_ids.insert(get_string(op, "operationId")).second) << "duplicate operationId";
    ASSERT_TRUE(get(op, "tags").is_array());
    for (const auto& t : get(op, "tags")) EXPECT_TRUE(t.is_string() && tags.contains(t.get<std::string>())) << "undeclared tag " << t;
    ASSERT_TRUE(get(op, "responses").is_object());
    bool success = false, failure = false;
    for (const auto& [code, r] : get(op, "responses").items()) {
      // 101 Switching Protocols is the success of the WebSocket tails (GET /ws/...).
      success = success || code.front() == '2' || code == "101";
      failure = failure || code.front() == '4' || code.front() == '5';
      EXPECT_FALSE(get_string(resolve(r), "description").empty()) << code << " has no description";
      if (code.front() == '4' || code.front() == '5') {
        // The platform error contract, or Confluent's shape on Confluent-compatible routes.
        const json& schema = get(get(get(resolve(r), "content"), "application/json"), "schema");
        EXPECT_TRUE(schema == json({{"$ref", "#/components/schemas/Error"}}) ||
                    schema == json({{"$ref", "#/components/schemas/ConfluentError"}}))
            << code << " is not an error response: " << schema;
      }
    }
    EXPECT_TRUE(success) << "no success response";
    EXPECT_TRUE(failure) << "no error response";
    // Path parameters: exactly the template's names, each required.
    std::set<std::string> in_path;
    for (const auto& p : parameters_of(op)) {
      ASSERT_TRUE(get(p, "name").is_string() && get(p, "in").is_string()) << p;
      EXPECT_TRUE(get(p, "schema").is_object()) << p;
      if (get(p, "in") == "path") {
        in_path.insert(get_string(p, "name"));
        EXPECT_EQ(get(p, "required"), true) << p;
      }
    }
    const auto names = template_names(path);
    EXPECT_EQ(in_path, std::set<std::string>(names.begin(), names.end()));
    if (op.contains("requestBody")) {
      const json& content = get(resolve(get(op, "requestBody")), "content");
      ASSERT_TRUE(content.is_object());
      EXPECT_FALSE(content.empty());
      EXPECT_TRUE(get(get(op, "responses"), "415").is_object()) << "a route with a body checks its Content-Type";
    }
  }
  std::vector<std::pair<std::string, std::string>> refs;
  collect_refs(spec(), "#", refs);
  EXPECT_FALSE(refs.empty());
  for (const auto& [where, ref] : refs) EXPECT_NE(deref(ref), nullptr) << where << ": " << ref << " does not resolve";
}

// The documented examples, in an order that makes them meaningful, each with
// the status it must get. Between them every operation is exercised.
TEST_F(OpenApiTest, ExamplesGetTheirDocumentedStatus) {
  const std::string topic = "/topics/{topic}", admin_topic = "/admin/topics/{topic}";
  const std::string inst = "/consumers/{group}/instances/{instance}";
  const std::string queue = "/queues/{queue}", exchange = "/exchanges/{exchange}";

  step("GET", "/health", 200);
  step("POST", "/admin/topics", 201);
  step("POST", "/admin/topics", 200);  // idempotent with the same configuration
  step("POST", topic, 200, {.example = "envelope"});
  step("POST", topic, 200, {.example = "plain"});
  auto invalid = step("POST", topic, 422, {.example = "invalid_envelope"});
  auto error = json::parse(invalid.body, nullptr, false);
  EXPECT_EQ(error["error"]["code"], "VALIDATION_FAILED");
  EXPECT_EQ(error["error"]["details"]["field"], "occurred_at") << "422 names the field";
  step("POST", topic + "/partitions/{partition}", 200);
  step("GET", "/topics", 200);
  step("GET", topic, 200);
  step("GET", topic + "/partitions", 200);
  auto bounds = json::parse(step("GET", topic + "/partitions/{partition}/offsets", 200).body, nullptr, false);
  EXPECT_GT(bounds.value("end_offset", 0), 0);
  step("GET", "/admin/topics", 200);
  step("GET", admin_topic, 200);
  step("GET", admin_topic + "/partitions/{partition}/records", 200);
  // In memory there is no upgrade, hence 426; the WebSocket itself: ws_tail_test.cc.
  step("GET", "/ws/topics/{topic}", 426);
  step("GET", "/ws/topics/{topic}", 400, {.query = {{"from", "middle"}}});

  step("POST", "/consumers/{group}", 200);
  step("POST", "/consumers/{group}", 409);  // the same name again
  step("POST", inst + "/subscription", 204);
  step("GET", inst + "/subscription", 200);
  step("GET", inst + "/assignments", 200);
  auto records = json::parse(step("GET", inst + "/records", 200).body, nullptr, false);
  EXPECT_EQ(records.size(), 5u) << "earliest: every record produced above";
  step("POST", inst + "/offsets", 204);
  step("POST", inst + "/positions", 204);

  step("PUT", exchange, 201);
  step("PUT", exchange, 200);  // idempotent with the same type
  step("PUT", queue, 201);
  step("PUT", queue, 200);  // idempotent with the same configuration
  step("POST", "/bindings", 201);
  step("GET", "/bindings", 200);
  auto direct = json::parse(step("POST", queue + "/messages", 201).body, nullptr, false);
  EXPECT_EQ(direct["queues"], json::array({"notify.email.high"})) << "the queue name is the routing key";
  auto routed = json::parse(step("POST", exchange + "/publish", 201).body, nullptr, false);
  EXPECT_EQ(routed["queues"], json::array({"notify.email.high"})) << "the binding's topic pattern matched";
  step("GET", queue + "/messages", 200);
  step("GET", queue, 200);
  step("GET", "/ws/queues/{queue}", 426);
  auto deliveries = json::parse(step("POST", queue + "/receive", 200).body, nullptr, false);
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0]["delivery_tag"], 1);
  step("POST", queue + "/ack", 204);
  step("POST", queue + "/nack", 204);
  step("POST", queue + "/reject", 409);  // tags 3 and 4 were never delivered
  step("GET", queue + "/dead", 200);
  step("GET", "/queues", 200);
  step("GET", "/exchanges", 200);
  step("GET", "/metrics", 200);

  step("DELETE", "/bindings", 204);
  step("POST", queue + "/purge", 200);
  step("DELETE", queue, 204);
  step("DELETE", queue, 404);
  step("GET", "/ws/queues/{queue}", 404);
  step("DELETE", exchange, 204);
  step("DELETE", inst + "/subscription", 204);
  step("DELETE", inst, 204);
  step("DELETE", admin_topic, 204);
  step("GET", topic, 404);

  const std::string key = "/idempotency/{key}";
  step("PUT", key, 201);
  step("PUT", key, 409);  // present
  step("GET", key, 200);
  step("DELETE", key, 204);
  step("GET", key, 404);
  step("DELETE", key, 404);
  step("PUT", key, 400, {.query = {{"ttl", "0"}}});

  step("GET", "/faults", 200);
  step("PUT", "/faults", 200, {.example = "produce_error"});
  step("PUT", "/faults", 400, {.example = "invalid"});
  step("POST", "/admin/topics", 201);
  auto injected = json::parse(step("POST", topic, 503, {.example = "plain"}).body, nullptr, false);
  EXPECT_EQ(injected["error"]["code"], "FAULT_INJECTED");
  auto realised = json::parse(step("GET", "/faults/schedule", 200).body, nullptr, false);
  EXPECT_EQ(realised.size(), 1u);
  step("PUT", "/faults/schedule", 200);
  step("DELETE", "/faults/schedule", 204);
  step("DELETE", "/faults", 204);
  step("POST", topic, 200, {.example = "plain"});  // no rules: no faults
  step("DELETE", admin_topic, 204);

  // Push subscriptions (in memory nothing is pushed: the DLQ and quarantine stay empty).
  const std::string sub = "/subscriptions/{name}";
  step("POST", "/subscriptions", 404, {.example = "topic"});  // the topic is gone
  step("POST", "/admin/topics", 201);
  step("POST", "/subscriptions", 400, {.example = "invalid"});
  auto created = json::parse(step("POST", "/subscriptions", 201, {.example = "topic"}).body, nullptr, false);
  EXPECT_EQ(created["group"], "billing-webhook") << "the group defaults to the name";
  EXPECT_EQ(created["running"], false);
  step("POST", "/subscriptions", 200, {.example = "topic"});  // the same definition again
  step("POST", "/subscriptions", 409, {.example = "other"});
  EXPECT_EQ(json::parse(step("GET", "/subscriptions", 200).body, nullptr, false).size(), 1u);
  step("GET", sub, 200);
  for (const std::string parked : {"/dlq", "/quarantine"}) {
    EXPECT_TRUE(json::parse(step("GET", sub + parked, 200).body, nullptr, false).empty());
    step("GET", sub + parked + "/{id}", 404);
    step("GET", sub + parked + "/{id}", 400, {.path = {{"id", "zero"}}});
    step("POST", sub + parked + "/redrive", 200, {.example = "by_code"});
    step("POST", sub + parked + "/redrive", 200, {.example = "all"});
    auto to_sub = json::parse(step("POST", sub + parked + "/redrive", 200, {.example = "to_subscription"}).body, nullptr, false);
    EXPECT_EQ(to_sub["to"], "subscription");
    step("POST", sub + parked + "/redrive", 400, {.example = "bad_target"});
    step("DELETE", sub + parked, 200);
    step("DELETE", sub + parked, 400, {.query = {{"id", "x"}}});
  }
  step("DELETE", sub, 204);
  step("DELETE", sub, 404);
  step("GET", sub + "/dlq", 404);
  step("DELETE", admin_topic, 204);

  run_registry_examples();

  std::string missed;
  for (const auto& op : documented_operations())
    if (!exercised_.contains(op)) missed += "\n  " + op.first + " " + op.second;
  EXPECT_TRUE(missed.empty()) << "documented operations no example exercises:" << missed;
}

// Every documented request media type is accepted (no 415), and an
// undocumented one is refused with 415 as documented.
TEST_F(OpenApiTest, DocumentedMediaTypesAreAccepted) {
  // The entities the examples name, so that routes get past their lookups.
  step("POST", "/admin/topics", 201);
  step("POST", "/consumers/{group}", 200);
  step("POST", "/consumers/{group}/instances/{instance}/subscription", 204);
  step("PUT", "/exchanges/{exchange}", 201);
  step("PUT", "/queues/{queue}", 201);
  step("POST", "/subjects/{subject}/versions", 200, {.example = "v1"});
  int checked = 0;
  for (const auto& [method, path] : documented_operations()) {
    const json& op = operation(method, path);
    if (!op.contains("requestBody")) continue;
    for (const auto& [type, media] : get(resolve(get(op, "requestBody")), "content").items()) {
      auto resp = call(method, path, {.content_type = type});
      EXPECT_NE(resp.status, 415) << method << " " << path << " refuses documented " << type << ": " << resp.body;
      expect_documented(method, path, resp);
      ++checked;
    }
    auto refused = call(method, path, {.content_type = "text/plain"});
    EXPECT_EQ(refused.status, 415) << method << " " << path << ": " << refused.body;
    expect_documented(method, path, refused);
  }
  EXPECT_GT(checked, 20);
}

}  // namespace
}  // namespace eventfabric::server
