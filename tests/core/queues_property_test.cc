// Property tests of core::queues: random operation sequences against queues
// with random TTL / max-length / priority / delivery-limit / DLX configs.
//  1. Conservation: every id ever assigned is, after every step, in exactly
//     one place: ready, unacked, dead, acked, or dead-lettered away (it has a
//     copy). Counts agree with stats(); delivery order follows priority+FIFO.
//  2. Recovery: committing after every step and reopening from the store at
//     random points reproduces the observable state.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "emulator/core/clock.h"
#include "emulator/core/queues.h"
#include "tests/support/fake_storage.h"

namespace eventfabric::core {
namespace {

const std::vector<std::string> names = {"p.a.high", "p.b.normal", "p.c.low"};
constexpr std::size_t all = 100'000;

template <class T>
std::optional<T> maybe_in(T lo, T hi) {
  if (*rc::gen::inRange(0, 2) == 0) return std::nullopt;
  return *rc::gen::inRange<T>(lo, hi);
}

queue_config gen_config(const std::string& name) {
  queue_config c;
  c.name = name;
  c.message_ttl_ms = maybe_in<int64_t>(0, 60);
  c.max_length = maybe_in<int64_t>(0, 6);
  c.overflow = *rc::gen::element(overflow_policy::drop_head, overflow_policy::reject_publish);
  if (*rc::gen::inRange(0, 2) == 0) c.max_priority = static_cast<uint8_t>(*rc::gen::inRange(1, 5));
  c.delivery_limit = maybe_in<int32_t>(0, 3);
  switch (*rc::gen::inRange(0, 4)) {
    case 0:
      break;  // no DLX: dead messages stay in place
    case 1:   // DLX with a routing key (possibly back to itself)
      c.dead_letter_exchange = "dlx";
      c.dead_letter_routing_key = *rc::gen::elementOf(names);
      break;
    case 2:
      c.dead_letter_exchange = "dlx";
      break;  // the original key: routes to itself
    default:
      c.dead_letter_exchange = "missing";
      break;
  }
  return c;
}

void setup(queues& qs, std::vector<queue_config>& cfgs) {
  RC_ASSERT(qs.declare_exchange({"dlx", exchange_type::direct}).has_value());
  for (const auto& n : names) {
    cfgs.push_back(gen_config(n));
    RC_ASSERT(qs.declare_queue(cfgs.back()).has_value());
    RC_ASSERT(qs.bind({"dlx", n, n}).has_value());
    RC_ASSERT(qs.bind({"amq.fanout", n, ""}).has_value());
  }
}

publish_request gen_publish() {
  publish_request r;
  if (*rc::gen::inRange(0, 5) == 0) {
    r.exchange = "amq.fanout";
  } else {
    r.routing_key = *rc::gen::elementOf(names);
  }
  r.body = "x";
  r.priority = static_cast<uint8_t>(*rc::gen::inRange(0, 8));
  r.expiration_ms = maybe_in<int64_t>(0, 60);
  return r;
}

struct outstanding {
  std::size_t q;
  std::string consumer;
  uint64_t tag;
  uint64_t id;
};

// The test's knowledge of what happened to each id. `exact` = reconciled by
// check() after every step, so outstanding tags are known to be live.
struct model {
  bool exact = true;
  std::set<uint64_t> acked;
  std::set<uint64_t> moved;  // dead-lettered into a DLX (reported by the listener)
  std::vector<outstanding> out;
  std::map<std::pair<std::size_t, std::string>, std::size_t> prefetch;

  std::size_t held(std::size_t q, const std::string& c) const {
    return std::ranges::count_if(out, [&](const outstanding& o) { return o.q == q && o.consumer == c; });
  }
};

// Checks the invariants on a copy of the module (so that the expiry the
// inspection calls apply does not perturb the run) and reconciles the model.
void check(const queues& real, const std::vector<queue_config>& cfgs, model& m, int64_t now) {
  queues view = real;
  std::set<uint64_t> has_child = m.moved;
  std::size_t events = 0;
  view.set_dead_letter_listener([&](const dead_letter_event& e) {
    ++events;
    if (!e.copies.empty()) has_child.insert(e.id);
  });
  std::map<uint64_t, int> live;
  // Expire everything until nothing more expires: an expiry can put a copy
  // (with TTL 0, already due) into a queue expired earlier in the pass.
  for (int pass = 0; pass < 100; ++pass) {
    const std::size_t before = events;
    for (const auto& n : names) RC_ASSERT(view.stats(n).has_value());
    if (events == before) break;
  }
  std::vector<std::vector<message>> ready(names.size()), dead(names.size());
  for (std::size_t q = 0; q < names.size(); ++q) {
    ready[q] = view.peek(names[q], all).value();
    dead[q] = view.dead_letters(names[q], all).value();
    for (const auto* list : {&ready[q], &dead[q]}) {
      for (const message& msg : *list) {
        ++live[msg.id];
        if (msg.parent_id != 0) RC_ASSERT(has_child.contains(msg.parent_id));
      }
    }
  }
  // Deliveries whose message is back in a list or moved on were returned by
  // tick (lease) or cancel: their tags are dead.
  std::erase_if(m.out, [&](const outstanding& o) { return live.contains(o.id) || has_child.contains(o.id); });

  for (uint64_t id = 1; id < view.next_message_id(); ++id) {
    const int places = live.contains(id) ? live[id] : 0;
    const auto unacked = std::ranges::count_if(m.out, [&](const outstanding& o) { return o.id == id; });
    const int total = places + static_cast<int>(unacked) + (m.acked.contains(id) ? 1 : 0) +
                      (has_child.contains(id) ? 1 : 0);
    RC_ASSERT(total == 1);
  }
  for (std::size_t q = 0; q < names.size(); ++q) {
    const queue_stats s = view.stats(names[q]).value();
    RC_ASSERT(s.ready == ready[q].size());
    RC_ASSERT(s.dead == dead[q].size());
    RC_ASSERT(s.unacked == static_cast<std::size_t>(
                               std::ranges::count_if(m.out, [&](const outstanding& o) { return o.q == q; })));
    const auto& cfg = cfgs[q];
    auto rank = [&](const message& msg) {
      const int prio = cfg.max_priority ? std::min<int>(msg.priority, *cfg.max_priority) : 0;
      return std::pair<int, uint64_t>{-prio, msg.id};
    };
    RC_ASSERT(std::ranges::is_sorted(ready[q], {}, rank));
    for (const message& msg : ready[q]) {  // nothing expired is shown as ready
      std::optional<int64_t> ttl = cfg.message_ttl_ms;
      if (msg.expiration_ms) ttl = ttl ? std::min(*ttl, *msg.expiration_ms) : *msg.expiration_ms;
      if (ttl) RC_ASSERT(msg.published_ms + *ttl > now);
    }
  }
}

void do_receive(queues& qs, model& m) {
  const std::size_t q = *rc::gen::inRange<std::size_t>(0, names.size());
  const std::string consumer = *rc::gen::element<std::string>("c0", "c1");
  const std::size_t max = *rc::gen::inRange<std::size_t>(1, 4);
  const int64_t lease = *rc::gen::element<int64_t>(0, 0, 10, 40);
  if (!m.exact) {
    const auto got = qs.receive(names[q], consumer, max, lease);
    RC_ASSERT(got.has_value() && got->size() <= max);
    for (const delivery& d : *got) m.out.push_back({q, consumer, d.delivery_tag, d.msg.id});
    return;
  }
  queues before = qs;  // receive first expires, exactly like this peek does
  const auto expected = before.peek(names[q], all).value();
  const auto got = qs.receive(names[q], consumer, max, lease);
  RC_ASSERT(got.has_value());
  const std::size_t pf = m.prefetch[{q, consumer}];
  const std::size_t held = m.held(q, consumer);
  std::size_t room = pf == 0 ? max : (pf > held ? pf - held : 0);
  RC_ASSERT(got->size() == std::min({max, room, expected.size()}));
  for (std::size_t i = 0; i < got->size(); ++i) {
    const delivery& d = (*got)[i];
    RC_ASSERT(d.msg.id == expected[i].id);
    RC_ASSERT(d.delivery_count >= 1);
    RC_ASSERT(d.redelivered == (d.delivery_count > 1));
    m.out.push_back({q, consumer, d.delivery_tag, d.msg.id});
  }
}

void do_settle(queues& qs, model& m) {
  if (m.out.empty()) return;
  const std::size_t i = *rc::gen::inRange<std::size_t>(0, m.out.size());
  const outstanding o = m.out[i];
  m.out.erase(m.out.begin() + static_cast<std::ptrdiff_t>(i));
  const int how = *rc::gen::inRange(0, 3);
  const auto r = how == 0 ? qs.ack(names[o.q], o.tag) : qs.nack(names[o.q], o.tag, how == 1);
  if (!m.exact && !r) {
    RC_ASSERT(r.error().code == errc::precondition_failed);  // a tag a lease already returned
    return;
  }
  RC_ASSERT(r.has_value());
  if (how == 0) m.acked.insert(o.id);
  // The tag is spent.
  RC_ASSERT(qs.ack(names[o.q], o.tag).error().code == errc::precondition_failed);
}

void step(queues& qs, manual_clock& clk, model& m) {
  const int op = *rc::gen::inRange(0, 100);
  if (op < 30) {
    auto r = qs.publish(gen_publish());
    if (!r) RC_ASSERT(r.error().code == errc::rejected);
  } else if (op < 55) {
    do_receive(qs, m);
  } else if (op < 80) {
    do_settle(qs, m);
  } else if (op < 90) {
    clk.advance(*rc::gen::inRange<int64_t>(0, 30));
    qs.tick();
  } else if (op < 94) {
    clk.advance(*rc::gen::inRange<int64_t>(0, 30));  // no tick: receive/peek must still expire
  } else if (op < 97) {
    const std::size_t q = *rc::gen::inRange<std::size_t>(0, names.size());
    const std::string consumer = *rc::gen::element<std::string>("c0", "c1");
    const std::size_t pf = *rc::gen::inRange<std::size_t>(0, 4);
    RC_ASSERT(qs.set_prefetch(names[q], consumer, pf).has_value());
    m.prefetch[{q, consumer}] = pf;
  } else {
    const std::size_t q = *rc::gen::inRange<std::size_t>(0, names.size());
    const std::string consumer = *rc::gen::element<std::string>("c0", "c1");
    RC_ASSERT(qs.cancel(names[q], consumer).has_value());
    std::erase_if(m.out, [&](const outstanding& o) { return o.q == q && o.consumer == consumer; });
    m.prefetch.erase({q, consumer});
  }
}

RC_GTEST_PROP(QueueProperty, EveryMessageIsAccountedForExactlyOnce, ()) {
  manual_clock clk{1'000'000};
  queues qs(clk, nullptr);
  std::vector<queue_config> cfgs;
  setup(qs, cfgs);
  model m;
  qs.set_dead_letter_listener([&](const dead_letter_event& e) {
    if (!e.copies.empty()) m.moved.insert(e.id);
  });
  const int steps = *rc::gen::inRange(1, 200);
  for (int i = 0; i < steps; ++i) {
    step(qs, clk, m);
    check(qs, cfgs, m, clk.now_ms());
  }
}

// --- recovery -------------------------------------------------------------------

class loader final : public storage_loader {
 public:
  explicit loader(queues& q) : q_(q) {}
  void on_value(std::string_view space, std::string_view key, std::string_view value) override {
    RC_ASSERT(q_.restore(space, key, value).has_value());
  }
  void on_record(std::string_view, int32_t, record&&) override {}

 private:
  queues& q_;
};

std::unique_ptr<queues> reopen(manual_clock& clk, testing::fake_storage& store) {
  auto fresh = std::make_unique<queues>(clk, &store);
  loader l(*fresh);
  RC_ASSERT(store.load(l).has_value());
  fresh->finish_restore();
  return fresh;
}

// Const views only: they change nothing, so both sides are compared as stored.
void compare_restored(const queues& before, const queues& after) {
  RC_ASSERT(before.list_queues() == after.list_queues());
  RC_ASSERT(before.list_exchanges() == after.list_exchanges());
  RC_ASSERT(before.list_bindings() == after.list_bindings());
  RC_ASSERT(before.next_message_id() == after.next_message_id());
  for (const auto& n : names) {
    RC_ASSERT(before.dead_letters(n, all).value() == after.dead_letters(n, all).value());
    const queue_stats b = before.stats(n).value(), a = after.stats(n).value();
    RC_ASSERT(a.ready == b.ready + b.unacked);  // unacked come back as ready
    RC_ASSERT(a.unacked == 0u);
    RC_ASSERT(a.dead == b.dead);
    if (b.unacked == 0) RC_ASSERT(before.peek(n, all).value() == after.peek(n, all).value());
  }
}

RC_GTEST_PROP(QueueProperty, RestoreFromCommittedStoreReproducesState, ()) {
  manual_clock clk{1'000'000};
  testing::fake_storage store;
  auto qs = std::make_unique<queues>(clk, &store);
  std::vector<queue_config> cfgs;
  setup(*qs, cfgs);
  RC_ASSERT(store.commit().has_value());
  model m;
  m.exact = false;  // no check(): its copy would stage writes into the shared store
  const int steps = *rc::gen::inRange(1, 150);
  for (int i = 0; i < steps; ++i) {
    if (*rc::gen::inRange(0, 10) == 0) {  // crash and recover
      auto fresh = reopen(clk, store);
      compare_restored(*qs, *fresh);
      qs = std::move(fresh);
      m.out.clear();  // delivery tags do not survive a restart
      m.prefetch.clear();
    }
    step(*qs, clk, m);
    RC_ASSERT(store.commit().has_value());
  }
  // Settle everything so that both sides must match exactly, then go on
  // driving both the same way: they must keep agreeing.
  for (const outstanding& o : m.out) (void)qs->nack(names[o.q], o.tag, true);
  RC_ASSERT(store.commit().has_value());
  auto fresh = reopen(clk, store);
  compare_restored(*qs, *fresh);
  clk.advance(25);
  for (queues* side : {qs.get(), fresh.get()}) side->tick();
  for (const auto& n : names) {
    const auto a = qs->receive(n, "z", all, 0).value();
    const auto b = fresh->receive(n, "z", all, 0).value();
    RC_ASSERT(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      RC_ASSERT(a[i].msg == b[i].msg);
      RC_ASSERT(a[i].delivery_count == b[i].delivery_count);
      RC_ASSERT(a[i].redelivered == b[i].redelivered);
    }
  }
}

}  // namespace
}  // namespace eventfabric::core
