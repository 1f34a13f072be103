#include "emulator/harness/contract.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "emulator/core/names.h"

namespace eventfabric::harness {

namespace {

using json = nlohmann::json;

struct parser {
  std::string file;

  std::unexpected<core::error> fail(const std::string& pointer, const std::string& what) const {
    return core::fail(core::errc::invalid_argument,
                      file + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " + what,
                      {{"file", file}, {"pointer", pointer}});
  }

  core::result<std::string> string_at(const json& v, const std::string& p, bool non_empty = true) const {
    if (!v.is_string()) return fail(p, "must be a string");
    if (non_empty && v.get_ref<const std::string&>().empty()) return fail(p, "must not be empty");
    return v.get<std::string>();
  }

  core::result<std::vector<std::string>> strings_at(const json& v, const std::string& p) const {
    if (!v.is_array()) return fail(p, "must be an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto s = string_at(v[i], p + "/" + std::to_string(i));
      if (!s) return std::unexpected(s.error());
      out.push_back(std::move(*s));
    }
    return out;
  }

  core::result<int64_t> int_at(const json& v, const std::string& p, int64_t lo, int64_t hi) const {
    if (!v.is_number_integer()) return fail(p, "must be an integer");
    const auto n = v.get<int64_t>();
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(hi))
      return fail(p, "must be at most " + std::to_string(hi));
    if (n < lo || n > hi) return fail(p, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return n;
  }

  core::result<double> probability_at(const json& v, const std::string& p) const {
    if (!v.is_number()) return fail(p, "must be a probability (a number in [0, 1])");
    const double d = v.get<double>();
    if (!(d >= 0.0 && d <= 1.0)) return fail(p, "must be a probability (a number in [0, 1])");
    return d;
  }

  static bool extension(const std::string& key) { return key == "description" || key.starts_with("x-"); }

  core::result<source> parse_source(const json& v, const std::string& p) const {
    if (!v.is_object()) return fail(p, "must be an object with \"topic\" (and \"group\") or \"queue\"");
    source s;
    bool topic = false, queue = false;
    for (const auto& [key, val] : v.items()) {
      const std::string kp = p + "/" + key;
      if (key == "topic" || key == "queue") {
        auto n = string_at(val, kp);
        if (!n) return std::unexpected(n.error());
        if (auto ok = core::check_topic_name(*n, false); !ok)
          return fail(kp, ok.error().message);
        s.name = *n;
        (key == "topic" ? topic : queue) = true;
      } else if (key == "group") {
        auto g = string_at(val, kp);
        if (!g) return std::unexpected(g.error());
        s.group = *g;
      } else if (!extension(key)) {
        return fail(kp, "unknown field (expected topic, group or queue)");
      }
    }
    if (topic == queue) return fail(p, "needs exactly one of \"topic\" or \"queue\"");
    if (queue && !s.group.empty()) return fail(p + "/group", "a queue has no consumer group");
    s.topic = topic;
    return s;
  }

  core::result<endpoint> parse_endpoint(const json& v, const std::string& p) const {
    if (!v.is_object()) return fail(p, "must be an object");
    endpoint e;
    for (const auto& [key, val] : v.items()) {
      const std::string kp = p + "/" + key;
      if (key == "command") {
        auto c = strings_at(val, kp);
        if (!c) return std::unexpected(c.error());
        if (c->empty()) return fail(kp, "must name a program");
        e.command = std::move(*c);
      } else if (key == "deliver_url" || key == "state_url" || key == "reset_url" || key == "ready_url") {
        auto u = string_at(val, kp);
        if (!u) return std::unexpected(u.error());
        if (!u->starts_with("http://")) return fail(kp, "must be an http:// URL");
        (key == "deliver_url" ? e.deliver_url
         : key == "state_url" ? e.state_url
         : key == "reset_url" ? e.reset_url
                              : e.ready_url) = *u;
      } else if (!extension(key)) {
        return fail(kp, "unknown field (expected command, deliver_url, state_url, reset_url, ready_url)");
      }
    }
    if (e.deliver_url.empty()) return fail(p, "missing \"deliver_url\"");
    if (e.state_url.empty()) return fail(p, "missing \"state_url\"");
    return e;
  }

  core::result<fault_plan> parse_faults(const json& v, const std::string& p) const {
    if (!v.is_object()) return fail(p, "must be an object of fault probabilities");
    fault_plan f;
    bool reorder_given = false;
    for (const auto& [key, val] : v.items()) {
      const std::string kp = p + "/" + key;
      double* prob = key == "duplicate"      ? &f.duplicate
                     : key == "reorder"      ? &f.reorder
                     : key == "fail"         ? &f.fail
                     : key == "timeout"      ? &f.timeout
                     : key == "lost_ack"     ? &f.lost_ack
                     : key == "crash"        ? &f.crash
                     : key == "rebalance"    ? &f.rebalance
                     : key == "commit_error" ? &f.commit_error
                     : key == "delay"        ? &f.delay
                                             : nullptr;
      if (prob) {
        auto d = probability_at(val, kp);
        if (!d) return std::unexpected(d.error());
        *prob = *d;
        reorder_given = reorder_given || key == "reorder";
      } else if (key == "reorder_window") {
        auto n = int_at(val, kp, 0, faults::kMaxWindow);
        if (!n) return std::unexpected(n.error());
        f.reorder_window = static_cast<int32_t>(*n);
      } else if (key == "delay_ms") {
        auto n = int_at(val, kp, 0, faults::kMaxDelayMs);
        if (!n) return std::unexpected(n.error());
        f.delay_ms = *n;
      } else if (!extension(key)) {
        return fail(kp,
                    "unknown fault (expected duplicate, reorder, reorder_window, fail, timeout, lost_ack, crash, "
                    "rebalance, commit_error, delay, delay_ms)");
      }
    }
    if (!reorder_given && f.reorder_window > 0) f.reorder = 0.2;
    if (f.reorder > 0 && f.reorder_window == 0) f.reorder_window = 3;
    return f;
  }

  core::result<contract> parse(const json& j, const std::filesystem::path& path) const {
    if (!j.is_object()) return fail("", "a contract is a JSON object");
    contract c;
    c.file = path;
    const std::filesystem::path base = path.empty() ? std::filesystem::path(".") : path.parent_path();
    bool has_consumer = false;
    for (const auto& [key, val] : j.items()) {
      const std::string p = "/" + key;
      if (key == "name") {
        auto n = string_at(val, p);
        if (!n) return std::unexpected(n.error());
        c.name = *n;
      } else if (key == "consumes") {
        if (!val.is_array() || val.empty()) return fail(p, "must be a non-empty array of sources");
        for (std::size_t i = 0; i < val.size(); ++i) {
          auto s = parse_source(val[i], p + "/" + std::to_string(i));
          if (!s) return std::unexpected(s.error());
          c.consumes.push_back(std::move(*s));
        }
      } else if (key == "fixtures") {
        auto f = strings_at(val, p);
        if (!f) return std::unexpected(f.error());
        for (auto& s : *f) {
          std::filesystem::path fp(s);
          c.fixtures.push_back(fp.is_absolute() ? fp : (base / fp).lexically_normal());
        }
      } else if (key == "consumer") {
        auto e = parse_endpoint(val, p);
        if (!e) return std::unexpected(e.error());
        c.consumer = std::move(*e);
        has_consumer = true;
      } else if (key == "state") {
        if (!val.is_object()) return fail(p, "must be an object, e.g. {\"ignore\": [\"/updated_at\"]}");
        for (const auto& [sk, sv] : val.items()) {
          if (sk == "ignore") {
            auto ig = strings_at(sv, p + "/ignore");
            if (!ig) return std::unexpected(ig.error());
            for (std::size_t i = 0; i < ig->size(); ++i)
              if ((*ig)[i].front() != '/')
                return fail(p + "/ignore/" + std::to_string(i), "must be a JSON pointer starting with '/'");
            c.state_ignore = std::move(*ig);
          } else if (!extension(sk)) {
            return fail(p + "/" + sk, "unknown field (expected ignore)");
          }
        }
      } else if (key == "produces") {
        auto t = strings_at(val, p);
        if (!t) return std::unexpected(t.error());
        for (std::size_t i = 0; i < t->size(); ++i)
          if (auto ok = core::check_event_type((*t)[i]); !ok)
            return fail(p + "/" + std::to_string(i), ok.error().message);
        c.produces = std::move(*t);
      } else if (key == "ordering") {
        auto o = string_at(val, p);
        if (!o) return std::unexpected(o.error());
        if (*o == "per-key") c.order = ordering::per_key;
        else if (*o == "none") c.order = ordering::none;
        else return fail(p, "must be \"per-key\" or \"none\"");
      } else if (key == "delivery") {
        if (!val.is_object()) return fail(p, "must be an object, e.g. {\"max_attempts\": 5}");
        for (const auto& [dk, dv] : val.items()) {
          if (dk == "max_attempts") {
            auto n = int_at(dv, p + "/max_attempts", 1, 100);
            if (!n) return std::unexpected(n.error());
            c.max_attempts = static_cast<int32_t>(*n);
          } else if (dk == "timeout_ms") {
            auto n = int_at(dv, p + "/timeout_ms", 1, 600'000);
            if (!n) return std::unexpected(n.error());
            c.timeout_ms = *n;
          } else if (!extension(dk)) {
            return fail(p + "/" + dk, "unknown field (expected max_attempts, timeout_ms)");
          }
        }
      } else if (key == "faults") {
        auto f = parse_faults(val, p);
        if (!f) return std::unexpected(f.error());
        c.faults = *f;
      } else if (key == "runs") {
        auto n = int_at(val, p, 0, 100'000);
        if (!n) return std::unexpected(n.error());
        c.runs = static_cast<int32_t>(*n);
      } else if (key == "seed") {
        if (!val.is_number_unsigned() && !(val.is_number_integer() && val.get<int64_t>() >= 0))
          return fail(p, "must be a non-negative integer");
        c.seed = val.get<uint64_t>();
      } else if (!extension(key)) {
        return fail(p,
                    "unknown field (expected name, consumes, fixtures, consumer, state, produces, ordering, "
                    "delivery, faults, runs, seed)");
      }
    }
    if (c.name.empty()) return fail("", "missing \"name\"");
    if (c.consumes.empty()) return fail("", "missing \"consumes\"");
    if (!has_consumer) return fail("", "missing \"consumer\"");
    for (auto& s : c.consumes)
      if (s.topic && s.group.empty()) s.group = c.name;
    return c;
  }
};

}  // namespace

bool fault_plan::empty() const {
  return duplicate == 0 && reorder == 0 && fail == 0 && timeout == 0 && lost_ack == 0 && crash == 0 &&
         rebalance == 0 && commit_error == 0 && delay == 0;
}

bool contract::consumes_topic(std::string_view t) const {
  for (const auto& s : consumes)
    if (s.topic && s.name == t) return true;
  return false;
}

bool contract::consumes_queue(std::string_view q) const {
  for (const auto& s : consumes)
    if (!s.topic && s.name == q) return true;
  return false;
}

core::result<contract> parse_contract(std::string_view text, const std::filesystem::path& file) {
  parser p{file.empty() ? std::string("<contract>") : file.string()};
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return p.fail("", "not valid JSON");
  return p.parse(j, file);
}

core::result<contract> load_contract(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return core::fail(core::errc::not_found, file.string() + ": cannot read the contract file",
                      {{"file", file.string()}});
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_contract(ss.str(), file);
}

std::vector<faults::rule> rules_of(const contract& c, bool can_crash) {
  std::vector<faults::rule> out;
  auto add = [&](faults::fault_kind k, double p) {
    if (p <= 0) return;
    faults::rule r;
    r.id = std::string(faults::kind_name(k));
    r.kind = k;
    r.on = faults::target_type::subscription;
    r.name = "*";
    r.probability = p;
    if (k == faults::fault_kind::reorder) {
      r.window = std::max(c.faults.reorder_window, 1);
      r.allow_same_key = c.order == ordering::none;
    }
    if (k == faults::fault_kind::delay) r.delay_ms = c.faults.delay_ms;
    out.push_back(std::move(r));
  };
  using faults::fault_kind;
  add(fault_kind::duplicate, c.faults.duplicate);
  add(fault_kind::reorder, c.faults.reorder);
  add(fault_kind::fail, c.faults.fail);
  add(fault_kind::timeout, c.faults.timeout);
  add(fault_kind::lost_ack, c.faults.lost_ack);
  if (can_crash) add(fault_kind::crash, c.faults.crash);
  add(fault_kind::rebalance, c.faults.rebalance);
  add(fault_kind::commit_error, c.faults.commit_error);
  add(fault_kind::delay, c.faults.delay);
  return out;
}

}  // namespace eventfabric::harness
