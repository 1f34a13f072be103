#pragma once
// The broker core: topics, consumer groups, queues and exchanges behind one
// object, persisted through a core::storage. Pure and synchronous: no
// sockets, no threads, no wall clock of its own. Every method must be called
// from one thread (the owner's strand).
//
// Durability contract: mutations are staged in the store; sync() commits
// them. A caller acknowledges a write to its client only after sync()
// succeeds, so that whatever was acknowledged survives a crash. Batching
// several requests per sync() is group commit. When a commit fails, the
// broker drops its in-memory state and reloads the last committed one, so
// memory does not stay ahead of the store. Between a mutation and its sync()
// other readers on the strand can already see it (a consumer may fetch a
// record whose producer is still waiting for the commit); if that commit
// fails, the record disappears again. Callers that must never expose
// uncommitted data sync() before serving reads.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/envelope.h"
#include "emulator/core/error.h"
#include "emulator/core/groups.h"
#include "emulator/core/queues.h"
#include "emulator/core/random.h"
#include "emulator/core/storage.h"
#include "emulator/core/topics.h"

namespace eventfabric::core {

// A module outside the core that keeps state in the broker's store (the
// schema registry, idempotency keys, ...). It stages writes through the same
// storage, so they commit with sync(); the broker feeds it its spaces on
// recovery and clears and reloads it when a commit fails.
class extension {
 public:
  virtual ~extension() = default;
  // True if `space` is this extension's and the value was taken.
  virtual result<bool> restore(std::string_view space, std::string_view key, std::string_view value) = 0;
  virtual void finish_restore() {}
  // Forget everything (before a reload from the store).
  virtual void clear() = 0;
};

struct broker_options {
  clock* clk = nullptr;       // Default: system_clock()
  uint64_t seed = 0;          // seeds every random choice of the broker (member ids, ...)
  storage* store = nullptr;   // Default: nothing is persisted (--in-memory)
  bool strict_names = true;   // enforce the platform naming rules for topics and queues
};

class broker {
 public:
  explicit broker(broker_options opts);
  broker(const broker&) = delete;
  broker& operator=(const broker&) = delete;

  // Registers an extension; call before recover(). `e` must outlive the broker.
  void attach(extension& e) { extensions_.push_back(&e); }
  // Rebuilds the state from the store. Call once, before anything else.
  result<void> recover();
  // Commits every staged mutation (one transaction, one fsync at most). On
  // failure, everything since the last successful sync() is forgotten (the
  // state is reloaded from the store) and the error returned: the callers of
  // that batch must report failure to their clients. References returned by
  // topics()/groups()/queues() before a failed sync() are invalid after it.
  result<void> sync();
  // Time-driven work at clock.now_ms(): retention, compaction, TTLs, leases,
  // session expiry. Idempotent; call periodically.
  void tick();

  core::topics& topics() { return parts_->topics; }
  core::groups& groups() { return parts_->groups; }
  core::queues& queues() { return parts_->queues; }
  core::clock& clk() { return *clock_; }
  core::random& rng() { return rng_; }
  bool persistent() const { return store_ != nullptr; }
  // Whether the platform naming rules are enforced (broker_options::strict_names).
  bool strict_names() const { return strict_names_; }

  // Produces one platform envelope: validated first (VALIDATION_FAILED names
  // the field); the key is metadata.partition_key unless `key` is given.
  result<produced> produce_envelope(std::string_view topic, std::string envelope_json,
                                    std::optional<std::string> key = std::nullopt,
                                    std::optional<int32_t> partition = std::nullopt,
                                    std::vector<header> headers = {});

 private:
  // The modules, rebuilt as a whole when a failed commit forces a reload.
  struct parts {
    parts(core::clock& clk, core::random& rng, storage* store, bool strict_names);
    core::topics topics;
    core::groups groups;
    core::queues queues;
  };
  result<void> load_into(parts& p);

  core::clock* clock_;
  core::random rng_;
  storage* store_;
  bool strict_names_;
  std::unique_ptr<parts> parts_;
  std::vector<extension*> extensions_;
};

}  // namespace eventfabric::core
