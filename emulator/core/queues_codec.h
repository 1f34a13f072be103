#pragma once
// Storage encoding of the queues module (internal to queues_*.cc and tests).
// Values use core::byte_writer with a leading format version; decoders
// validate everything and return errc::storage_error on corrupt input.
//
//   space "exchange": key = name,  value = u8 type
//   space "queue":    key = name,  value = encoded queue_config
//   space "binding":  key = exchange \0 queue \0 routing_key, value = ""
//   space "qmsg":     key = queue \0 8-byte big-endian id, value = encoded queue_entry
//   space "meta":     key = "queue_next_id", value = u64

#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/core/error.h"
#include "emulator/core/queue.h"
#include "emulator/core/queue_types.h"

namespace eventfabric::core::queues_codec {

inline constexpr std::string_view next_id_key = "queue_next_id";

std::string encode_exchange(exchange_type t);
result<exchange_type> decode_exchange(std::string_view value);

std::string encode_queue_config(const queue_config& cfg);
result<queue_config> decode_queue_config(std::string_view value);

std::string binding_key(const binding& b);
result<binding> parse_binding_key(std::string_view key);

std::string qmsg_key(std::string_view queue, uint64_t id);
std::string qmsg_prefix(std::string_view queue);  // queue \0
struct qmsg_key_parts {
  std::string queue;
  uint64_t id = 0;
};
result<qmsg_key_parts> parse_qmsg_key(std::string_view key);

// Everything about the entry except the transient unacked bookkeeping
// (delivery tag, consumer, lease), which does not survive a restart.
std::string encode_entry(const queue_entry& e);
result<queue_entry> decode_entry(std::string_view value);

std::string encode_u64(uint64_t v);
result<uint64_t> decode_u64(std::string_view value);

}  // namespace eventfabric::core::queues_codec
