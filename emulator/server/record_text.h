#pragma once
// Records and queue messages as JSON text, written straight into the response
// body with core::json_writer: a stored value that is JSON is spliced in as
// it is, anything else becomes a JSON string (what parsing it with a
// fallback to a string gave, without a DOM per record). Each writes the
// members only, so that callers add their own (topic, partition, queue).

#include "emulator/core/json_write.h"
#include "emulator/core/queue_types.h"
#include "emulator/core/record.h"

namespace eventfabric::server {

// "headers", "key", "offset", "timestamp", "value".
void write_record_members(core::json_writer& w, const core::record& r);
// "body", "exchange", "headers", "id", "message_id", "priority",
// "published_ms", "routing_key", and "x-death" when it died before.
void write_message_members(core::json_writer& w, const core::message& m);

inline void write_message(core::json_writer& w, const core::message& m) {
  w.begin_object();
  write_message_members(w, m);
  w.end_object();
}

}  // namespace eventfabric::server
