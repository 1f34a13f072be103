#pragma once
// JSON -> declarations of topics, queues, exchanges and bindings. One decoder
// per entity, shared by the HTTP routes (POST /admin/topics, PUT /queues/{q},
// PUT /exchanges/{x}, POST /bindings) and by `serve --config` (config.h), so
// both accept the same fields with the same rules. Decoding checks JSON types
// and value ranges; names and the rest are checked by the core when declaring.
// Errors: errc::invalid_argument with details {"field": <field>}.

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>

#include "emulator/core/error.h"
#include "emulator/core/queue_types.h"
#include "emulator/core/topics.h"

namespace eventfabric::server {

// Fields: partitions, retention_ms, retention_records, cleanup_policy
// ("delete" | "compact"), max_message_bytes. Absent = the core's default.
core::result<core::topic_config> decode_topic(const nlohmann::json& j, std::string name);
// Fields: message_ttl_ms, max_length, overflow ("drop-head" | "reject-publish"),
// max_priority, delivery_limit, dead_letter_exchange, dead_letter_routing_key.
core::result<core::queue_config> decode_queue(const nlohmann::json& j, std::string name);
// Field: type ("direct" | "topic" | "fanout"), required.
core::result<core::exchange_config> decode_exchange(const nlohmann::json& j, std::string name);
// Fields: exchange, queue (required), routing_key.
core::result<core::binding> decode_binding(const nlohmann::json& j);

// The fields each decoder reads (besides "name"), for strict key checks.
std::span<const std::string_view> topic_fields();
std::span<const std::string_view> queue_fields();
std::span<const std::string_view> exchange_fields();
std::span<const std::string_view> binding_fields();

}  // namespace eventfabric::server
