// The envelope's fields read from JSON text with json_cursor, for the hot
// paths that must not build a DOM (produce over HTTP). Duplicate keys resolve
// as nlohmann's parse does: the last one wins.
#include "emulator/core/envelope.h"
#include "emulator/core/json_scan.h"

namespace eventfabric::core {
namespace {

using kind = envelope_view::kind;

// One value into `f`: strings must be free of escapes (else give up).
bool read_field(json_cursor& c, envelope_view::field& f) {
  f = {};
  if (c.peek('"')) {
    bool escaped = false;
    if (!c.string(f.text, escaped) || escaped) return false;
    f.k = kind::string;
    return true;
  }
  const bool object = c.peek('{');
  std::string_view slice;
  if (!c.value(&slice)) return false;
  f.k = object ? kind::object : slice == "null" ? kind::null : kind::other;
  return true;
}

envelope_view::field* top_field(envelope_view& v, std::string_view key) {
  if (key == "id") return &v.id;
  if (key == "type") return &v.type;
  if (key == "occurred_at") return &v.occurred_at;
  if (key == "source") return &v.source;
  if (key == "correlation_id") return &v.correlation_id;
  if (key == "trace_id") return &v.trace_id;
  if (key == "payload") return &v.payload;
  return nullptr;
}

// Member `key` of an envelope object, its value at `c`, into `out`.
bool read_member(json_cursor& c, std::string_view key, envelope_view& out) {
  if (auto* f = top_field(out, key)) return read_field(c, *f);
  if (key != "metadata") return c.value();
  out.partition_key = out.tenant_id = {};
  if (!c.peek('{')) return read_field(c, out.metadata);
  out.metadata = {kind::object, {}};
  return json_members(c, [&](std::string_view k, bool esc) {
    if (esc) return false;
    if (k == "partition_key") return read_field(c, out.partition_key);
    if (k == "tenant_id") return read_field(c, out.tenant_id);
    return c.value();
  });
}

}  // namespace

bool envelope_view::marked() const noexcept {
  for (const field* f : {&id, &type, &payload, &metadata, &trace_id, &correlation_id, &occurred_at})
    if (f->k != kind::missing) return true;
  return false;
}

bool scan_envelope_view(std::string_view text, envelope_view& out) noexcept {
  json_cursor c(text);
  return scan_envelope_view(c, out) && c.at_end() && !c.unsure();
}

bool scan_envelope_view(json_cursor& c, envelope_view& out) noexcept {
  out = {};
  // Not an object: the checks only need to know that (when it is JSON).
  if (!c.peek('{')) return c.value();
  out.object = true;
  return json_members(c, [&](std::string_view key, bool escaped) { return !escaped && read_member(c, key, out); });
}

bool envelope_view_of_members(std::span<const json_member_text> members, envelope_view& out) noexcept {
  out = {};
  out.object = true;
  for (const auto& [key, value] : members) {
    if (key == "payload" && value.starts_with('{')) {  // known valid: its kind is all the checks need
      out.payload = {kind::object, value};
      continue;
    }
    if (key != "metadata" && !top_field(out, key)) continue;
    json_cursor c(value);
    if (!read_member(c, key, out) || !c.at_end() || c.unsure()) return false;
  }
  return true;
}

}  // namespace eventfabric::core
