#pragma once
// The server's push subscriptions: create / delete / look up, persistence of
// their definitions, and their runners on the server's io_context.
//
// Definitions are a core::extension: attach the manager to the broker and
// its writes commit with broker::sync() (group commit) and are restored on
// recovery. Space "psub", key = the subscription name, value = u8 version 1 +
// the definition's canonical JSON (push::to_json). The DLQ and quarantine
// entries persist too (space "ppark", see parked_store.h) and are put back
// into their subscription on recovery; deleting a subscription erases them.
// Retry state lives in memory (after a restart a topic subscription resumes
// from its committed offsets and a queue subscription from what is unacked,
// so messages not finished are delivered again).
//
// Without start() (in-memory tests) subscriptions are created and inspected
// but nothing is pushed. Single-threaded: the broker's strand.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/broker.h"
#include "emulator/core/error.h"
#include "emulator/core/storage.h"
#include "emulator/faults/engine.h"
#include "emulator/push/definition.h"
#include "emulator/push/live.h"
#include "emulator/push/parked_store.h"
#include "emulator/push/runner.h"

namespace eventfabric::push {

inline constexpr std::string_view kSubscriptionSpace = "psub";

class manager final : public core::extension {
 public:
  // `faults` may be null; `store` may be null (not persisted). All must outlive the manager.
  manager(core::broker& b, core::storage* store, faults::engine* faults, uint64_t seed);
  ~manager() override;

  void set_on_verdict(verdict_listener fn) { on_verdict_ = std::move(fn); }
  // Begins pushing every subscription, now and as they are created, on `io`.
  void start(boost::asio::io_context& io);
  // Stops every runner (connections closed, in-flight work redelivered later,
  // groups left, queue consumers cancelled). Idempotent.
  void stop();
  bool started() const { return io_ != nullptr; }
  // New records or messages, or a redrive: every runner looks again now.
  void wake();

  // true: created; false: the same definition already exists (idempotent).
  // already_exists: another definition has the name. not_found: the source.
  core::result<bool> create(const definition& d);
  core::result<void> remove(std::string_view name);
  std::vector<std::string> names() const;
  // Null when unknown.
  live* find(std::string_view name);
  std::size_t size() const { return subs_.size(); }

  // core::extension
  core::result<bool> restore(std::string_view space, std::string_view key, std::string_view value) override;
  void finish_restore() override;
  void clear() override;

 private:
  struct entry {
    std::shared_ptr<live> state;
    std::shared_ptr<runner> run;
  };
  std::shared_ptr<live> make_live(const definition& d);
  void launch(entry& e);
  void persist(const definition& d);

  core::broker& b_;
  core::storage* store_;
  faults::engine* faults_;
  uint64_t seed_;
  boost::asio::io_context* io_ = nullptr;
  verdict_listener on_verdict_;
  std::map<std::string, entry, std::less<>> subs_;
  std::vector<parked_row> restored_parked_;  // during recovery, until finish_restore()
};

}  // namespace eventfabric::push
