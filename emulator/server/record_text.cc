#include "emulator/server/record_text.h"

namespace eventfabric::server {
namespace {

void write_headers(core::json_writer& w, const std::vector<core::header>& headers) {
  w.begin_object();
  for (std::size_t i = 0; i < headers.size(); ++i) {
    // A repeated name once, with its last value (as the JSON object it was).
    bool later = false;
    for (std::size_t k = i + 1; k < headers.size() && !later; ++k) later = headers[k].key == headers[i].key;
    if (!later) w.key(headers[i].key).string(headers[i].value);
  }
  w.end_object();
}

}  // namespace

void write_record_members(core::json_writer& w, const core::record& r) {
  w.key("headers");
  write_headers(w, r.headers);
  w.key("key");
  if (r.key)
    w.string(*r.key);
  else
    w.null();
  w.key("offset").number(r.offset).key("timestamp").number(r.timestamp_ms).key("value").value(r.value);
}

void write_message_members(core::json_writer& w, const core::message& m) {
  w.key("body").value(m.body).key("exchange").string(m.exchange).key("headers");
  write_headers(w, m.headers);
  w.key("id").number(m.id).key("message_id").string(m.message_id);
  w.key("priority").number(static_cast<int64_t>(m.priority)).key("published_ms").number(m.published_ms);
  w.key("routing_key").string(m.routing_key);
  if (m.deaths.empty()) return;
  w.key("x-death").begin_array();
  for (const auto& d : m.deaths) {
    w.begin_object().key("count").number(d.count).key("exchange").string(d.exchange).key("queue").string(d.queue);
    w.key("reason").string(d.reason).key("routing-keys").begin_array();
    for (const auto& rk : d.routing_keys) w.string(rk);
    w.end_array().key("time").number(d.time_ms).end_object();
  }
  w.end_array();
}

}  // namespace eventfabric::server
