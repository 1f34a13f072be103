// Topics: Confluent REST Proxy v2 (list, describe, produce) and our own
// administration routes under /admin/topics.
#include <algorithm>
#include <memory>

#include "emulator/core/envelope.h"
#include "emulator/server/app.h"
#include "emulator/server/declare.h"
#include "emulator/server/handler_util.h"
#include "emulator/server/handlers.h"
#include "emulator/server/produce_faults.h"
#include "emulator/server/produce_scan.h"
#include "emulator/server/record_text.h"
#include "emulator/server/router.h"

namespace eventfabric::server {
namespace {

constexpr const char* kV2 = "application/vnd.kafka.v2+json";
constexpr std::string_view kProduceTypes[] = {
    "application/vnd.kafka.json.v2+json", "application/vnd.kafka.v2+json", "application/json"};

json partition_json(int32_t p) {
  return {{"partition", p}, {"leader", 0}, {"replicas", json::array({{{"broker", 0}, {"leader", true}, {"in_sync", true}}})}};
}

json topic_json(const core::topic_info& info) {
  json parts = json::array();
  for (const auto& p : info.partitions) parts.push_back(partition_json(p.partition));
  const auto& c = info.config;
  return {{"name", c.name},
          {"configs",
           {{"cleanup.policy", c.cleanup == core::cleanup_policy::compact ? "compact" : "delete"},
            {"retention.ms", std::to_string(c.retention_ms)},
            {"retention.records", std::to_string(c.retention_records)},
            {"max.message.bytes", std::to_string(c.max_message_bytes)}}},
          {"partitions", std::move(parts)}};
}

json admin_topic_json(const core::topic_info& info) {
  json parts = json::array();
  for (const auto& p : info.partitions)
    parts.push_back({{"partition", p.partition},
                     {"log_start", p.log_start},
                     {"high_watermark", p.high_watermark},
                     {"records", p.records},
                     {"bytes", p.bytes}});
  const auto& c = info.config;
  return {{"name", c.name},
          {"partitions", c.partitions},
          {"retention_ms", c.retention_ms},
          {"retention_records", c.retention_records},
          {"cleanup_policy", c.cleanup == core::cleanup_policy::compact ? "compact" : "delete"},
          {"max_message_bytes", c.max_message_bytes},
          {"partition_info", std::move(parts)}};
}

// Decodes one REST-proxy record into a produce_record; envelopes are
// validated and keyed by metadata.partition_key.
decoded<core::produce_record> decode_record(const json& rec, std::size_t index, std::optional<int32_t> partition) {
  const std::string at = "records[" + std::to_string(index) + "]";
  if (!rec.is_object())
    return error_response(400, core::errc::invalid_argument, at + " must be an object", {{"field", at}});
  core::produce_record pr;
  pr.partition = partition;
  if (auto p = rec.find("partition"); p != rec.end() && !p->is_null()) {
    if (!p->is_number_integer() || p->get<int64_t>() < 0 || p->get<int64_t>() > INT32_MAX)
      return error_response(400, core::errc::invalid_argument, at + ".partition must be a non-negative integer",
                            {{"field", at + ".partition"}});
    pr.partition = static_cast<int32_t>(p->get<int64_t>());
  }
  auto value = rec.find("value");
  if (value == rec.end())
    return error_response(400, core::errc::invalid_argument, at + " has no value", {{"field", at + ".value"}});
  pr.rec.value = value->dump(-1, ' ', false, json::error_handler_t::strict);
  if (auto k = rec.find("key"); k != rec.end() && !k->is_null())
    pr.rec.key = k->is_string() ? k->get<std::string>() : k->dump();
  if (looks_like_envelope(*value)) {
    auto check = core::check_parsed_envelope(*value);
    if (!check.ok()) {
      auto e = core::to_error(check.violations);
      e.details.emplace_back("index", std::to_string(index));
      return error_response(e);
    }
    if (!pr.rec.key && check.value->partition_key) pr.rec.key = check.value->partition_key;
  }
  if (auto h = rec.find("headers"); h != rec.end() && h->is_object())
    for (const auto& [hk, hv] : h->items()) pr.rec.headers.push_back({hk, hv.is_string() ? hv.get<std::string>() : hv.dump()});
  return pr;
}

// The DOM path: the exact error for any body the scan does not take.
decoded<scanned_produce> decode_produce_body(const request& req, std::optional<int32_t> partition) {
  auto body = parse_json_body(req);
  if (auto* err = std::get_if<response>(&body)) return *err;
  const json& j = std::get<json>(body);
  auto records = j.find("records");
  if (!j.is_object() || records == j.end() || !records->is_array() || records->empty())
    return error_response(400, core::errc::invalid_argument, "the body must be {\"records\":[{\"value\":...}, ...]}",
                          {{"field", "records"}});
  scanned_produce out;
  for (std::size_t i = 0; i < records->size(); ++i) {
    auto pr = decode_record((*records)[i], i, partition);
    if (auto* err = std::get_if<response>(&pr)) return *err;
    out.records.push_back(std::move(std::get<core::produce_record>(pr)));
  }
  if (const json& first = (*records)[0]; first.is_object())
    if (auto v = first.find("value"); v != first.end() && v->is_object())
      if (auto i = v->find("id"); i != v->end() && i->is_string()) out.first_id = i->get<std::string>();
  return out;
}

outcome produce(app& a, const request& req, const std::string& topic, std::optional<int32_t> partition) {
  if (auto bad = require_content_type(req, kProduceTypes)) return *bad;
  std::optional<scanned_produce> scanned = scan_produce_body(req.body, partition);
  if (!scanned) {
    auto slow = decode_produce_body(req, partition);
    if (auto* err = std::get_if<response>(&slow)) return *err;
    scanned = std::move(std::get<scanned_produce>(slow));
  }
  auto& batch = scanned->records;
  const std::string& id = scanned->first_id;  // for the fault schedule
  const auto injected = produce_fault(a, faults::target_type::topic, topic, id);
  if (injected && !injected->params.after_append) return produce_fault_response(*injected, false);
  if (a.options().auto_create_topics && !a.broker().topics().exists(topic)) {
    core::topic_config cfg;
    cfg.name = topic;
    cfg.partitions = a.options().auto_create_partitions;
    if (auto ok = a.broker().topics().create(cfg); !ok) return error_response(ok.error());
  }
  auto produced = a.broker().topics().produce(topic, std::move(batch));
  if (!produced) return error_response(produced.error());
  std::string offsets;
  offsets.reserve(64 + 80 * produced->size());  // one {"error":null,...} of ~75 bytes per record
  core::json_writer w(offsets);
  w.begin_object().key("key_schema_id").null().key("offsets").begin_array();
  for (const auto& p : *produced)
    w.begin_object().key("error").null().key("error_code").null().key("offset").number(p.offset).key("partition").number(p.partition).end_object();
  w.end_array().key("value_schema_id").null().end_object();
  a.metrics().count("eventfabric_produced_total", {{"topic", topic}}, static_cast<double>(produced->size()));
  a.data_arrived();
  auto resp = injected ? produce_fault_response(*injected, true)
                      : json_text_response(200, std::move(offsets), kV2);
  resp.needs_sync = true;
  return resp;
}

outcome create_topic(app& a, const request& req, const path_params&) {
  if (auto bad = require_content_type(req, {"application/json"})) return *bad;
  auto body = parse_json_body(req);
  if (auto* err = std::get_if<response>(&body)) return *err;
  const json& j = std::get<json>(body);
  if (!j.is_object()) return error_response(400, core::errc::invalid_argument, "the body must be a JSON object");
  auto name = string_field(j, "name");
  if (auto* err = std::get_if<response>(&name)) return *err;
  auto cfg = decode_topic(j, std::get<std::string>(name));
  if (!cfg) return error_response(cfg.error());
  const bool existed = a.broker().topics().exists(cfg->name);
  if (auto ok = a.broker().topics().create(*cfg); !ok) return error_response(ok.error());
  auto resp = json_response(existed ? 200 : 201, admin_topic_json(*a.broker().topics().describe(cfg->name)));
  resp.needs_sync = !existed;
  return resp;
}

// The live tail of a topic, without a group: per-partition positions from the
// end (or the log start), one frame per record. Records dropped by retention
// before they were sent are skipped.
struct topic_tail {
  std::string topic;
  std::vector<int64_t> next;       // next offset to send, per partition
  std::vector<int64_t> live_from;  // the high watermark when the tail began
  std::size_t first = 0;           // partition to start from (round-robin)
};

live_batch tail_next(app& a, topic_tail& t, std::size_t max) {
  auto& topics = a.broker().topics();
  live_batch out;
  auto n = topics.partition_count(t.topic);
  if (!n) {
    out.end = "topic " + t.topic + " was deleted";
    return out;
  }
  const auto count = static_cast<std::size_t>(*n);
  t.next.resize(count, 0);  // partitions added later are new from offset 0
  t.live_from.resize(count, 0);
  for (std::size_t k = 0; k < count; ++k) {
    const auto p = static_cast<int32_t>((t.first + k) % count);
    auto info = topics.partition(t.topic, p);
    if (!info) continue;
    int64_t& pos = t.next[p];
    if (pos < info->log_start || pos > info->high_watermark) pos = info->log_start;  // retention, or re-created
    if (out.frames.size() < max && pos < info->high_watermark) {
      auto recs = topics.fetch(t.topic, p, pos, {max - out.frames.size(), 4 << 20});
      if (recs)
        for (const auto& r : *recs) {
          std::string frame;
          core::json_writer w(frame);
          w.begin_object();
          write_record_members(w, r);
          w.key("topic").string(t.topic).key("partition").number(p).end_object();
          out.frames.push_back(std::move(frame));
          pos = r.offset + 1;
        }
    }
    const int64_t owed_from = std::max(pos, t.live_from[p]);
    if (info->high_watermark > owed_from) out.behind += static_cast<std::size_t>(info->high_watermark - owed_from);
  }
  t.first = (t.first + 1) % count;
  return out;
}

outcome tail_topic(app& a, const request& req, const path_params& p) {
  auto info = a.broker().topics().describe(p.at("topic"));
  if (!info) return error_response(info.error());
  auto beginning = from_beginning(req);
  if (auto* e = std::get_if<response>(&beginning)) return *e;
  if (auto bad = require_websocket(req)) return *bad;
  auto t = std::make_shared<topic_tail>();
  t->topic = p.at("topic");
  for (const auto& part : info->partitions) {
    t->next.push_back(std::get<bool>(beginning) ? part.log_start : part.high_watermark);
    t->live_from.push_back(part.high_watermark);
  }
  return live_stream{[&a, t](std::size_t max) { return tail_next(a, *t, max); }};
}

outcome read_records(app& a, const request& req, const path_params& p) {
  auto part = parse_int(p.at("partition"), "partition", 0, INT32_MAX);
  if (auto* e = std::get_if<response>(&part)) return *e;
  auto info = a.broker().topics().partition(p.at("topic"), static_cast<int32_t>(std::get<int64_t>(part)));
  if (!info) return error_response(info.error());
  auto offset = parse_int(req.param("offset", std::to_string(info->log_start)), "offset", 0);
  if (auto* e = std::get_if<response>(&offset)) return *e;
  auto max = parse_int(req.param("max", "100"), "max", 1, 10'000);
  if (auto* e = std::get_if<response>(&max)) return *e;
  auto recs = a.broker().topics().fetch(p.at("topic"), info->partition, std::get<int64_t>(offset),
                                        {static_cast<std::size_t>(std::get<int64_t>(max)), 8 << 20});
  if (!recs) return error_response(recs.error());
  std::string body;
  std::size_t bytes = 0;
  for (const auto& r : *recs) bytes += r.value.size() + 96;
  body.reserve(bytes + 128);
  core::json_writer w(body);
  w.begin_object().key("high_watermark").number(info->high_watermark).key("log_start").number(info->log_start);
  w.key("partition").number(info->partition).key("records").begin_array();
  for (const auto& r : *recs) {
    w.begin_object();
    write_record_members(w, r);
    w.end_object();
  }
  w.end_array().key("topic").string(p.at("topic")).end_object();
  return json_text_response(200, std::move(body));
}

}  // namespace

void add_topic_routes(router& r) {
  r.add("GET", "/topics", [](app& a, const request&, const path_params&) -> outcome {
    return json_response(200, a.broker().topics().list(), kV2);
  });
  r.add("GET", "/topics/{topic}", [](app& a, const request&, const path_params& p) -> outcome {
    auto info = a.broker().topics().describe(p.at("topic"));
    if (!info) return error_response(info.error());
    return json_response(200, topic_json(*info), kV2);
  });
  r.add("POST", "/topics/{topic}", [](app& a, const request& req, const path_params& p) -> outcome {
    return produce(a, req, p.at("topic"), std::nullopt);
  });
  r.add("GET", "/topics/{topic}/partitions", [](app& a, const request&, const path_params& p) -> outcome {
    auto n = a.broker().topics().partition_count(p.at("topic"));
    if (!n) return error_response(n.error());
    json out = json::array();
    for (int32_t i = 0; i < *n; ++i) out.push_back(partition_json(i));
    return json_response(200, out, kV2);
  });
  r.add("POST", "/topics/{topic}/partitions/{partition}", [](app& a, const request& req, const path_params& p) -> outcome {
    auto part = parse_int(p.at("partition"), "partition", 0, INT32_MAX);
    if (auto* e = std::get_if<response>(&part)) return *e;
    return produce(a, req, p.at("topic"), static_cast<int32_t>(std::get<int64_t>(part)));
  });
  r.add("GET", "/topics/{topic}/partitions/{partition}/offsets", [](app& a, const request&, const path_params& p) -> outcome {
    auto part = parse_int(p.at("partition"), "partition", 0, INT32_MAX);
    if (auto* e = std::get_if<response>(&part)) return *e;
    auto info = a.broker().topics().partition(p.at("topic"), static_cast<int32_t>(std::get<int64_t>(part)));
    if (!info) return error_response(info.error());
    return json_response(200, {{"beginning_offset", info->log_start}, {"end_offset", info->high_watermark}}, kV2);
  });
  r.add("GET", "/admin/topics", [](app& a, const request&, const path_params&) -> outcome {
    json out = json::array();
    for (const auto& t : a.broker().topics().list()) out.push_back(admin_topic_json(*a.broker().topics().describe(t)));
    return json_response(200, out);
  });
  r.add("POST", "/admin/topics", create_topic);
  r.add("GET", "/admin/topics/{topic}", [](app& a, const request&, const path_params& p) -> outcome {
    auto info = a.broker().topics().describe(p.at("topic"));
    if (!info) return error_response(info.error());
    return json_response(200, admin_topic_json(*info));
  });
  r.add("DELETE", "/admin/topics/{topic}", [](app& a, const request&, const path_params& p) -> outcome {
    if (auto ok = a.broker().topics().remove(p.at("topic")); !ok) return error_response(ok.error());
    auto resp = no_content();
    resp.needs_sync = true;
    return resp;
  });
  r.add("GET", "/admin/topics/{topic}/partitions/{partition}/records", read_records);
  r.add("GET", "/ws/topics/{topic}", tail_topic);
}

}  // namespace eventfabric::server
