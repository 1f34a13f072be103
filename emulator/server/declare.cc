#include "emulator/server/declare.h"

#include <nlohmann/json.hpp>

#include "emulator/server/handler_util.h"

namespace eventfabric::server {
namespace {

constexpr std::string_view kTopicFields[] = {"partitions", "retention_ms", "retention_records", "cleanup_policy",
                                             "max_message_bytes"};
constexpr std::string_view kQueueFields[] = {"message_ttl_ms", "max_length", "overflow", "max_priority",
                                             "delivery_limit", "dead_letter_exchange", "dead_letter_routing_key"};
constexpr std::string_view kExchangeFields[] = {"type"};
constexpr std::string_view kBindingFields[] = {"exchange", "queue", "routing_key"};

}  // namespace

std::span<const std::string_view> topic_fields() { return kTopicFields; }
std::span<const std::string_view> queue_fields() { return kQueueFields; }
std::span<const std::string_view> exchange_fields() { return kExchangeFields; }
std::span<const std::string_view> binding_fields() { return kBindingFields; }

core::result<core::topic_config> decode_topic(const json& j, std::string name) {
  core::topic_config c;
  c.name = std::move(name);
  auto parts = get_int(j, "partitions", 1, 1024);
  if (!parts) return std::unexpected(parts.error());
  auto rms = get_int(j, "retention_ms", -1, INT64_MAX);
  if (!rms) return std::unexpected(rms.error());
  auto rrec = get_int(j, "retention_records", -1, INT64_MAX);
  if (!rrec) return std::unexpected(rrec.error());
  auto maxb = get_int(j, "max_message_bytes", 1, 64 << 20);
  if (!maxb) return std::unexpected(maxb.error());
  auto policy = get_string(j, "cleanup_policy", false);
  if (!policy) return std::unexpected(policy.error());
  c.partitions = static_cast<int32_t>(parts->value_or(1));
  c.retention_ms = rms->value_or(-1);
  c.retention_records = rrec->value_or(-1);
  c.max_message_bytes = maxb->value_or(1 << 20);
  if (*policy == "compact")
    c.cleanup = core::cleanup_policy::compact;
  else if (!policy->empty() && *policy != "delete")
    return core::fail(core::errc::invalid_argument, "cleanup_policy must be \"delete\" or \"compact\"",
                      {{"field", "cleanup_policy"}});
  return c;
}

core::result<core::queue_config> decode_queue(const json& j, std::string name) {
  core::queue_config c;
  c.name = std::move(name);
  auto ttl = get_int(j, "message_ttl_ms", 0, INT64_MAX);
  if (!ttl) return std::unexpected(ttl.error());
  auto maxlen = get_int(j, "max_length", 0, INT64_MAX);
  if (!maxlen) return std::unexpected(maxlen.error());
  auto prio = get_int(j, "max_priority", 1, 255);
  if (!prio) return std::unexpected(prio.error());
  auto limit = get_int(j, "delivery_limit", 0, INT32_MAX);
  if (!limit) return std::unexpected(limit.error());
  auto overflow = get_string(j, "overflow", false);
  if (!overflow) return std::unexpected(overflow.error());
  auto dlx = get_string(j, "dead_letter_exchange", false);
  if (!dlx) return std::unexpected(dlx.error());
  c.message_ttl_ms = *ttl;
  c.max_length = *maxlen;
  if (*prio) c.max_priority = static_cast<uint8_t>(**prio);
  if (*limit) c.delivery_limit = static_cast<int32_t>(**limit);
  if (*overflow == "reject-publish")
    c.overflow = core::overflow_policy::reject_publish;
  else if (!overflow->empty() && *overflow != "drop-head")
    return core::fail(core::errc::invalid_argument, "overflow must be \"drop-head\" or \"reject-publish\"",
                      {{"field", "overflow"}});
  c.dead_letter_exchange = std::move(*dlx);
  if (auto it = j.find("dead_letter_routing_key"); it != j.end() && !it->is_null()) {
    if (!it->is_string())
      return core::fail(core::errc::invalid_argument, "dead_letter_routing_key must be a string",
                        {{"field", "dead_letter_routing_key"}});
    c.dead_letter_routing_key = it->get<std::string>();
  }
  return c;
}

core::result<core::exchange_config> decode_exchange(const json& j, std::string name) {
  auto type = get_string(j, "type");
  if (!type) return std::unexpected(type.error());
  core::exchange_config c{std::move(name), core::exchange_type::direct};
  if (*type == "topic")
    c.type = core::exchange_type::topic;
  else if (*type == "fanout")
    c.type = core::exchange_type::fanout;
  else if (*type != "direct")
    return core::fail(core::errc::invalid_argument, "type must be direct, topic or fanout", {{"field", "type"}});
  return c;
}

core::result<core::binding> decode_binding(const json& j) {
  auto ex = get_string(j, "exchange");
  if (!ex) return std::unexpected(ex.error());
  auto q = get_string(j, "queue");
  if (!q) return std::unexpected(q.error());
  auto rk = get_string(j, "routing_key", false);
  if (!rk) return std::unexpected(rk.error());
  return core::binding{std::move(*ex), std::move(*q), std::move(*rk)};
}

}  // namespace eventfabric::server
