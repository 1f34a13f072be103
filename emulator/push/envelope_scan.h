#pragma once
// A fast path for reading the envelope fields a push needs (id, type,
// trace_id, metadata.partition_key) out of a message body without building a
// JSON document: core::scan_envelope_view (the same scan produce uses), kept
// to these four fields. It gives up (returns false) on anything unusual
// (escapes in a key or in one of the envelope's string fields, malformed
// text, a body that is not an object) and the caller falls back to a full
// parse. The push benchmark showed the full parse as the largest user-space
// cost per message.

#include <optional>
#include <string>
#include <string_view>

namespace eventfabric::push {

struct envelope_fields {
  std::string id, type, trace_id;
  std::optional<std::string> partition_key;
};

bool scan_envelope(std::string_view body, envelope_fields& out);

}  // namespace eventfabric::push
