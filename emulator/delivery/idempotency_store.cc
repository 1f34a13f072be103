#include "emulator/delivery/idempotency_store.h"

#include "emulator/core/codec.h"

namespace eventfabric::delivery {

namespace {
constexpr uint8_t format_version = 1;

std::string encode(int64_t expires_ms) {
  core::byte_writer w;
  w.u8(format_version);
  w.i64(expires_ms);
  return w.take();
}
}  // namespace

idempotency_store::idempotency_store(core::clock& clk, core::storage* store, idempotency_options opts)
    : clk_(&clk), store_(store), opts_(opts) {}

void idempotency_store::remove(std::map<std::string, int64_t, std::less<>>::iterator it) {
  if (store_) store_->erase(kIdempotencySpace, it->first);
  by_expiry_.erase({it->second, it->first});
  entries_.erase(it);
}

std::size_t idempotency_store::purge_expired() {
  const int64_t now = clk_->now_ms();
  std::size_t n = 0;
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    remove(entries_.find(by_expiry_.begin()->second));
    ++n;
  }
  return n;
}

core::result<bool> idempotency_store::put(std::string_view key, int64_t ttl_seconds) {
  if (key.empty())
    return core::fail(core::errc::invalid_argument, "the idempotency key is empty", {{"field", "key"}});
  if (key.size() > opts_.max_key_bytes)
    return core::fail(core::errc::too_large,
                      "the idempotency key is " + std::to_string(key.size()) + " bytes; the limit is " +
                          std::to_string(opts_.max_key_bytes),
                      {{"field", "key"}});
  if (ttl_seconds < 1 || ttl_seconds > opts_.max_ttl_seconds)
    return core::fail(core::errc::invalid_argument,
                      "ttl must be within [1, " + std::to_string(opts_.max_ttl_seconds) + "] seconds",
                      {{"field", "ttl"}});
  purge_expired();
  if (entries_.contains(key)) return false;
  if (entries_.size() >= opts_.max_entries)
    return core::fail(core::errc::rejected,
                      "the idempotency store is full (" + std::to_string(opts_.max_entries) + " live keys)",
                      {{"limit", std::to_string(opts_.max_entries)}});
  const int64_t expires = clk_->now_ms() + ttl_seconds * 1000;
  auto [it, inserted] = entries_.emplace(std::string(key), expires);
  by_expiry_.emplace(expires, it->first);
  if (store_) store_->put(kIdempotencySpace, key, encode(expires));
  return true;
}

bool idempotency_store::has(std::string_view key) const { return expires_at(key).has_value(); }

std::optional<int64_t> idempotency_store::expires_at(std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second <= clk_->now_ms()) return std::nullopt;
  return it->second;
}

bool idempotency_store::erase(std::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  const bool live = it->second > clk_->now_ms();
  remove(it);
  return live;
}

core::result<bool> idempotency_store::restore(std::string_view space, std::string_view key,
                                              std::string_view value) {
  if (space != kIdempotencySpace) return false;
  core::byte_reader r(value);
  const uint8_t version = r.u8();
  const int64_t expires = r.i64();
  if (!r.ok() || !r.done() || version != format_version || key.empty())
    return core::fail(core::errc::storage_error, "corrupt stored idempotency key",
                      {{"space", std::string(kIdempotencySpace)}});
  auto [it, inserted] = entries_.insert_or_assign(std::string(key), expires);
  if (!inserted) std::erase_if(by_expiry_, [&](const auto& p) { return p.second == it->first; });
  by_expiry_.emplace(expires, it->first);
  return true;
}

void idempotency_store::clear() {
  entries_.clear();
  by_expiry_.clear();
}

}  // namespace eventfabric::delivery
