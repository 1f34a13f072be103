// Queues and exchanges (RabbitMQ model) over HTTP. Routes:
//   GET /queues, PUT|GET|DELETE /queues/{queue}, POST /queues/{queue}/purge
//   POST /queues/{queue}/messages (publish via the default exchange)
//   GET /queues/{queue}/messages?max=N&after=ID[&held=all] (peek), GET /queues/{queue}/dead?max=N
//   POST /queues/{queue}/receive (long poll, lease), /ack, /nack, /reject
//   GET /exchanges, PUT|DELETE /exchanges/{exchange}, POST /exchanges/{exchange}/publish
//   GET|POST|DELETE /bindings
#include <algorithm>
#include <memory>
#include <utility>

#include "emulator/core/envelope.h"
#include "emulator/server/app.h"
#include "emulator/server/declare.h"
#include "emulator/server/handler_util.h"
#include "emulator/server/handlers.h"
#include "emulator/server/produce_faults.h"
#include "emulator/server/record_text.h"
#include "emulator/server/router.h"

namespace eventfabric::server {
namespace {

std::string messages_text(const std::vector<core::message>& msgs) {
  std::string body;
  core::json_writer w(body);
  w.begin_array();
  for (const auto& m : msgs) write_message(w, m);
  w.end_array();
  return body;
}

// The live, non-consuming tail of a queue: every message enqueued after the
// tail began (or, from the beginning, every message held), in id order, while
// the queue still holds it when the tail looks (right after each publish).
struct queue_tail {
  std::string queue;
  uint64_t after = 0;      // the last id sent
  uint64_t live_from = 0;  // the last id assigned when the tail began
};

live_batch tail_next(app& a, queue_tail& t, std::size_t max) {
  live_batch out;
  const auto& queues = std::as_const(a.broker().queues());
  auto got = queues.since(t.queue, t.after, max);
  if (!got) {
    out.end = "queue " + t.queue + " was deleted";
    return out;
  }
  for (const auto& m : got->first) {
    std::string frame;
    core::json_writer w(frame);
    w.begin_object();
    write_message_members(w, m);
    w.key("queue").string(t.queue).end_object();
    out.frames.push_back(std::move(frame));
    t.after = m.id;
  }
  if (auto owed = queues.since(t.queue, std::max(t.after, t.live_from), 0)) out.behind = owed->second;
  return out;
}

outcome tail_queue(app& a, const request& req, const path_params& p) {
  if (auto c = a.broker().queues().queue_info(p.at("queue")); !c) return error_response(c.error());
  auto beginning = from_beginning(req);
  if (auto* e = std::get_if<response>(&beginning)) return *e;
  if (auto bad = require_websocket(req)) return *bad;
  auto t = std::make_shared<queue_tail>();
  t->queue = p.at("queue");
  t->live_from = a.broker().queues().next_message_id() - 1;
  t->after = std::get<bool>(beginning) ? 0 : t->live_from;
  return live_stream{[&a, t](std::size_t max) { return tail_next(a, *t, max); }};
}

decoded<json> object_body(const request& req) {
  if (auto bad = require_content_type(req, {"application/json"})) return *bad;
  auto body = parse_json_body(req);
  if (auto* err = std::get_if<response>(&body)) return *err;
  if (!std::get<json>(body).is_object())
    return error_response(400, core::errc::invalid_argument, "the body must be a JSON object");
  return body;
}

decoded<core::publish_request> decode_publish(const json& j, std::string exchange, std::string routing_key,
                                              bool routing_key_from_body) {
  core::publish_request p;
  p.exchange = std::move(exchange);
  p.routing_key = std::move(routing_key);
  auto body = j.find("body");
  if (body == j.end()) return error_response(400, core::errc::invalid_argument, "missing field body", {{"field", "body"}});
  p.body = body->is_string() ? body->get<std::string>() : body->dump();
  if (looks_like_envelope(*body)) {
    auto check = core::check_parsed_envelope(*body);
    if (!check.ok()) return error_response(core::to_error(check.violations));
    if (p.message_id.empty()) p.message_id = check.value->id;
  }
  if (auto rk = j.find("routing_key"); routing_key_from_body && rk != j.end() && !rk->is_null()) {
    if (!rk->is_string())
      return error_response(400, core::errc::invalid_argument, "routing_key must be a string", {{"field", "routing_key"}});
    p.routing_key = rk->get<std::string>();
  }
  auto prio = int_field(j, "priority", 0, 255);
  if (auto* e = std::get_if<response>(&prio)) return *e;
  p.priority = static_cast<uint8_t>(std::get<std::optional<int64_t>>(prio).value_or(0));
  auto exp = int_field(j, "expiration_ms", 0, INT64_MAX);
  if (auto* e = std::get_if<response>(&exp)) return *e;
  p.expiration_ms = std::get<std::optional<int64_t>>(exp);
  if (auto mid = j.find("message_id"); mid != j.end() && mid->is_string()) p.message_id = mid->get<std::string>();
  if (auto h = j.find("headers"); h != j.end() && h->is_object())
    for (const auto& [k, v] : h->items()) p.headers.push_back({k, v.is_string() ? v.get<std::string>() : v.dump()});
  auto mandatory = bool_field(j, "mandatory", false);
  if (auto* e = std::get_if<response>(&mandatory)) return *e;
  p.mandatory = std::get<bool>(mandatory);
  return p;
}

// To a queue (default exchange, routing key = the queue) or to an exchange
// (routing key from the body).
outcome publish(app& a, const request& req, std::string exchange, std::string routing_key) {
  auto body = object_body(req);
  if (auto* err = std::get_if<response>(&body)) return *err;
  const bool to_exchange = !exchange.empty();
  auto pub = decode_publish(std::get<json>(body), std::move(exchange), std::move(routing_key), to_exchange);
  if (auto* err = std::get_if<response>(&pub)) return *err;
  const auto& preq = std::get<core::publish_request>(pub);
  // produce_error: queue rules match the queue (default exchange) or the exchange name.
  const auto injected =
      produce_fault(a, faults::target_type::queue, to_exchange ? preq.exchange : preq.routing_key, preq.message_id);
  if (injected && !injected->params.after_append) return produce_fault_response(*injected, false);
  auto res = a.broker().queues().publish(preq);
  if (!res) {
    auto resp = error_response(res.error());
    resp.needs_sync = res.error().code == core::errc::rejected;  // it may have reached other queues
    return resp;
  }
  for (const auto& q : res->queues) a.metrics().count("eventfabric_published_total", {{"queue", q}});
  a.data_arrived();
  auto resp = injected ? produce_fault_response(*injected, true) : json_response(201, {{"queues", res->queues}});
  resp.needs_sync = true;
  return resp;
}

outcome receive(app& a, const request& req, const path_params& p) {
  json j = json::object();
  if (!req.body.empty()) {
    auto body = object_body(req);
    if (auto* err = std::get_if<response>(&body)) return *err;
    j = std::get<json>(body);
  }
  auto max = int_field(j, "max", 1, 10'000);
  if (auto* e = std::get_if<response>(&max)) return *e;
  auto lease = int_field(j, "lease_ms", 0, 86'400'000);
  if (auto* e = std::get_if<response>(&lease)) return *e;
  auto timeout = int_field(j, "timeout_ms", 0, 60'000);
  if (auto* e = std::get_if<response>(&timeout)) return *e;
  auto consumer = string_field(j, "consumer", false);
  if (auto* e = std::get_if<response>(&consumer)) return *e;
  const std::string queue = p.at("queue");
  const std::string tag = std::get<std::string>(consumer).empty() ? "http" : std::get<std::string>(consumer);
  const auto n = static_cast<std::size_t>(std::get<std::optional<int64_t>>(max).value_or(1));
  const int64_t lease_ms = std::get<std::optional<int64_t>>(lease).value_or(30'000);
  auto poll = [&a, queue, tag, n, lease_ms](bool final) -> std::optional<response> {
    auto got = a.broker().queues().receive(queue, tag, n, lease_ms);
    if (!got) return error_response(got.error());
    if (got->empty() && !final) return std::nullopt;
    std::string out;
    core::json_writer w(out);
    w.begin_array();
    for (const auto& d : *got) {
      w.begin_object().key("delivery_count").number(d.delivery_count).key("delivery_tag").number(d.delivery_tag);
      w.key("message");
      write_message(w, d.msg);
      w.key("queue").string(d.queue).key("redelivered").boolean(d.redelivered).end_object();
      a.metrics().count("eventfabric_consumed_total", {{"queue", queue}});
    }
    w.end_array();
    auto resp = json_text_response(200, std::move(out));
    resp.needs_sync = !got->empty();
    return resp;
  };
  const int64_t wait = std::get<std::optional<int64_t>>(timeout).value_or(0);
  if (auto first = poll(wait == 0)) return *first;
  return pending{poll, std::chrono::milliseconds(wait)};
}

outcome settle(app& a, const request& req, const path_params& p, const std::string& how) {
  auto body = object_body(req);
  if (auto* err = std::get_if<response>(&body)) return *err;
  const json& j = std::get<json>(body);
  std::vector<uint64_t> tags;
  if (auto t = j.find("delivery_tag"); t != j.end() && t->is_number_unsigned()) tags.push_back(t->get<uint64_t>());
  if (auto ts = j.find("delivery_tags"); ts != j.end() && ts->is_array())
    for (const auto& t : *ts)
      if (t.is_number_unsigned()) tags.push_back(t.get<uint64_t>());
  if (tags.empty())
    return error_response(400, core::errc::invalid_argument, "delivery_tag (or delivery_tags) is required",
                          {{"field", "delivery_tag"}});
  // nack requeues unless told otherwise; reject dead-letters unless told otherwise (basic.reject).
  auto requeue = bool_field(j, "requeue", how == "nack");
  if (auto* e = std::get_if<response>(&requeue)) return *e;
  for (uint64_t tag : tags) {
    auto ok = how == "ack" ? a.broker().queues().ack(p.at("queue"), tag)
                           : a.broker().queues().nack(p.at("queue"), tag, std::get<bool>(requeue));
    if (!ok) {
      auto resp = error_response(ok.error());
      resp.needs_sync = true;  // earlier tags of the list were settled
      return resp;
    }
  }
  a.data_arrived();  // a requeue may wake receivers
  auto resp = no_content();
  resp.needs_sync = true;
  return resp;
}

json queue_json(app& a, const std::string& name) {
  auto s = a.broker().queues().stats(name);
  auto c = a.broker().queues().queue_info(name);
  json out = {{"name", name}, {"ready", s->ready}, {"unacked", s->unacked}, {"dead", s->dead}};
  if (c->message_ttl_ms) out["message_ttl_ms"] = *c->message_ttl_ms;
  if (c->max_length) out["max_length"] = *c->max_length;
  out["overflow"] = c->overflow == core::overflow_policy::reject_publish ? "reject-publish" : "drop-head";
  if (c->max_priority) out["max_priority"] = *c->max_priority;
  if (c->delivery_limit) out["delivery_limit"] = *c->delivery_limit;
  if (!c->dead_letter_exchange.empty()) out["dead_letter_exchange"] = c->dead_letter_exchange;
  if (c->dead_letter_routing_key) out["dead_letter_routing_key"] = *c->dead_letter_routing_key;
  return out;
}

const char* type_name(core::exchange_type t) {
  return t == core::exchange_type::topic ? "topic" : t == core::exchange_type::fanout ? "fanout" : "direct";
}

}  // namespace

void add_queue_routes(router& r) {
  r.add("GET", "/queues", [](app& a, const request&, const path_params&) -> outcome {
    json out = json::array();
    for (const auto& q : a.broker().queues().list_queues()) out.push_back(queue_json(a, q));
    return json_response(200, out);
  });
  r.add("PUT", "/queues/{queue}", [](app& a, const request& req, const path_params& p) -> outcome {
    json j = json::object();
    if (!req.body.empty()) {
      auto body = object_body(req);
      if (auto* err = std::get_if<response>(&body)) return *err;
      j = std::get<json>(body);
    }
    auto cfg = decode_queue(j, p.at("queue"));
    if (!cfg) return error_response(cfg.error());
    const bool existed = a.broker().queues().queue_info(p.at("queue")).has_value();
    if (auto ok = a.broker().queues().declare_queue(*cfg); !ok) return error_response(ok.error());
    auto resp = json_response(existed ? 200 : 201, queue_json(a, p.at("queue")));
    resp.needs_sync = !existed;
    return resp;
  });
  r.add("GET", "/queues/{queue}", [](app& a, const request&, const path_params& p) -> outcome {
    if (auto c = a.broker().queues().queue_info(p.at("queue")); !c) return error_response(c.error());
    return json_response(200, queue_json(a, p.at("queue")));
  });
  r.add("DELETE", "/queues/{queue}", [](app& a, const request&, const path_params& p) -> outcome {
    if (auto ok = a.broker().queues().delete_queue(p.at("queue")); !ok) return error_response(ok.error());
    auto resp = no_content();
    resp.needs_sync = true;
    return resp;
  });
  r.add("POST", "/queues/{queue}/purge", [](app& a, const request&, const path_params& p) -> outcome {
    auto n = a.broker().queues().purge(p.at("queue"));
    if (!n) return error_response(n.error());
    auto resp = json_response(200, {{"purged", *n}});
    resp.needs_sync = true;
    return resp;
  });
  r.add("POST", "/queues/{queue}/messages", [](app& a, const request& req, const path_params& p) -> outcome {
    if (auto c = a.broker().queues().queue_info(p.at("queue")); !c) return error_response(c.error());
    return publish(a, req, "", p.at("queue"));
  });
  r.add("GET", "/queues/{queue}/messages", [](app& a, const request& req, const path_params& p) -> outcome {
    auto max = parse_int(req.param("max", "100"), "max", 1, 10'000);
    if (auto* e = std::get_if<response>(&max)) return *e;
    auto after = parse_int(req.param("after", "0"), "after", 0);
    if (auto* e = std::get_if<response>(&after)) return *e;
    const auto n = static_cast<std::size_t>(std::get<int64_t>(max));
    const auto above = static_cast<uint64_t>(std::get<int64_t>(after));
    const std::string_view held = req.param("held", "ready");
    if (held == "all") {  // ready, unacked and dead, in id order: what `record` pages through
      auto got = std::as_const(a.broker().queues()).since(p.at("queue"), above, n);
      if (!got) return error_response(got.error());
      return json_text_response(200, messages_text(got->first));
    }
    if (held != "ready")
      return error_response(core::error{core::errc::invalid_argument,
                                        "held must be \"ready\" (the default) or \"all\"", {{"field", "held"}}});
    auto msgs = a.broker().queues().peek(p.at("queue"), n, above);
    if (!msgs) return error_response(msgs.error());
    return json_text_response(200, messages_text(*msgs));
  });
  r.add("GET", "/queues/{queue}/dead", [](app& a, const request& req, const path_params& p) -> outcome {
    auto max = parse_int(req.param("max", "100"), "max", 1, 10'000);
    if (auto* e = std::get_if<response>(&max)) return *e;
    auto msgs = a.broker().queues().dead_letters(p.at("queue"), static_cast<std::size_t>(std::get<int64_t>(max)));
    if (!msgs) return error_response(msgs.error());
    return json_text_response(200, messages_text(*msgs));
  });
  r.add("POST", "/queues/{queue}/receive", receive);
  r.add("GET", "/ws/queues/{queue}", tail_queue);
  r.add("POST", "/queues/{queue}/ack", [](app& a, const request& req, const path_params& p) { return settle(a, req, p, "ack"); });
  r.add("POST", "/queues/{queue}/nack", [](app& a, const request& req, const path_params& p) { return settle(a, req, p, "nack"); });
  r.add("POST", "/queues/{queue}/reject", [](app& a, const request& req, const path_params& p) { return settle(a, req, p, "reject"); });
  r.add("GET", "/exchanges", [](app& a, const request&, const path_params&) -> outcome {
    json out = json::array();
    for (const auto& e : a.broker().queues().list_exchanges()) out.push_back({{"name", e.name}, {"type", type_name(e.type)}});
    return json_response(200, out);
  });
  r.add("PUT", "/exchanges/{exchange}", [](app& a, const request& req, const path_params& p) -> outcome {
    auto body = object_body(req);
    if (auto* err = std::get_if<response>(&body)) return *err;
    auto decoded_cfg = decode_exchange(std::get<json>(body), p.at("exchange"));
    if (!decoded_cfg) return error_response(decoded_cfg.error());
    const core::exchange_config& c = *decoded_cfg;
    bool existed = false;
    for (const auto& e : a.broker().queues().list_exchanges()) existed = existed || e.name == c.name;
    if (auto ok = a.broker().queues().declare_exchange(c); !ok) return error_response(ok.error());
    auto resp = json_response(existed ? 200 : 201, {{"name", c.name}, {"type", type_name(c.type)}});
    resp.needs_sync = !existed;
    return resp;
  });
  r.add("DELETE", "/exchanges/{exchange}", [](app& a, const request&, const path_params& p) -> outcome {
    if (auto ok = a.broker().queues().delete_exchange(p.at("exchange")); !ok) return error_response(ok.error());
    auto resp = no_content();
    resp.needs_sync = true;
    return resp;
  });
  r.add("POST", "/exchanges/{exchange}/publish", [](app& a, const request& req, const path_params& p) -> outcome {
    return publish(a, req, p.at("exchange"), "");
  });
  r.add("GET", "/bindings", [](app& a, const request&, const path_params&) -> outcome {
    json out = json::array();
    for (const auto& b : a.broker().queues().list_bindings())
      out.push_back({{"exchange", b.exchange}, {"queue", b.queue}, {"routing_key", b.routing_key}});
    return json_response(200, out);
  });
  for (const char* method : {"POST", "DELETE"}) {
    r.add(method, "/bindings", [method = std::string(method)](app& a, const request& req, const path_params&) -> outcome {
      auto body = object_body(req);
      if (auto* err = std::get_if<response>(&body)) return *err;
      const json& j = std::get<json>(body);
      auto decoded_binding = decode_binding(j);
      if (!decoded_binding) return error_response(decoded_binding.error());
      const core::binding& b = *decoded_binding;
      auto ok = method == "POST" ? a.broker().queues().bind(b) : a.broker().queues().unbind(b);
      if (!ok) return error_response(ok.error());
      auto resp = method == "POST" ? json_response(201, j) : no_content();
      resp.needs_sync = true;
      return resp;
    });
  }
}

}  // namespace eventfabric::server
