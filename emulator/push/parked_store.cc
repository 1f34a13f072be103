#include "emulator/push/parked_store.h"

#include <charconv>
#include <cstdio>
#include <utility>

#include "emulator/core/codec.h"

namespace eventfabric::push {

namespace {

constexpr uint8_t kFormatVersion = 1;

using delivery::parking;

void put_headers(core::byte_writer& w, const std::vector<core::header>& hs) {
  w.u32(static_cast<uint32_t>(hs.size()));
  for (const auto& h : hs) {
    w.str(h.key);
    w.str(h.value);
  }
}

std::vector<core::header> get_headers(core::byte_reader& r) {
  std::vector<core::header> hs;
  const uint32_t n = r.u32();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    core::header h;
    h.key = r.str();
    h.value = r.str();
    hs.push_back(std::move(h));
  }
  return hs;
}

core::result<parked_row> corrupt(std::string_view key, std::string_view why) {
  return core::fail(core::errc::storage_error,
                    "corrupt stored DLQ/quarantine entry '" + std::string(key) + "': " + std::string(why),
                    {{"space", std::string(kParkedSpace)}, {"key", std::string(key)}});
}

}  // namespace

std::string parked_prefix(std::string_view subscription) { return std::string(subscription) + "/"; }

std::string parked_key(std::string_view subscription, parking where, uint64_t id) {
  char digits[21];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(id));
  return parked_prefix(subscription) + (where == parking::dlq ? "d/" : "q/") + digits;
}

std::string encode_parked(const delivery::parked_message& p) {
  core::byte_writer w;
  w.u8(kFormatVersion);
  const delivery::message& m = p.msg;
  w.u8(static_cast<uint8_t>(m.kind));
  w.str(m.source);
  w.i32(m.partition);
  w.i64(m.offset);
  w.u64(m.queue_id);
  w.boolean(m.key.has_value());
  w.str(m.key.value_or(""));
  w.str(m.envelope_id);
  w.str(m.type);
  w.str(m.trace_id);
  w.str(m.body);
  put_headers(w, m.source_headers);
  w.str(m.source_message_id);
  w.u8(static_cast<uint8_t>(p.reason));
  w.str(p.why);
  w.i32(p.attempts);
  w.i32(p.crashes);
  w.i32(p.last_status);
  w.str(p.last_error.code);
  w.str(p.last_error.message);
  w.str(p.last_error.details_json);
  w.str(p.response_body);
  put_headers(w, p.headers);
  w.i64(p.first_failure_ms);
  w.i64(p.last_failure_ms);
  w.i64(p.parked_ms);
  return w.take();
}

core::result<parked_row> decode_parked(std::string_view key, std::string_view value) {
  parked_row row;
  // The key: <subscription>/<d|q>/<id>
  const auto slash = key.find('/');
  if (slash == std::string_view::npos || slash == 0 || key.size() < slash + 4 || key[slash + 2] != '/')
    return corrupt(key, "the key is not <subscription>/<d|q>/<id>");
  row.subscription = std::string(key.substr(0, slash));
  const char kind = key[slash + 1];
  if (kind != 'd' && kind != 'q') return corrupt(key, "the key is not <subscription>/<d|q>/<id>");
  row.where = kind == 'd' ? parking::dlq : parking::quarantine;
  const std::string_view id_text = key.substr(slash + 3);
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || end != id_text.data() + id_text.size() || id == 0) return corrupt(key, "bad id");

  core::byte_reader r(value);
  if (r.u8() != kFormatVersion) return corrupt(key, "unknown format version");
  delivery::parked_message& p = row.entry;
  p.id = id;
  delivery::message& m = p.msg;
  const uint8_t source_kind = r.u8();
  if (source_kind > static_cast<uint8_t>(delivery::source_kind::queue)) return corrupt(key, "bad source kind");
  m.kind = static_cast<delivery::source_kind>(source_kind);
  m.source = r.str();
  m.partition = r.i32();
  m.offset = r.i64();
  m.queue_id = r.u64();
  const bool has_key = r.boolean();
  std::string k = r.str();
  if (has_key) m.key = std::move(k);
  m.envelope_id = r.str();
  m.type = r.str();
  m.trace_id = r.str();
  m.body = r.str();
  m.source_headers = get_headers(r);
  m.source_message_id = r.str();
  const uint8_t reason = r.u8();
  if (reason > static_cast<uint8_t>(delivery::park_reason::poison_pill)) return corrupt(key, "bad reason");
  p.reason = static_cast<delivery::park_reason>(reason);
  p.why = r.str();
  p.attempts = r.i32();
  p.crashes = r.i32();
  p.last_status = r.i32();
  p.last_error.code = r.str();
  p.last_error.message = r.str();
  p.last_error.details_json = r.str();
  p.response_body = r.str();
  p.headers = get_headers(r);
  p.first_failure_ms = r.i64();
  p.last_failure_ms = r.i64();
  p.parked_ms = r.i64();
  if (!r.ok() || !r.done()) return corrupt(key, "truncated or trailing bytes");
  return row;
}

parked_journal::parked_journal(core::storage* store, std::string subscription,
                               std::function<void(const delivery::message&)> release)
    : store_(store), subscription_(std::move(subscription)), release_(std::move(release)) {}

void parked_journal::parked(parking where, const delivery::parked_message& p) {
  // Staged first: the release below (offset commit / ack) is staged after it,
  // so no commit can hold the release without the entry.
  if (store_) store_->put(kParkedSpace, parked_key(subscription_, where, p.id), encode_parked(p));
  if (release_) release_(p.msg);
}

void parked_journal::released(parking where, uint64_t id) {
  if (store_) store_->erase(kParkedSpace, parked_key(subscription_, where, id));
}

}  // namespace eventfabric::push
