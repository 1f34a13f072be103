#pragma once
// The platform's message envelope (ARCHITECTURE.md, "Platform standard"):
//   {"id": uuid, "type": "event.name.v1", "occurred_at": RFC 3339,
//    "source": str, "correlation_id": str, "trace_id": 32 hex (W3C),
//    "payload": {...}, "metadata": {"partition_key": str?, "tenant_id": str?}}
// Validation reports every violation with the field it concerns, so that the
// error contract can name it (VALIDATION_FAILED, details.field).

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"

namespace eventfabric::core {

class json_cursor;

struct envelope {
  std::string id;
  std::string type;
  std::string occurred_at;
  std::string source;
  std::string correlation_id;
  std::string trace_id;
  std::optional<std::string> partition_key;  // metadata.partition_key: the record key
  std::optional<std::string> tenant_id;      // metadata.tenant_id
};

struct violation {
  std::string field;    // dotted path, e.g. "metadata.partition_key"
  std::string message;  // one plain sentence
};

struct envelope_check {
  std::optional<envelope> value;  // set when there are no violations
  std::vector<violation> violations;
  bool ok() const { return violations.empty(); }
};

// The envelope's fields as a document holds them, so that the same rules run
// on a DOM or on a scan of the text. `text` is a string's content.
struct envelope_view {
  enum class kind : unsigned char { missing, null, string, object, other };
  struct field {
    kind k = kind::missing;
    std::string_view text;
  };
  bool object = false;  // the document is an object
  field id, type, occurred_at, source, correlation_id, trace_id, payload, metadata;
  field partition_key, tenant_id;  // in metadata, when it is an object
  // Carries any envelope field (null counts): the server validates such values.
  bool marked() const noexcept;
};
// Reads the fields straight from JSON text (json_cursor, no DOM). False when
// it cannot say for sure: malformed text, or an escape in a key or a wanted
// string; parse the text then.
bool scan_envelope_view(std::string_view json, envelope_view& out) noexcept;
// The same on the one value at a cursor (inside a larger document, e.g. a
// produce body), so the value is scanned once; the caller checks the rest of
// the document and the cursor's unsure().
bool scan_envelope_view(json_cursor& c, envelope_view& out) noexcept;
// The same from an object's top-level members (key, value text) that the
// caller has already checked are valid JSON with unique, unescaped keys (the
// fixtures' canonical walk does): only the small fields are read again, an
// object payload not at all.
struct json_member_text {
  std::string_view key, value;
};
bool envelope_view_of_members(std::span<const json_member_text> members, envelope_view& out) noexcept;
envelope_check check_envelope_view(const envelope_view& v);
// The same rules without building the envelope: nothing is allocated for a
// valid one (the produce path checks every record and needs only the verdict).
std::vector<violation> envelope_violations(const envelope_view& v);

// Never throws, whatever the input (malformed JSON, invalid UTF-8, huge nesting).
envelope_check check_envelope(std::string_view json);
// The same rules on an already parsed document (saves a parse when the caller has one).
envelope_check check_parsed_envelope(const nlohmann::json& j);
// check_envelope as a result: the error is VALIDATION_FAILED naming the first field.
result<envelope> parse_envelope(std::string_view json);
// The error for a non-empty list of violations.
error to_error(const std::vector<violation>& violations);

// Individual rules, exposed for reuse and tests.
bool is_uuid(std::string_view s) noexcept;
bool is_rfc3339(std::string_view s) noexcept;
bool is_trace_id(std::string_view s) noexcept;  // W3C: 32 lower-case hex, not all zero

}  // namespace eventfabric::core
