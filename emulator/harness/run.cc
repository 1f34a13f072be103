#include "emulator/harness/run.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "emulator/core/clock.h"
#include "emulator/core/random.h"
#include "emulator/delivery/subscription.h"
#include "emulator/faults/engine.h"

namespace eventfabric::harness {

delivery::subscription_options subscription_for(const contract& c) {
  delivery::subscription_options o;
  o.name = c.name;
  o.consumer = c.name;
  o.retry.initial_delay_ms = 100;
  o.retry.multiplier = 2.0;
  o.retry.max_delay_ms = 10'000;
  o.retry.max_attempts = c.max_attempts;
  o.blocking = c.order == ordering::per_key;
  o.quarantine_after = 0;  // the harness reports DLQ outcomes; it does not park poison pills aside
  o.count_injected_failures = false;
  return o;
}

bool is_error_contract(std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("error")) return false;
  const auto& e = j["error"];
  if (!e.is_object()) return false;
  if (!e.contains("code") || !e["code"].is_string() || e["code"].get_ref<const std::string&>().empty()) return false;
  if (!e.contains("message") || !e["message"].is_string()) return false;
  return !e.contains("details") || e["details"].is_object();
}

run_result run_once(const contract& c, const std::vector<delivery::message>& messages, consumer& cons,
                    const run_options& o) {
  run_result r;
  if (auto ok = cons.reset(); !ok) {
    r.failure = ok.error();
    return r;
  }
  core::manual_clock clk(kRunStartMs);
  const uint64_t seed = o.seed.value_or(0);
  core::random rng(seed ^ 0x9e3779b97f4a7c15ULL);
  std::unique_ptr<faults::engine> fe;
  if (o.replay) {
    fe = std::make_unique<faults::engine>(faults::engine::replay(*o.replay, clk));
  } else if (o.seed) {
    fe = std::make_unique<faults::engine>(*o.seed, clk);
    fe->track_messages(true);
    fe->set_failure_cap(std::max(c.max_attempts - 1, 0));
    if (auto ok = fe->set_rules(rules_of(c, o.can_crash)); !ok) {
      r.failure = ok.error();
      return r;
    }
  }
  delivery::subscription sub(subscription_for(c), clk, rng, fe.get());
  for (const auto& m : messages) sub.enqueue(m);

  const uint64_t max_steps = 10'000 + 200 * static_cast<uint64_t>(messages.size());
  for (uint64_t step = 0; step < max_steps; ++step) {
    auto d = sub.next();
    if (!d) {
      const auto due = sub.next_due();
      if (!due || *due <= clk.now_ms()) break;
      clk.set(*due);
      continue;
    }
    delivery::outcome answer = cons.deliver(*d);
    ++r.deliveries;
    if (answer.kind == delivery::outcome_kind::permanent) {
      r.rejected.insert(d->msg.envelope_id);
      if (!is_error_contract(answer.body)) r.bad_errors.push_back({d->msg.envelope_id, answer.status, answer.body});
    }
    auto done = sub.complete(d->id, answer);
    if (!done) {
      r.failure = done.error();
      return r;
    }
    if (done->result == delivery::verdict::dead_lettered) r.dead_lettered.insert(d->msg.envelope_id);
    if (done->restart_consumer && o.can_crash && cons.can_restart()) {
      if (auto ok = cons.restart(); !ok) {
        r.failure = ok.error();
        return r;
      }
      ++r.restarts;
    }
  }
  r.incomplete = !sub.idle();
  if (fe) r.schedule = fe->realised();
  auto st = cons.state();
  if (!st) {
    r.failure = st.error();
    return r;
  }
  r.state = std::move(*st);
  r.output = cons.output();
  return r;
}

}  // namespace eventfabric::harness
