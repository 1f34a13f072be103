#include "emulator/server/produce_scan.h"

#include <cstdint>
#include <utility>

#include "emulator/core/envelope.h"
#include "emulator/core/json_scan.h"
#include "emulator/core/json_write.h"

namespace eventfabric::server {
namespace {

// A plain string (no escapes) into `out`.
bool plain_string(core::json_cursor& c, std::string& out) {
  std::string_view raw;
  bool escaped = false;
  if (!c.string(raw, escaped) || escaped) return false;
  out.assign(raw);
  return true;
}

// null, or an integer in 0..INT32_MAX.
bool partition_field(core::json_cursor& c, std::optional<int32_t>& out) {
  std::string_view slice;
  if (!c.value(&slice)) return false;
  if (slice == "null") return true;
  if (slice.empty() || slice.size() > 10) return false;
  int64_t v = 0;
  for (char ch : slice) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
  }
  if (v > INT32_MAX || (slice.size() > 1 && slice[0] == '0')) return false;
  out = static_cast<int32_t>(v);
  return true;
}

bool headers_field(core::json_cursor& c, std::vector<core::header>& out) {
  if (!c.peek('{')) return c.value();  // not an object: ignored, as the DOM path does
  return core::json_members(c, [&](std::string_view key, bool escaped) {
    core::header h;
    if (escaped || !c.peek('"') || !plain_string(c, h.value)) return false;
    for (const auto& seen : out)
      if (seen.key == key) return false;  // a repeated name: the DOM path keeps the last
    h.key.assign(key);
    out.push_back(std::move(h));
    return true;
  });
}

// One record; `id` gets its value's envelope id when it has one.
bool record(core::json_cursor& c, std::optional<int32_t> partition, core::produce_record& pr, std::string& id) {
  pr.partition = partition;
  std::optional<std::string_view> value;
  bool compact = false;
  core::envelope_view view;
  bool seen_key = false, seen_partition = false, seen_headers = false;
  const bool ok = core::json_members(c, [&](std::string_view k, bool escaped) {
    if (escaped) return false;
    if (k == "value") {
      // One scan of the value both validates it and reads its envelope fields.
      if (value) return false;
      c.ws();
      const std::size_t start = c.position(), runs = c.space_runs();
      if (!core::scan_envelope_view(c, view)) return false;
      value = c.text().substr(start, c.position() - start);
      compact = c.space_runs() == runs;
      return true;
    }
    if (k == "key") {
      if (std::exchange(seen_key, true)) return false;
      if (!c.peek('"')) {
        std::string_view slice;
        return c.value(&slice) && slice == "null";
      }
      pr.rec.key.emplace();
      return plain_string(c, *pr.rec.key);
    }
    if (k == "partition") {
      if (std::exchange(seen_partition, true)) return false;
      return partition_field(c, pr.partition);
    }
    if (k == "headers") return !std::exchange(seen_headers, true) && headers_field(c, pr.rec.headers);
    return c.value();
  });
  if (!ok || !value) return false;
  if (view.marked()) {
    if (!core::envelope_violations(view).empty()) return false;
    // Valid, so metadata.partition_key is either absent (or null) or a non-empty string.
    if (!pr.rec.key && view.partition_key.k == core::envelope_view::kind::string) pr.rec.key.emplace(view.partition_key.text);
  }
  if (view.id.k == core::envelope_view::kind::string) id.assign(view.id.text);
  if (compact) {
    pr.rec.value.assign(*value);  // already what append_compact_json would write
  } else {
    pr.rec.value.reserve(value->size());
    core::append_compact_json(pr.rec.value, *value);
  }
  return true;
}

}  // namespace

std::optional<scanned_produce> scan_produce_body(std::string_view body, std::optional<int32_t> partition) {
  core::json_cursor c(body);
  scanned_produce out;
  bool seen_records = false;
  const bool ok = core::json_members(c, [&](std::string_view k, bool escaped) {
    if (escaped) return false;
    if (k != "records") return c.value();
    if (std::exchange(seen_records, true) || !c.eat('[') || c.peek(']')) return false;
    do {
      core::produce_record pr;
      std::string id;
      if (!c.peek('{') || !record(c, partition, pr, id)) return false;
      if (out.records.empty()) out.first_id = std::move(id);
      out.records.push_back(std::move(pr));
    } while (c.eat(','));
    return c.eat(']');
  });
  if (!ok || !seen_records || !c.at_end() || c.unsure()) return std::nullopt;
  return out;
}

}  // namespace eventfabric::server
