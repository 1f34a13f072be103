#pragma once
// The platform's idempotency key store: has(key) / put(key, ttl_seconds).
// put() says whether the key was newly stored (HTTP: 201) or already present
// and unexpired (HTTP: 409). Expiry follows the injected clock: a key is
// present while now < stored_at + ttl. Bounded: keys are 1..max_key_bytes
// bytes, ttl is 1..max_ttl_seconds, and at most max_entries live keys.
//
// Persisted through core::storage as a core::extension (attach it to the
// broker so its writes commit with broker::sync() and it is restored on
// recovery):  space "idem", key = the idempotency key, value = u8 version 1,
// i64 expiry time (ms since the epoch). Expired keys are erased lazily, on
// put() and purge_expired(). Single-threaded (the broker's strand).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "emulator/core/broker.h"
#include "emulator/core/clock.h"
#include "emulator/core/error.h"
#include "emulator/core/storage.h"

namespace eventfabric::delivery {

inline constexpr std::string_view kIdempotencySpace = "idem";

struct idempotency_options {
  std::size_t max_key_bytes = 512;
  std::size_t max_entries = 1'000'000;
  int64_t max_ttl_seconds = 30LL * 24 * 3600;  // 30 days
};

class idempotency_store final : public core::extension {
 public:
  // `store` may be null (not persisted). Both must outlive this object.
  idempotency_store(core::clock& clk, core::storage* store, idempotency_options opts = {});

  // true: newly stored (an expired entry counts as absent); false: already present.
  // Errors: invalid_argument (empty key, ttl out of range), too_large (key too
  // long), rejected (max_entries live keys already stored).
  core::result<bool> put(std::string_view key, int64_t ttl_seconds);
  bool has(std::string_view key) const;
  // Expiry time (ms) of a present key.
  std::optional<int64_t> expires_at(std::string_view key) const;
  // Removes a key; true if it was present.
  bool erase(std::string_view key);
  // Erases every expired key; returns how many.
  std::size_t purge_expired();
  // Keys stored, expired ones not yet purged included.
  std::size_t size() const { return entries_.size(); }

  // core::extension
  core::result<bool> restore(std::string_view space, std::string_view key, std::string_view value) override;
  void clear() override;

 private:
  void remove(std::map<std::string, int64_t, std::less<>>::iterator it);

  core::clock* clk_;
  core::storage* store_;
  idempotency_options opts_;
  std::map<std::string, int64_t, std::less<>> entries_;  // key -> expiry ms
  std::set<std::pair<int64_t, std::string>> by_expiry_;
};

}  // namespace eventfabric::delivery
