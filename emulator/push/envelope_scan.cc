#include "emulator/push/envelope_scan.h"

#include "emulator/core/json_scan.h"

namespace eventfabric::push {

namespace {

using scanner = core::json_cursor;

// A wanted string value: a plain (escape-free) string, else give up; a value
// of another type is skipped and leaves `out` alone (as a full parse would).
bool wanted(scanner& sc, std::string& out) {
  if (!sc.peek('"')) return sc.value();
  std::string_view raw;
  bool escaped = false;
  if (!sc.string(raw, escaped) || escaped) return false;
  out.assign(raw);
  return true;
}

}  // namespace

bool scan_envelope(std::string_view body, envelope_fields& out) {
  scanner sc(body);
  const bool ok = core::json_members(sc, [&](std::string_view key, bool escaped) {
    if (escaped) return false;
    if (key == "id") return wanted(sc, out.id);
    if (key == "type") return wanted(sc, out.type);
    if (key == "trace_id") return wanted(sc, out.trace_id);
    if (key == "metadata" && sc.peek('{')) {
      return core::json_members(sc, [&](std::string_view k, bool esc) {
        if (esc) return false;
        if (k != "partition_key") return sc.value();
        std::string v;
        if (!wanted(sc, v)) return false;
        if (!v.empty()) out.partition_key = std::move(v);
        return true;
      });
    }
    return sc.value();
  });
  return ok && sc.at_end();
}

}  // namespace eventfabric::push
