// Confluent Schema Registry REST API (the subset Confluent clients use), for
// schemaType JSON. Errors answer in Confluent's shape {"error_code","message"}
// because Confluent clients parse it.
#include "emulator/schema/registry.h"
#include "emulator/server/app.h"
#include "emulator/server/handler_util.h"
#include "emulator/server/handlers.h"
#include "emulator/server/router.h"

namespace eventfabric::server {
namespace {

constexpr const char* kSr = "application/vnd.schemaregistry.v1+json";
constexpr std::string_view kSrTypes[] = {"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
                                         "application/json", "application/octet-stream"};

response sr_error(const core::error& e) {
  const auto code_text = e.detail("confluent_code");
  int code = code_text.empty() ? 50001 : std::atoi(std::string(code_text).c_str());
  if (code_text.empty()) {
    const int status = http_status(e.code);
    code = status == 404 ? 40401 : status == 422 ? 42201 : status * 100 + 1;
  }
  const int status = code >= 10000 ? code / 100 : code;
  return confluent_error(status, code, e.message);
}

response sr_json(const json& body) { return json_response(200, body, kSr); }

schema::registry* need(app& a) { return a.options().registry; }

response disabled() { return confluent_error(404, 40401, "the schema registry is not enabled on this server"); }

decoded<int32_t> parse_version(const std::string& text) {
  if (text == "latest" || text == "-1") return schema::kLatest;
  auto v = parse_int(text, "version", 1, INT32_MAX);
  if (std::holds_alternative<response>(v))
    return confluent_error(422, 42202,
                           "The specified version '" + text +
                               "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
  return static_cast<int32_t>(std::get<int64_t>(v));
}

// {"schema": "...", "schemaType": "JSON"} -> (schema text, type)
decoded<std::pair<std::string, std::string>> schema_body(const request& req) {
  if (auto bad = require_content_type(req, kSrTypes)) return *bad;
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return confluent_error(400, 400, "the body must be a JSON object");
  auto s = j.find("schema");
  if (s == j.end() || !s->is_string()) return confluent_error(422, 42201, "Invalid schema: field schema (a string) is required");
  std::string type = "JSON";
  if (auto t = j.find("schemaType"); t != j.end() && !t->is_null()) {
    if (!t->is_string()) return confluent_error(422, 42201, "Invalid schema: schemaType must be a string");
    type = t->get<std::string>();
  }
  return std::make_pair(s->get<std::string>(), type);
}

json registered_json(const schema::registered& r) {
  return {{"subject", r.subject}, {"version", r.version}, {"id", r.id}, {"schema", r.schema}, {"schemaType", r.schema_type}};
}

#define EF_NEED_REGISTRY(a)            \
  auto* reg = need(a);                 \
  if (!reg) return disabled();

outcome register_schema(app& a, const request& req, const path_params& p) {
  EF_NEED_REGISTRY(a)
  auto body = schema_body(req);
  if (auto* e = std::get_if<response>(&body)) return *e;
  auto& [text, type] = std::get<std::pair<std::string, std::string>>(body);
  auto r = reg->register_schema(p.at("subject"), text, type);
  if (!r) return sr_error(r.error());
  auto resp = sr_json({{"id", r->id}});
  resp.needs_sync = true;
  return resp;
}

outcome lookup(app& a, const request& req, const path_params& p) {
  EF_NEED_REGISTRY(a)
  auto body = schema_body(req);
  if (auto* e = std::get_if<response>(&body)) return *e;
  auto r = reg->lookup(p.at("subject"), std::get<std::pair<std::string, std::string>>(body).first,
                       req.param("deleted") == "true");
  if (!r) return sr_error(r.error());
  return sr_json(registered_json(*r));
}

outcome compatibility(app& a, const request& req, const path_params& p, bool one_version) {
  EF_NEED_REGISTRY(a)
  auto body = schema_body(req);
  if (auto* e = std::get_if<response>(&body)) return *e;
  std::optional<int32_t> version;
  if (one_version) {
    auto v = parse_version(p.at("version"));
    if (auto* e = std::get_if<response>(&v)) return *e;
    version = std::get<int32_t>(v);
  }
  auto r = reg->test(p.at("subject"), version, std::get<std::pair<std::string, std::string>>(body).first);
  if (!r) return sr_error(r.error());
  json changes = json::array();
  for (const auto& c : r->changes) changes.push_back(c.to_string());
  return sr_json({{"is_compatible", r->compatible}, {"messages", r->messages}, {"changes", changes}});
}

outcome get_version(app& a, const request& req, const path_params& p, bool schema_only) {
  EF_NEED_REGISTRY(a)
  auto v = parse_version(p.at("version"));
  if (auto* e = std::get_if<response>(&v)) return *e;
  auto r = reg->get(p.at("subject"), std::get<int32_t>(v), req.param("deleted") == "true");
  if (!r) return sr_error(r.error());
  if (schema_only) return json_response(200, json::parse(r->schema), kSr);
  return sr_json(registered_json(*r));
}

outcome config(app& a, const request& req, const path_params& p, const std::string& method) {
  EF_NEED_REGISTRY(a)
  const bool global = !p.contains("subject");
  if (method == "GET") {
    auto level = global ? core::result<schema::compat_mode>(reg->global_level())
                        : reg->subject_level(p.at("subject"), req.param("defaultToGlobal") == "true");
    if (!level) return sr_error(level.error());
    return sr_json({{"compatibilityLevel", schema::to_string(*level)}});
  }
  if (method == "DELETE") {
    auto level = reg->subject_level(p.at("subject"), false);
    if (!level) return sr_error(level.error());
    (void)reg->delete_subject_level(p.at("subject"));
    auto resp = sr_json({{"compatibilityLevel", schema::to_string(*level)}});
    resp.needs_sync = true;
    return resp;
  }
  if (auto bad = require_content_type(req, kSrTypes)) return *bad;
  json j = json::parse(req.body, nullptr, false);
  auto mode = j.is_object() && j.contains("compatibility") && j["compatibility"].is_string()
                  ? schema::parse_compat_mode(j["compatibility"].get<std::string>())
                  : std::nullopt;
  if (!mode) return confluent_error(422, 42203, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");
  if (global)
    reg->set_global_level(*mode);
  else
    reg->set_subject_level(p.at("subject"), *mode);
  auto resp = sr_json({{"compatibility", schema::to_string(*mode)}});
  resp.needs_sync = true;
  return resp;
}

}  // namespace

void add_registry_routes(router& r) {
  r.add("GET", "/schemas/types", [](app&, const request&, const path_params&) -> outcome { return sr_json({"JSON"}); });
  r.add("GET", "/subjects", [](app& a, const request& req, const path_params&) -> outcome {
    EF_NEED_REGISTRY(a)
    return sr_json(reg->subjects(req.param("deleted") == "true"));
  });
  r.add("POST", "/subjects/{subject}/versions", register_schema);
  r.add("POST", "/subjects/{subject}", lookup);
  r.add("GET", "/subjects/{subject}/versions", [](app& a, const request& req, const path_params& p) -> outcome {
    EF_NEED_REGISTRY(a)
    auto v = reg->versions(p.at("subject"), req.param("deleted") == "true");
    if (!v) return sr_error(v.error());
    return sr_json(*v);
  });
  r.add("GET", "/subjects/{subject}/versions/{version}",
        [](app& a, const request& req, const path_params& p) { return get_version(a, req, p, false); });
  r.add("GET", "/subjects/{subject}/versions/{version}/schema",
        [](app& a, const request& req, const path_params& p) { return get_version(a, req, p, true); });
  r.add("GET", "/schemas/ids/{id}", [](app& a, const request&, const path_params& p) -> outcome {
    EF_NEED_REGISTRY(a)
    auto id = parse_int(p.at("id"), "id", 1, INT32_MAX);
    if (std::holds_alternative<response>(id)) return confluent_error(404, 40403, "Schema " + p.at("id") + " not found");
    auto s = reg->by_id(static_cast<int32_t>(std::get<int64_t>(id)));
    if (!s) return sr_error(s.error());
    return sr_json({{"schema", s->schema}, {"schemaType", s->schema_type}});
  });
  r.add("GET", "/schemas/ids/{id}/versions", [](app& a, const request&, const path_params& p) -> outcome {
    EF_NEED_REGISTRY(a)
    auto id = parse_int(p.at("id"), "id", 1, INT32_MAX);
    if (std::holds_alternative<response>(id)) return confluent_error(404, 40403, "Schema " + p.at("id") + " not found");
    const auto n = static_cast<int32_t>(std::get<int64_t>(id));
    if (!reg->by_id(n)) return confluent_error(404, 40403, "Schema " + p.at("id") + " not found");
    json out = json::array();
    for (const auto& [s, v] : reg->usages(n)) out.push_back({{"subject", s}, {"version", v}});
    return sr_json(out);
  });
  r.add("POST", "/compatibility/subjects/{subject}/versions/{version}",
        [](app& a, const request& req, const path_params& p) { return compatibility(a, req, p, true); });
  r.add("POST", "/compatibility/subjects/{subject}/versions",
        [](app& a, const request& req, const path_params& p) { return compatibility(a, req, p, false); });
  for (const char* m : {"GET", "PUT"}) {
    r.add(m, "/config", [m = std::string(m)](app& a, const request& req, const path_params& p) { return config(a, req, p, m); });
  }
  for (const char* m : {"GET", "PUT", "DELETE"}) {
    r.add(m, "/config/{subject}",
          [m = std::string(m)](app& a, const request& req, const path_params& p) { return config(a, req, p, m); });
  }
  r.add("DELETE", "/subjects/{subject}", [](app& a, const request& req, const path_params& p) -> outcome {
    EF_NEED_REGISTRY(a)
    auto v = reg->delete_subject(p.at("subject"), req.param("permanent") == "true");
    if (!v) return sr_error(v.error());
    auto resp = sr_json(*v);
    resp.needs_sync = true;
    return resp;
  });
  r.add("DELETE", "/subjects/{subject}/versions/{version}", [](app& a, const request& req, const path_params& p) -> outcome {
    EF_NEED_REGISTRY(a)
    auto v = parse_version(p.at("version"));
    if (auto* e = std::get_if<response>(&v)) return *e;
    auto d = reg->delete_version(p.at("subject"), std::get<int32_t>(v), req.param("permanent") == "true");
    if (!d) return sr_error(d.error());
    auto resp = sr_json(*d);
    resp.needs_sync = true;
    return resp;
  });
}

}  // namespace eventfabric::server
