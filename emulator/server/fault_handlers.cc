// Seeded fault injection, controlled live (in the spirit of LocalStack's chaos
// API and Toxiproxy's toxics): GET|PUT|DELETE /faults for the rules,
// GET|PUT|DELETE /faults/schedule for the realised schedule (PUT replays a
// saved one exactly). Rule and schedule formats: emulator/faults/README.md.
//
// In this server, produce_error rules on topics and queues act on the produce
// and publish routes; the delivery kinds act on push subscriptions
// (emulator/push) when the server has them. PUT answers any other rule with a
// warning so nobody mistakes an accepted rule for an active one.
#include <nlohmann/json.hpp>

#include "emulator/faults/engine.h"
#include "emulator/faults/rule.h"
#include "emulator/server/app.h"
#include "emulator/server/errors.h"
#include "emulator/server/handler_util.h"
#include "emulator/server/handlers.h"
#include "emulator/server/produce_faults.h"
#include "emulator/server/router.h"

namespace eventfabric::server {

namespace {

response disabled() { return error_response(404, core::errc::not_found, "this server has no fault engine"); }

response invalid(const core::error& e) {
  response r = error_response(e);
  if (r.status == 500) r = error_response(400, e.code, e.message, e.details);
  return r;
}

json rules_body(const faults::engine& e) {
  json j = json::parse(faults::to_json(faults::fault_config{e.seed(), e.rules()}));
  j["replaying"] = e.replaying();
  j["realised"] = e.realised().size();
  return j;
}

bool served_here(const faults::rule& r, bool push) {
  if (r.kind == faults::fault_kind::produce_error)
    return r.on == faults::target_type::topic || r.on == faults::target_type::queue;
  return push;
}

}  // namespace

std::optional<faults::fault> produce_fault(app& a, faults::target_type type, std::string_view name,
                                           std::string_view message_id) {
  auto* e = a.options().faults;
  if (!e) return std::nullopt;
  for (auto& f : e->decide_produce(type, name, message_id))
    if (f.kind == faults::fault_kind::produce_error) return f;
  return std::nullopt;
}

response produce_fault_response(const faults::fault& f, bool appended) {
  return error_response(503, "FAULT_INJECTED",
                        std::string("injected produce_error: a retriable failure; the records were ") +
                            (appended ? "appended anyway, so a retry duplicates them" : "not appended"),
                        {{"kind", "produce_error"},
                         {"position", std::to_string(f.position)},
                         {"appended", appended ? "true" : "false"}});
}

void add_fault_routes(router& r) {
  r.add("GET", "/faults", [](app& a, const request&, const path_params&) -> outcome {
    auto* e = a.options().faults;
    if (!e) return disabled();
    return json_response(200, rules_body(*e));
  });
  r.add("PUT", "/faults", [](app& a, const request& req, const path_params&) -> outcome {
    auto* e = a.options().faults;
    if (!e) return disabled();
    if (auto bad = require_content_type(req, {"application/json"})) return *bad;
    auto config = faults::config_from_json(req.body);
    if (!config) return invalid(config.error());
    // A new seed restarts the engine (positions count from 1 again).
    faults::engine next(config->seed.value_or(e->seed()), a.broker().clk());
    if (auto ok = next.set_rules(config->rules); !ok) return invalid(ok.error());
    if (config->seed || e->replaying()) *e = std::move(next);
    else if (auto ok = e->set_rules(std::move(config->rules)); !ok) return invalid(ok.error());
    json body = rules_body(*e);
    json warnings = json::array();
    for (std::size_t i = 0; i < e->rules().size(); ++i)
      if (!served_here(e->rules()[i], a.options().subscriptions != nullptr))
        warnings.push_back("rule " + std::to_string(i) + " (" + std::string(faults::kind_name(e->rules()[i].kind)) +
                           " on " + std::string(faults::target_type_name(e->rules()[i].on)) +
                           ") applies where the delivery engine runs (the harness, push subscriptions); this server "
                           "has no push subscriptions, or the kind does not act on that target");
    body["warnings"] = warnings;
    return json_response(200, body);
  });
  r.add("DELETE", "/faults", [](app& a, const request&, const path_params&) -> outcome {
    auto* e = a.options().faults;
    if (!e) return disabled();
    if (e->replaying()) *e = faults::engine(e->seed(), a.broker().clk());
    (void)e->set_rules({});
    return no_content();
  });
  r.add("GET", "/faults/schedule", [](app& a, const request&, const path_params&) -> outcome {
    auto* e = a.options().faults;
    if (!e) return disabled();
    response resp;
    resp.content_type = "application/json";
    resp.body = faults::to_json(e->realised());
    return resp;
  });
  r.add("PUT", "/faults/schedule", [](app& a, const request& req, const path_params&) -> outcome {
    auto* e = a.options().faults;
    if (!e) return disabled();
    if (auto bad = require_content_type(req, {"application/json"})) return *bad;
    auto s = faults::schedule_from_json(req.body);
    if (!s) return invalid(s.error());
    const std::size_t n = s->size();
    *e = faults::engine::replay(std::move(*s), a.broker().clk());
    return json_response(200, {{"replaying", true}, {"faults", n}});
  });
  r.add("DELETE", "/faults/schedule", [](app& a, const request&, const path_params&) -> outcome {
    auto* e = a.options().faults;
    if (!e) return disabled();
    e->clear_realised();
    return no_content();
  });
}

}  // namespace eventfabric::server
