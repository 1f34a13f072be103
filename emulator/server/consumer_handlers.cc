// Confluent REST Proxy v2 consumer instances:
//   POST   /consumers/{group}                                  create an instance
//   DELETE /consumers/{group}/instances/{instance}             remove it (leaves the group)
//   POST|GET|DELETE .../subscription                           subscribe to topics
//   GET    .../assignments                                     partitions assigned now
//   GET    .../records?timeout=MS&max_bytes=N                  long-poll for records
//   POST   .../offsets                                         commit (empty body: all fetched)
//   POST   .../positions                                       seek
#include "emulator/core/json_write.h"
#include "emulator/server/app.h"
#include "emulator/server/consumer_instances.h"
#include "emulator/server/handler_util.h"
#include "emulator/server/handlers.h"
#include "emulator/server/router.h"

namespace eventfabric::server {
namespace {

constexpr const char* kV2 = "application/vnd.kafka.v2+json";
constexpr std::string_view kV2Types[] = {"application/vnd.kafka.v2+json", "application/json"};

decoded<consumer_config> decode_consumer_config(const json& j) {
  consumer_config cfg;
  auto reset = string_field(j, "auto.offset.reset", false);
  if (auto* e = std::get_if<response>(&reset)) return *e;
  const auto& r = std::get<std::string>(reset);
  if (r == "earliest" || r == "smallest")
    cfg.reset = core::offset_reset::earliest;
  else if (r == "none")
    cfg.reset = core::offset_reset::none;
  else if (!r.empty() && r != "latest" && r != "largest")
    return error_response(400, core::errc::invalid_argument, "auto.offset.reset must be earliest, latest or none",
                          {{"field", "auto.offset.reset"}});
  if (auto it = j.find("auto.commit.enable"); it != j.end() && !it->is_null()) {
    const std::string v = it->is_string() ? it->get<std::string>() : it->dump();
    if (v != "true" && v != "false")
      return error_response(400, core::errc::invalid_argument, "auto.commit.enable must be \"true\" or \"false\"",
                            {{"field", "auto.commit.enable"}});
    cfg.auto_commit = v == "true";
  }
  auto format = string_field(j, "format", false);
  if (auto* e = std::get_if<response>(&format)) return *e;
  const auto& f = std::get<std::string>(format);
  if (!f.empty() && f != "json")
    return error_response(400, core::errc::invalid_argument, "only the json embedded format is supported",
                          {{"field", "format"}});
  return cfg;
}

outcome create_instance(app& a, const request& req, const path_params& p) {
  if (auto bad = require_content_type(req, kV2Types)) return *bad;
  json j = json::object();
  if (!req.body.empty()) {
    auto body = parse_json_body(req);
    if (auto* err = std::get_if<response>(&body)) return *err;
    j = std::get<json>(body);
  }
  if (!j.is_object()) return error_response(400, core::errc::invalid_argument, "the body must be a JSON object");
  auto cfg = decode_consumer_config(j);
  if (auto* err = std::get_if<response>(&cfg)) return *err;
  auto name = string_field(j, "name", false);
  if (auto* err = std::get_if<response>(&name)) return *err;
  auto created = a.consumers().create(p.at("group"), std::get<std::string>(name), std::get<consumer_config>(cfg));
  if (!created) return error_response(created.error());
  return json_response(200, {{"instance_id", *created},
                             {"base_uri", a.options().base_url + "/consumers/" + p.at("group") + "/instances/" + *created}},
                       kV2);
}

outcome subscribe(app& a, const request& req, const path_params& p) {
  if (auto bad = require_content_type(req, kV2Types)) return *bad;
  auto body = parse_json_body(req);
  if (auto* err = std::get_if<response>(&body)) return *err;
  const json& j = std::get<json>(body);
  auto topics = j.is_object() ? j.find("topics") : j.end();
  if (topics == j.end() || !topics->is_array() || topics->empty())
    return error_response(400, core::errc::invalid_argument, "the body must be {\"topics\":[\"...\"]}",
                          {{"field", "topics"}});
  std::vector<std::string> names;
  for (const auto& t : *topics) {
    if (!t.is_string()) return error_response(400, core::errc::invalid_argument, "topics must be strings", {{"field", "topics"}});
    names.push_back(t.get<std::string>());
  }
  if (auto ok = a.consumers().subscribe(p.at("group"), p.at("instance"), std::move(names)); !ok)
    return error_response(ok.error());
  auto resp = no_content();
  resp.needs_sync = true;  // group membership is persisted
  return resp;
}

std::string records_text(const std::vector<fetched_record>& recs) {
  std::string body;
  std::size_t bytes = 0;
  for (const auto& f : recs) bytes += f.rec.value.size() + f.topic.size() + 96;
  body.reserve(bytes + 2);
  core::json_writer w(body);
  w.begin_array();
  for (const auto& f : recs) {
    w.begin_object().key("key");
    if (f.rec.key)
      w.string(*f.rec.key);
    else
      w.null();
    w.key("offset").number(f.rec.offset).key("partition").number(f.partition);
    w.key("timestamp").number(f.rec.timestamp_ms).key("topic").string(f.topic).key("value").value(f.rec.value);
    w.end_object();
  }
  w.end_array();
  return body;
}

outcome records(app& a, const request& req, const path_params& p) {
  auto timeout = parse_int(req.param("timeout", "1000"), "timeout", 0, 60'000);
  if (auto* e = std::get_if<response>(&timeout)) return *e;
  auto max_bytes = parse_int(req.param("max_bytes", "8388608"), "max_bytes", 1, 64 << 20);
  if (auto* e = std::get_if<response>(&max_bytes)) return *e;
  const std::string group = p.at("group"), instance = p.at("instance");
  const auto limit = static_cast<std::size_t>(std::get<int64_t>(max_bytes));
  auto poll = [&a, group, instance, limit](bool final) -> std::optional<response> {
    auto got = a.consumers().fetch(group, instance, limit);
    if (!got) return error_response(got.error());
    if (got->empty() && !final) return std::nullopt;
    const int64_t now = a.broker().clk().now_ms();
    for (const auto& f : *got) {
      a.metrics().count("eventfabric_consumed_total", {{"topic", f.topic}, {"group", group}});
      a.metrics().observe("eventfabric_delivery_latency_seconds", {{"topic", f.topic}},
                          static_cast<double>(std::max<int64_t>(0, now - f.rec.timestamp_ms)) / 1000.0);
    }
    auto resp = json_text_response(200, records_text(*got), "application/vnd.kafka.json.v2+json");
    resp.needs_sync = true;  // auto-commit and group state
    return resp;
  };
  if (auto first = poll(std::get<int64_t>(timeout) == 0)) return *first;
  return pending{poll, std::chrono::milliseconds(std::get<int64_t>(timeout))};
}

decoded<std::vector<std::pair<core::topic_partition, int64_t>>> decode_offsets(const request& req, bool plus_one) {
  std::vector<std::pair<core::topic_partition, int64_t>> out;
  if (req.body.empty()) return out;
  auto body = parse_json_body(req);
  if (auto* err = std::get_if<response>(&body)) return *err;
  const json& j = std::get<json>(body);
  auto offsets = j.is_object() ? j.find("offsets") : j.end();
  if (offsets == j.end()) return out;
  if (!offsets->is_array())
    return error_response(400, core::errc::invalid_argument, "offsets must be an array", {{"field", "offsets"}});
  for (const auto& o : *offsets) {
    if (!o.is_object() || !o.value("topic", json()).is_string() || !o.value("partition", json()).is_number_integer() ||
        !o.value("offset", json()).is_number_integer() || o["offset"].get<int64_t>() < 0)
      return error_response(400, core::errc::invalid_argument,
                            "each offset must be {\"topic\":str,\"partition\":int,\"offset\":int>=0}",
                            {{"field", "offsets"}});
    // REST Proxy v2 commits the offset of the last processed record; Kafka
    // stores the next one to read.
    out.push_back({{o["topic"].get<std::string>(), o["partition"].get<int32_t>()},
                   o["offset"].get<int64_t>() + (plus_one ? 1 : 0)});
  }
  return out;
}

}  // namespace

void add_consumer_routes(router& r) {
  const std::string base = "/consumers/{group}/instances/{instance}";
  r.add("POST", "/consumers/{group}", create_instance);
  r.add("DELETE", base, [](app& a, const request&, const path_params& p) -> outcome {
    if (auto ok = a.consumers().remove(p.at("group"), p.at("instance")); !ok) return error_response(ok.error());
    auto resp = no_content();
    resp.needs_sync = true;
    return resp;
  });
  r.add("POST", base + "/subscription", subscribe);
  r.add("GET", base + "/subscription", [](app& a, const request&, const path_params& p) -> outcome {
    auto topics = a.consumers().subscription(p.at("group"), p.at("instance"));
    if (!topics) return error_response(topics.error());
    return json_response(200, {{"topics", *topics}}, kV2);
  });
  r.add("DELETE", base + "/subscription", [](app& a, const request&, const path_params& p) -> outcome {
    if (auto ok = a.consumers().unsubscribe(p.at("group"), p.at("instance")); !ok) return error_response(ok.error());
    auto resp = no_content();
    resp.needs_sync = true;
    return resp;
  });
  r.add("GET", base + "/assignments", [](app& a, const request&, const path_params& p) -> outcome {
    auto tps = a.consumers().assignment(p.at("group"), p.at("instance"));
    if (!tps) return error_response(tps.error());
    json parts = json::array();
    for (const auto& tp : *tps) parts.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
    return json_response(200, {{"partitions", parts}}, kV2);
  });
  r.add("GET", base + "/records", records);
  r.add("POST", base + "/offsets", [](app& a, const request& req, const path_params& p) -> outcome {
    if (!req.body.empty())
      if (auto bad = require_content_type(req, kV2Types)) return *bad;
    auto offsets = decode_offsets(req, true);
    if (auto* err = std::get_if<response>(&offsets)) return *err;
    if (auto ok = a.consumers().commit(p.at("group"), p.at("instance"),
                                       std::get<std::vector<std::pair<core::topic_partition, int64_t>>>(offsets));
        !ok)
      return error_response(ok.error());
    auto resp = no_content();
    resp.needs_sync = true;
    return resp;
  });
  r.add("POST", base + "/positions", [](app& a, const request& req, const path_params& p) -> outcome {
    if (auto bad = require_content_type(req, kV2Types)) return *bad;
    auto offsets = decode_offsets(req, false);
    if (auto* err = std::get_if<response>(&offsets)) return *err;
    for (const auto& [tp, off] : std::get<std::vector<std::pair<core::topic_partition, int64_t>>>(offsets))
      if (auto ok = a.consumers().seek(p.at("group"), p.at("instance"), tp, off); !ok) return error_response(ok.error());
    return no_content();
  });
}

}  // namespace eventfabric::server
