#pragma once
// One running push subscription: its definition, the delivery state machine
// and its source, shared by the manager and the runner's coroutines (so a
// subscription deleted while an attempt is on the wire stays valid until
// the attempt returns and sees `stopped`).

#include <memory>
#include <string>

#include "emulator/core/random.h"
#include "emulator/delivery/subscription.h"
#include "emulator/push/definition.h"
#include "emulator/push/parked_store.h"
#include "emulator/push/source.h"

namespace eventfabric::push {

struct live {
  // `store` may be null (the DLQ and quarantine are not persisted).
  live(definition d, core::clock& clk, uint64_t seed, faults::engine* faults, core::storage* store)
      : def(std::move(d)),
        rng(seed),
        sub(def.options, clk, rng, faults),
        journal(store, def.name, [this](const delivery::message& m) {
          if (src) src->done(m);  // parked: the source lets it go (offset commit / ack)
        }) {
    sub.set_parking_listener(&journal);
  }
  live(const live&) = delete;
  live& operator=(const live&) = delete;
  definition def;
  core::random rng;               // jitter; seeded per subscription
  delivery::subscription sub;
  parked_journal journal;         // persists the DLQ and quarantine of `sub`
  std::unique_ptr<source> src;    // null until the source opens (a restored subscription whose topic is gone)
  std::string source_error;       // why it is not open, if so
  bool stopped = false;           // deleted or the server is stopping
};

}  // namespace eventfabric::push
