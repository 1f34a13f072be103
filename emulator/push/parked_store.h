#pragma once
// Persistence of a push subscription's DLQ and quarantine in the broker's
// store, so that a parked message outlives a restart (its offset was
// committed / its message acked when it was parked: the entry is the only
// copy left).
//
// Space "ppark", key = "<subscription>/<d|q>/<id, 20 digits>" (a name never
// holds '/', so "<subscription>/" is the prefix of exactly its entries), value
// = u8 version 1 + the entry in core::byte_writer form (binary-safe: bodies
// and headers are kept byte for byte).
//
// parked_journal is the subscription's delivery::parking_listener: it stages
// the entry when it is parked and then lets the source go (offset commit /
// ack), both on the broker's strand before the next group commit, so the
// entry is committed in the same transaction as that release or before it.
// A released entry (purged, redriven to the source, or redriven to the
// subscription and since delivered) is erased.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "emulator/core/error.h"
#include "emulator/core/storage.h"
#include "emulator/delivery/subscription.h"

namespace eventfabric::push {

inline constexpr std::string_view kParkedSpace = "ppark";

std::string parked_key(std::string_view subscription, delivery::parking where, uint64_t id);
// "<subscription>/": erase_prefix() with it removes every entry of the subscription.
std::string parked_prefix(std::string_view subscription);
std::string encode_parked(const delivery::parked_message& p);

struct parked_row {
  std::string subscription;
  delivery::parking where = delivery::parking::dlq;
  delivery::parked_message entry;
};
// storage_error naming the key when the key or value is not one of ours.
core::result<parked_row> decode_parked(std::string_view key, std::string_view value);

class parked_journal final : public delivery::parking_listener {
 public:
  // `store` may be null (nothing persisted). `release` (may be empty) is
  // called after an entry is staged, with the message it parked.
  parked_journal(core::storage* store, std::string subscription,
                 std::function<void(const delivery::message&)> release);
  void parked(delivery::parking where, const delivery::parked_message& p) override;
  void released(delivery::parking where, uint64_t id) override;

 private:
  core::storage* store_;
  std::string subscription_;
  std::function<void(const delivery::message&)> release_;
};

}  // namespace eventfabric::push
