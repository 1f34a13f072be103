// Push subscriptions over HTTP (our own JSON, error-contract errors):
//   POST /subscriptions, GET /subscriptions, GET|DELETE /subscriptions/{name}
//   GET    /subscriptions/{name}/dlq            (and /quarantine) list with error context
//   GET    /subscriptions/{name}/dlq/{id}
//   POST   /subscriptions/{name}/dlq/redrive    body filter {id, type, error_code}; empty = all;
//                                                 "to": "source" (default: republish) or "subscription"
//   DELETE /subscriptions/{name}/dlq            purge, the same filter as query parameters (or body)
// The definition format is push::parse_definition's (emulator/push/definition.h).
#include "emulator/push/manager.h"
#include "emulator/push/redrive.h"
#include "emulator/server/app.h"
#include "emulator/server/errors.h"
#include "emulator/server/handler_util.h"
#include "emulator/server/handlers.h"
#include "emulator/server/router.h"

namespace eventfabric::server {

namespace {

using delivery::parking;

response disabled() { return error_response(404, core::errc::not_found, "this server has no push subscriptions"); }

response unknown(const std::string& name) {
  return error_response(404, core::errc::not_found, "unknown subscription '" + name + "'", {{"subscription", name}});
}

json stats_json(const delivery::subscription_stats& s) {
  return {{"attempts", s.attempts},   {"processed", s.processed},     {"retries", s.retries},
          {"dead_lettered", s.dead_lettered}, {"quarantined", s.quarantined}, {"redelivered", s.redelivered},
          {"redriven", s.redriven},   {"injected", s.injected}};
}

json subscription_json(const push::live& l, bool running) {
  json j = json::parse(push::to_json(l.def));
  j["running"] = running && l.src != nullptr;
  j["source_error"] = l.source_error.empty() ? json(nullptr) : json(l.source_error);
  j["waiting"] = l.sub.waiting();
  j["in_flight"] = l.sub.in_flight();
  j["dlq"] = l.sub.list(parking::dlq).size();
  j["quarantine"] = l.sub.list(parking::quarantine).size();
  j["stats"] = stats_json(l.sub.stats());
  return j;
}

json parked_json(const delivery::parked_message& p) {
  const auto& m = p.msg;
  json source = m.kind == delivery::source_kind::topic
                    ? json{{"topic", m.source}, {"partition", m.partition}, {"offset", m.offset}}
                    : json{{"queue", m.source}, {"message_id", m.queue_id}};
  json headers = json::object();
  for (const auto& h : p.headers) headers[h.key] = h.value;
  json body = json::parse(m.body, nullptr, false);
  if (body.is_discarded()) body = m.body;
  return {{"id", p.id},
          {"reason", std::string(delivery::park_reason_name(p.reason))},
          {"why", p.why},
          {"event_id", m.envelope_id},
          {"type", m.type},
          {"source", std::move(source)},
          {"attempts", p.attempts},
          {"crashes", p.crashes},
          {"last_status", p.last_status},
          {"error", json::parse(delivery::to_error_contract(p.last_error))["error"]},
          {"response_body", p.response_body},
          {"headers", std::move(headers)},
          {"first_failure_ms", p.first_failure_ms},
          {"last_failure_ms", p.last_failure_ms},
          {"parked_ms", p.parked_ms},
          {"message", std::move(body)}};
}

// What a redrive or purge acts on, and (redrive only) where it sends it.
struct selection {
  delivery::redrive_filter filter;
  push::redrive_target to = push::redrive_target::source;
};

response bad_target(const std::string& value) {
  return error_response(400, core::errc::invalid_argument,
                        "to must be \"source\" (republish to the topic or queue) or \"subscription\" (push again to "
                        "this subscription only), not \"" + value + "\"",
                        {{"field", "to"}});
}

// The filter of a redrive or purge: JSON body {"id", "type", "error_code"}
// (all optional; empty = everything), or the same as query parameters; a
// redrive also takes "to" ("source", the default, or "subscription").
decoded<selection> selection_of(const request& req, bool redrive) {
  selection sel;
  delivery::redrive_filter& f = sel.filter;
  if (auto id = req.param("id"); !id.empty()) {
    auto n = parse_int(id, "id", 1);
    if (auto* err = std::get_if<response>(&n)) return *err;
    f.id = static_cast<uint64_t>(std::get<int64_t>(n));
  }
  if (auto t = req.param("type"); !t.empty()) f.type = std::string(t);
  if (auto c = req.param("error_code"); !c.empty()) f.error_code = std::string(c);
  if (auto to = req.param("to"); redrive && !to.empty()) {
    auto t = push::parse_redrive_target(to);
    if (!t) return bad_target(std::string(to));
    sel.to = *t;
  }
  if (req.body.empty()) return sel;
  if (auto bad = require_content_type(req, {"application/json"})) return *bad;
  auto body = parse_json_body(req);
  if (auto* err = std::get_if<response>(&body)) return *err;
  const json& j = std::get<json>(body);
  if (!j.is_object()) return error_response(400, core::errc::invalid_argument, "the filter must be a JSON object");
  for (const auto& [k, v] : j.items())
    if (k != "id" && k != "type" && k != "error_code" && (!redrive || k != "to"))
      return error_response(400, core::errc::invalid_argument,
                            "unknown field '" + k + (redrive ? "' (id, type, error_code, to)" : "' (id, type, error_code)"),
                            {{"field", k}});
  if (j.contains("to")) {
    if (!j["to"].is_string()) return bad_target(j["to"].dump());
    auto t = push::parse_redrive_target(j["to"].get<std::string>());
    if (!t) return bad_target(j["to"].get<std::string>());
    sel.to = *t;
  }
  auto id = int_field(j, "id", 1, INT64_MAX);
  if (auto* err = std::get_if<response>(&id)) return *err;
  if (auto v = std::get<std::optional<int64_t>>(id)) f.id = static_cast<uint64_t>(*v);
  for (const char* field : {"type", "error_code"}) {
    auto s = string_field(j, field, false);
    if (auto* err = std::get_if<response>(&s)) return *err;
    if (j.contains(field)) (std::string_view(field) == "type" ? f.type : f.error_code) = std::get<std::string>(s);
  }
  return sel;
}

// The subscription named in the path, or the response to send.
decoded<push::live*> lookup(app& a, const path_params& p) {
  auto* m = a.options().subscriptions;
  if (!m) return disabled();
  auto* l = m->find(p.at("name"));
  if (!l) return unknown(p.at("name"));
  return l;
}

void add_parking_routes(router& r, const std::string& base, parking where) {
  const std::string what = where == parking::dlq ? "DLQ" : "quarantine";
  r.add("GET", base, [where](app& a, const request&, const path_params& p) -> outcome {
    auto l = lookup(a, p);
    if (auto* err = std::get_if<response>(&l)) return *err;
    json out = json::array();
    for (const auto& e : std::get<push::live*>(l)->sub.list(where)) out.push_back(parked_json(e));
    return json_response(200, out);
  });
  r.add("GET", base + "/{id}", [where, what](app& a, const request&, const path_params& p) -> outcome {
    auto l = lookup(a, p);
    if (auto* err = std::get_if<response>(&l)) return *err;
    auto id = parse_int(p.at("id"), "id", 1);
    if (auto* err = std::get_if<response>(&id)) return *err;
    const auto* e = std::get<push::live*>(l)->sub.find(where, static_cast<uint64_t>(std::get<int64_t>(id)));
    if (!e)
      return error_response(404, core::errc::not_found, "no entry " + p.at("id") + " in the " + what + " of '" +
                                                            p.at("name") + "'", {{"id", p.at("id")}});
    return json_response(200, parked_json(*e));
  });
  r.add("POST", base + "/redrive", [where](app& a, const request& req, const path_params& p) -> outcome {
    auto sel = selection_of(req, true);
    if (auto* err = std::get_if<response>(&sel)) return *err;
    auto l = lookup(a, p);
    if (auto* err = std::get_if<response>(&l)) return *err;
    const auto& [filter, to] = std::get<selection>(sel);
    auto moved = push::redrive(a.broker(), *std::get<push::live*>(l), where, filter, to);
    // Republished records / messages and erased entries are staged: commit
    // them (also after a partial failure) before answering.
    if (to == push::redrive_target::source) a.data_arrived();
    a.options().subscriptions->wake();
    if (!moved) {
      auto resp = error_response(moved.error());
      resp.needs_sync = true;
      return resp;
    }
    json ids = json::array();
    for (const auto& m : *moved) ids.push_back(m.envelope_id);
    auto resp = json_response(200, {{"redriven", moved->size()},
                                    {"to", to == push::redrive_target::source ? "source" : "subscription"},
                                    {"event_ids", ids}});
    resp.needs_sync = true;
    return resp;
  });
  r.add("DELETE", base, [where](app& a, const request& req, const path_params& p) -> outcome {
    auto sel = selection_of(req, false);
    if (auto* err = std::get_if<response>(&sel)) return *err;
    auto l = lookup(a, p);
    if (auto* err = std::get_if<response>(&l)) return *err;
    const auto n = std::get<push::live*>(l)->sub.purge(where, std::get<selection>(sel).filter);
    auto resp = json_response(200, {{"purged", n}});
    resp.needs_sync = true;  // the erased entries
    return resp;
  });
}

}  // namespace

void add_subscription_routes(router& r) {
  r.add("POST", "/subscriptions", [](app& a, const request& req, const path_params&) -> outcome {
    auto* m = a.options().subscriptions;
    if (!m) return disabled();
    if (auto bad = require_content_type(req, {"application/json"})) return *bad;
    auto body = parse_json_body(req);
    if (auto* err = std::get_if<response>(&body)) return *err;
    auto def = push::parse_definition(req.body);
    if (!def) return error_response(def.error());
    auto created = m->create(*def);
    if (!created) return error_response(created.error());
    auto resp = json_response(*created ? 201 : 200, subscription_json(*m->find(def->name), m->started()));
    resp.needs_sync = *created;
    return resp;
  });
  r.add("GET", "/subscriptions", [](app& a, const request&, const path_params&) -> outcome {
    auto* m = a.options().subscriptions;
    if (!m) return disabled();
    json out = json::array();
    for (const auto& n : m->names()) out.push_back(subscription_json(*m->find(n), m->started()));
    return json_response(200, out);
  });
  r.add("GET", "/subscriptions/{name}", [](app& a, const request&, const path_params& p) -> outcome {
    auto l = lookup(a, p);
    if (auto* err = std::get_if<response>(&l)) return *err;
    return json_response(200, subscription_json(*std::get<push::live*>(l), a.options().subscriptions->started()));
  });
  r.add("DELETE", "/subscriptions/{name}", [](app& a, const request&, const path_params& p) -> outcome {
    auto* m = a.options().subscriptions;
    if (!m) return disabled();
    if (auto ok = m->remove(p.at("name")); !ok) return error_response(ok.error());
    auto resp = no_content();
    resp.needs_sync = true;
    return resp;
  });
  add_parking_routes(r, "/subscriptions/{name}/dlq", parking::dlq);
  add_parking_routes(r, "/subscriptions/{name}/quarantine", parking::quarantine);
}

}  // namespace eventfabric::server
