#include "emulator/core/queues_codec.h"

#include <optional>
#include <utility>

#include "emulator/core/codec.h"

namespace eventfabric::core::queues_codec {

namespace {

constexpr uint8_t format_version = 1;

std::unexpected<error> corrupt(std::string_view what) {
  return fail(errc::storage_error, "corrupt stored " + std::string(what), {{"space", std::string(what)}});
}

template <class T, class Put>
void opt(byte_writer& w, const std::optional<T>& v, Put put) {
  w.boolean(v.has_value());
  if (v) put(*v);
}

// Reads a presence flag and, when set, the value. A flag other than 0/1 is corrupt.
template <class T, class Get>
std::optional<T> read_opt(byte_reader& r, bool& bad, Get get) {
  const uint8_t flag = r.u8();
  if (flag > 1) bad = true;
  if (flag != 1) return std::nullopt;
  return get();
}

void put_message(byte_writer& w, const message& m) {
  w.u64(m.id);
  w.str(m.exchange);
  w.str(m.routing_key);
  w.str(m.body);
  w.str(m.message_id);
  w.u32(static_cast<uint32_t>(m.headers.size()));
  for (const auto& h : m.headers) {
    w.str(h.key);
    w.str(h.value);
  }
  w.u8(m.priority);
  opt(w, m.expiration_ms, [&](int64_t v) { w.i64(v); });
  w.i64(m.published_ms);
  w.u32(static_cast<uint32_t>(m.deaths.size()));
  for (const auto& d : m.deaths) {
    w.str(d.reason);
    w.str(d.queue);
    w.i64(d.count);
    w.i64(d.time_ms);
    w.str(d.exchange);
    w.u32(static_cast<uint32_t>(d.routing_keys.size()));
    for (const auto& k : d.routing_keys) w.str(k);
  }
  w.u64(m.parent_id);
}

// Element counts are never trusted for reserve(): a corrupt count just makes
// the reader fail on the first missing byte.
bool get_message(byte_reader& r, message& m) {
  bool bad = false;
  m.id = r.u64();
  m.exchange = r.str();
  m.routing_key = r.str();
  m.body = r.str();
  m.message_id = r.str();
  for (uint32_t n = r.u32(); n > 0 && r.ok(); --n) {
    header h;
    h.key = r.str();
    h.value = r.str();
    m.headers.push_back(std::move(h));
  }
  m.priority = r.u8();
  m.expiration_ms = read_opt<int64_t>(r, bad, [&] { return r.i64(); });
  m.published_ms = r.i64();
  for (uint32_t n = r.u32(); n > 0 && r.ok(); --n) {
    death d;
    d.reason = r.str();
    d.queue = r.str();
    d.count = r.i64();
    d.time_ms = r.i64();
    d.exchange = r.str();
    for (uint32_t k = r.u32(); k > 0 && r.ok(); --k) d.routing_keys.push_back(r.str());
    m.deaths.push_back(std::move(d));
  }
  m.parent_id = r.u64();
  return !bad && r.ok() && m.id != 0 && (m.expiration_ms.value_or(0) >= 0);
}

}  // namespace

std::string encode_exchange(exchange_type t) {
  byte_writer w;
  w.u8(static_cast<uint8_t>(t));
  return w.take();
}

result<exchange_type> decode_exchange(std::string_view value) {
  byte_reader r(value);
  const uint8_t t = r.u8();
  if (!r.ok() || !r.done() || t > static_cast<uint8_t>(exchange_type::fanout)) return corrupt("exchange");
  return static_cast<exchange_type>(t);
}

std::string encode_queue_config(const queue_config& cfg) {
  byte_writer w;
  w.u8(format_version);
  w.str(cfg.name);
  opt(w, cfg.message_ttl_ms, [&](int64_t v) { w.i64(v); });
  opt(w, cfg.max_length, [&](int64_t v) { w.i64(v); });
  w.u8(static_cast<uint8_t>(cfg.overflow));
  opt(w, cfg.max_priority, [&](uint8_t v) { w.u8(v); });
  opt(w, cfg.delivery_limit, [&](int32_t v) { w.i32(v); });
  w.str(cfg.dead_letter_exchange);
  opt(w, cfg.dead_letter_routing_key, [&](const std::string& v) { w.str(v); });
  return w.take();
}

result<queue_config> decode_queue_config(std::string_view value) {
  byte_reader r(value);
  bool bad = r.u8() != format_version;
  queue_config cfg;
  cfg.name = r.str();
  cfg.message_ttl_ms = read_opt<int64_t>(r, bad, [&] { return r.i64(); });
  cfg.max_length = read_opt<int64_t>(r, bad, [&] { return r.i64(); });
  const uint8_t overflow = r.u8();
  cfg.overflow = static_cast<overflow_policy>(overflow);
  cfg.max_priority = read_opt<uint8_t>(r, bad, [&] { return r.u8(); });
  cfg.delivery_limit = read_opt<int32_t>(r, bad, [&] { return r.i32(); });
  cfg.dead_letter_exchange = r.str();
  cfg.dead_letter_routing_key = read_opt<std::string>(r, bad, [&] { return r.str(); });
  if (bad || !r.ok() || !r.done() || overflow > static_cast<uint8_t>(overflow_policy::reject_publish))
    return corrupt("queue");
  // Relaxed: a store written in relaxed-name mode must still load in strict mode.
  if (!check_queue_config(cfg, false)) return corrupt("queue");
  return cfg;
}

std::string binding_key(const binding& b) {
  std::string k = b.exchange;
  k += '\0';
  k += b.queue;
  k += '\0';
  k += b.routing_key;
  return k;
}

result<binding> parse_binding_key(std::string_view key) {
  const auto a = key.find('\0');
  if (a == std::string_view::npos) return corrupt("binding");
  const auto b = key.find('\0', a + 1);
  if (b == std::string_view::npos) return corrupt("binding");
  binding out{std::string(key.substr(0, a)), std::string(key.substr(a + 1, b - a - 1)),
              std::string(key.substr(b + 1))};
  if (out.exchange.empty() || out.queue.empty()) return corrupt("binding");
  return out;
}

std::string qmsg_prefix(std::string_view queue) {
  std::string k(queue);
  k += '\0';
  return k;
}

std::string qmsg_key(std::string_view queue, uint64_t id) {
  std::string k = qmsg_prefix(queue);
  for (int shift = 56; shift >= 0; shift -= 8) k += static_cast<char>((id >> shift) & 0xff);
  return k;
}

result<qmsg_key_parts> parse_qmsg_key(std::string_view key) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return corrupt("qmsg");
  qmsg_key_parts out;
  out.queue = std::string(key.substr(0, key.size() - 9));
  for (std::size_t i = key.size() - 8; i < key.size(); ++i)
    out.id = (out.id << 8) | static_cast<uint8_t>(key[i]);
  return out;
}

std::string encode_entry(const queue_entry& e) {
  byte_writer w;
  w.u8(format_version);
  put_message(w, e.msg);
  w.u8(static_cast<uint8_t>(e.state));
  w.i32(e.delivery_count);
  w.boolean(e.redelivered);
  w.i64(e.enqueued_ms);
  return w.take();
}

result<queue_entry> decode_entry(std::string_view value) {
  byte_reader r(value);
  queue_entry e;
  const bool version_ok = r.u8() == format_version;
  const bool message_ok = version_ok && get_message(r, e.msg);
  const uint8_t state = r.u8();
  e.state = static_cast<message_state>(state);
  e.delivery_count = r.i32();
  const uint8_t redelivered = r.u8();
  e.redelivered = redelivered == 1;
  e.enqueued_ms = r.i64();
  if (!message_ok || !r.ok() || !r.done() || state > static_cast<uint8_t>(message_state::dead) ||
      redelivered > 1 || e.delivery_count < 0)
    return corrupt("qmsg");
  return e;
}

std::string encode_u64(uint64_t v) {
  byte_writer w;
  w.u64(v);
  return w.take();
}

result<uint64_t> decode_u64(std::string_view value) {
  byte_reader r(value);
  const uint64_t v = r.u64();
  if (!r.ok() || !r.done()) return corrupt("meta");
  return v;
}

}  // namespace eventfabric::core::queues_codec
