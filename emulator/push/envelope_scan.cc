#include "emulator/push/envelope_scan.h"

#include "emulator/core/envelope.h"

namespace eventfabric::push {

bool scan_envelope(std::string_view body, envelope_fields& out) {
  core::envelope_view v;
  if (!core::scan_envelope_view(body, v) || !v.object) return false;
  // A value of another type leaves the field alone, as a full parse would.
  const auto take = [](const core::envelope_view::field& f, std::string& to) {
    if (f.k == core::envelope_view::kind::string) to.assign(f.text);
  };
  take(v.id, out.id);
  take(v.type, out.type);
  take(v.trace_id, out.trace_id);
  if (v.partition_key.k == core::envelope_view::kind::string && !v.partition_key.text.empty())
    out.partition_key = std::string(v.partition_key.text);
  return true;
}

}  // namespace eventfabric::push
