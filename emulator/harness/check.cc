#include "emulator/harness/check.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "emulator/harness/compare.h"
#include "emulator/harness/run.h"
#include "emulator/harness/shrink.h"
#include "emulator/schema/envelope_validator.h"

namespace eventfabric::harness {

namespace {

using json = nlohmann::json;

std::string text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json value_or_null(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  json v = json::parse(*s, nullptr, false);
  return v.is_discarded() ? json(*s) : v;
}

json events_json(const std::vector<output_event>& v) {
  json out = json::array();
  for (const auto& e : v)
    out.push_back({{"type", e.type}, {"payload", value_or_null(e.payload)}, {"partition_key", e.key}});
  return out;
}

// Schema problems of envelopes: [{"message_id","errors":[...]}]; empty when all are valid.
json schema_problems(const schema::envelope_validator& v, const std::vector<std::pair<std::string, std::string>>& envs,
                     const contract* produces_for) {
  json out = json::array();
  for (const auto& [topic, body] : envs) {
    json errors = json::array();
    for (const auto& e : v.validate(std::string_view(body)))
      errors.push_back({{"path", e.path}, {"rule", e.keyword}, {"message", e.message}});
    const json env = json::parse(body, nullptr, false);
    std::string id, type;
    if (env.is_object()) {
      if (env.contains("id") && env["id"].is_string()) id = env["id"].get<std::string>();
      if (env.contains("type") && env["type"].is_string()) type = env["type"].get<std::string>();
    }
    if (produces_for && !type.empty() &&
        std::ranges::find(produces_for->produces, type) == produces_for->produces.end())
      errors.push_back({{"path", "/type"},
                        {"rule", "produces"},
                        {"message", "the consumer published " + type + ", which its contract does not list in "
                                    "\"produces\""}});
    if (!errors.empty()) out.push_back({{"message_id", id}, {"topic", topic}, {"errors", std::move(errors)}});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> published_envelopes(const run_result& r) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : r.output) out.emplace_back(p.topic, p.envelope);
  return out;
}

json sorted_ids(const std::set<std::string>& s) { return json(std::vector<std::string>(s.begin(), s.end())); }

// What one check says about a faulty run against the clean one; nullopt when it holds.
struct finding {
  std::string message;
  json diff;
};

std::optional<finding> judge(const std::string& check, const contract& c, const run_result& clean,
                             const run_result& run, const schema::envelope_validator* validator) {
  if (check == "idempotency") {
    if (run.failure)
      return finding{"the run could not be completed: " + run.failure->message,
                     {{"error", run.failure->message}}};
    auto d = diff_state(clean.state, run.state, c.state_ignore);
    if (!d) return finding{d.error().message, {{"error", d.error().message}, {"state", run.state}}};
    if (d->empty()) return std::nullopt;
    json diffs = json::array();
    for (const auto& x : *d)
      diffs.push_back({{"pointer", x.pointer}, {"expected", value_or_null(x.expected)}, {"actual", value_or_null(x.actual)}});
    return finding{"the state differs from the clean run's at " + std::to_string(d->size()) + " pointer(s), first " +
                       (*d)[0].pointer,
                   {{"state", std::move(diffs)}}};
  }
  if (check == "output") {
    if (run.failure) return std::nullopt;  // reported as idempotency
    auto d = diff_output(clean.output, run.output);
    if (d.empty()) return std::nullopt;
    return finding{"the published events differ from the clean run's: " + std::to_string(d.missing.size()) +
                       " missing, " + std::to_string(d.extra.size()) + " extra",
                   {{"missing", events_json(d.missing)}, {"extra", events_json(d.extra)}}};
  }
  if (check == "error-contract") {
    json diff = json::object();
    std::string message;
    if (!run.bad_errors.empty()) {
      json bad = json::array();
      for (const auto& b : run.bad_errors)
        bad.push_back({{"message_id", b.message_id}, {"status", b.status}, {"body", b.body}});
      diff["not_error_contract"] = std::move(bad);
      message = std::to_string(run.bad_errors.size()) + " 4xx answer(s) without an error-contract body";
    }
    if (!run.failure && run.rejected != clean.rejected) {
      diff["expected_rejected"] = sorted_ids(clean.rejected);
      diff["actual_rejected"] = sorted_ids(run.rejected);
      message += std::string(message.empty() ? "" : "; ") + "the consumer rejected other messages than in the clean run";
    }
    if (message.empty()) return std::nullopt;
    return finding{message, std::move(diff)};
  }
  if (check == "schema") {
    if (!validator || run.failure) return std::nullopt;
    json problems = schema_problems(*validator, published_envelopes(run), &c);
    if (problems.empty()) return std::nullopt;
    return finding{std::to_string(problems.size()) + " published event(s) break their schema or \"produces\"",
                   {{"published", std::move(problems)}}};
  }
  return std::nullopt;
}

const std::vector<std::string> kChecks = {"schema", "idempotency", "output", "error-contract"};

}  // namespace

uint64_t run_seed(uint64_t base, int run) { return base + static_cast<uint64_t>(run - 1); }

contract_result check_contract(const contract& c, const std::vector<delivery::message>& messages, consumer& cons,
                               const check_options& o) {
  contract_result res;
  res.name = c.name;
  const int total = o.schedule ? 1 : o.runs.value_or(c.runs);
  const uint64_t base = o.seed.value_or(c.seed);
  const bool can_crash = cons.can_restart();
  auto report = [&](int done, const char* phase) {
    if (o.on_progress) o.on_progress({c.name, done, total, res.violations.size(), phase});
  };

  if (!o.validator) res.notes.push_back("schema check skipped: no contracts folder");
  if (c.faults.crash > 0 && !can_crash)
    res.notes.push_back("crash faults skipped: the consumer has no command for the harness to restart");

  // 1. The fixtures themselves.
  if (o.validator) {
    std::vector<std::pair<std::string, std::string>> envs;
    for (const auto& m : messages) envs.emplace_back(m.source, m.body);
    json problems = schema_problems(*o.validator, envs, nullptr);
    if (!problems.empty())
      res.violations.push_back({"schema", 0, std::nullopt, {}, std::nullopt, 0,
                                std::to_string(problems.size()) + " fixture envelope(s) break their schema",
                                text({{"fixtures", std::move(problems)}})});
  }

  // 2. The clean run.
  report(0, "clean");
  const run_result clean = run_once(c, messages, cons, {});
  res.deliveries += clean.deliveries;
  if (clean.failure) {
    res.error = core::error(clean.failure->code, c.name + ": the clean run failed: " + clean.failure->message);
    return res;
  }
  if (clean.incomplete) res.notes.push_back("the clean run stopped at its step bound before every message was settled");
  for (const auto& check : {std::string("schema"), std::string("error-contract")}) {
    if (auto f = judge(check, c, clean, clean, o.validator))
      res.violations.push_back({check, 0, std::nullopt, {}, std::nullopt, 0, "clean run: " + f->message, text(f->diff)});
  }
  if (!clean.dead_lettered.empty())
    res.notes.push_back(std::to_string(clean.dead_lettered.size()) + " message(s) went to the DLQ in the clean run");

  // 3. The faulty runs.
  std::map<std::string, std::size_t> first_of;  // check -> index of its first faulty-run violation
  for (int run = 1; run <= total; ++run) {
    run_options ro;
    ro.can_crash = can_crash;
    std::optional<uint64_t> seed;
    if (o.schedule) {
      ro.replay = *o.schedule;
    } else {
      seed = run_seed(base, run);
      ro.seed = seed;
    }
    const run_result r = run_once(c, messages, cons, ro);
    res.deliveries += r.deliveries;
    ++res.runs;
    for (const auto& check : kChecks) {
      auto f = judge(check, c, clean, r, o.validator);
      if (!f) continue;
      if (!first_of.contains(check)) first_of[check] = res.violations.size();
      res.violations.push_back({check, run, seed, o.schedule ? *o.schedule : r.schedule, std::nullopt, 0,
                                f->message, text(f->diff)});
    }
    report(run, "faulty");
  }

  // 4. Shrink the first violation of each check.
  if (o.shrink) {
    for (const auto& [check, index] : first_of) {
      violation& v = res.violations[index];
      report(total, "shrinking");
      std::optional<finding> last;
      auto fails = [&](const faults::schedule& s) {
        run_options ro;
        ro.can_crash = can_crash;
        ro.replay = s;
        const run_result r = run_once(c, messages, cons, ro);
        res.deliveries += r.deliveries;
        auto f = judge(check, c, clean, r, o.validator);
        if (f) last = std::move(f);
        return static_cast<bool>(f);
      };
      auto s = shrink(v.schedule, fails, o.max_shrink_tries);
      v.minimal = s.minimal;
      v.shrink_tries = s.tries;
      // The diff and message of the minimal schedule's run.
      last.reset();
      if (fails(s.minimal)) {
        v.diff = text(last->diff);
        v.message = last->message;
      }
      if (s.exhausted)
        res.notes.push_back("shrinking the " + check + " violation stopped after " + std::to_string(s.tries) +
                            " tries; the schedule shown may not be minimal");
    }
  }
  res.passed = res.violations.empty();
  return res;
}

}  // namespace eventfabric::harness
