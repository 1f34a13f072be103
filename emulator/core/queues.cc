// Topology (exchanges, queues, bindings), routing and publish. Consumption is
// in queues_consume.cc, dead-lettering in queues_deadletter.cc, persistence in
// queues_persist.cc and queues_codec.cc.
#include "emulator/core/queues.h"

#include <algorithm>
#include <utility>

#include "emulator/core/queues_codec.h"
#include "emulator/core/topic_match.h"

namespace eventfabric::core {

namespace {

constexpr std::size_t max_routing_key = 255;

bool is_reserved_exchange(std::string_view name) { return name.empty() || name.starts_with("amq."); }

const exchange_config predeclared[] = {
    {"", exchange_type::direct},
    {"amq.direct", exchange_type::direct},
    {"amq.topic", exchange_type::topic},
    {"amq.fanout", exchange_type::fanout},
};

std::unexpected<error> key_too_long(std::string_view field) {
  return fail(errc::invalid_argument, std::string(field) + " must be at most 255 bytes",
              {{"field", std::string(field)}});
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

queues::queues(clock& clk, storage* store, bool strict_names)
    : clk_(clk), store_(store), strict_(strict_names) {
  for (const auto& ex : predeclared) exchanges_.emplace(ex.name, ex);
}

queue* queues::find_queue(std::string_view name) {
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : &it->second;
}

const queue* queues::find_queue(std::string_view name) const {
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : &it->second;
}

result<queue*> queues::need_queue(std::string_view name) {
  if (queue* q = find_queue(name)) return q;
  return fail(errc::not_found, "queue \"" + std::string(name) + "\" not found",
              {{"queue", std::string(name)}});
}

result<const queue*> queues::need_queue(std::string_view name) const {
  if (const queue* q = find_queue(name)) return q;
  return fail(errc::not_found, "queue \"" + std::string(name) + "\" not found",
              {{"queue", std::string(name)}});
}

// --- exchanges ------------------------------------------------------------------

result<void> queues::declare_exchange(const exchange_config& cfg) {
  auto it = exchanges_.find(cfg.name);
  if (is_reserved_exchange(cfg.name)) {
    if (it != exchanges_.end() && it->second == cfg && !cfg.name.empty()) return {};
    return fail(errc::invalid_name,
                "exchange name \"" + cfg.name +
                    "\" is reserved: \"\" is the default exchange and \"amq.\" names are pre-declared "
                    "(e.g. use notify.events)",
                {{"field", "name"}});
  }
  if (auto ok = check_exchange_name(cfg.name); !ok) return ok;
  if (it != exchanges_.end()) {
    if (it->second == cfg) return {};
    return fail(errc::already_exists,
                "exchange \"" + cfg.name + "\" exists with type " + std::string(to_string(it->second.type)),
                {{"exchange", cfg.name}});
  }
  exchanges_.emplace(cfg.name, cfg);
  if (store_) store_->put("exchange", cfg.name, queues_codec::encode_exchange(cfg.type));
  return {};
}

result<void> queues::delete_exchange(std::string_view name) {
  if (is_reserved_exchange(name))
    return fail(errc::invalid_name,
                "exchange \"" + std::string(name) + "\" is reserved and cannot be deleted",
                {{"field", "name"}});
  auto it = exchanges_.find(name);
  if (it == exchanges_.end())
    return fail(errc::not_found, "exchange \"" + std::string(name) + "\" not found",
                {{"exchange", std::string(name)}});
  for (auto b = bindings_.begin(); b != bindings_.end();) {
    if (b->exchange == name) {
      persist_binding(*b, false);
      b = bindings_.erase(b);
    } else {
      ++b;
    }
  }
  exchanges_.erase(it);
  if (store_) store_->erase("exchange", name);
  return {};
}

// --- queues ---------------------------------------------------------------------

result<void> queues::declare_queue(const queue_config& cfg) {
  if (auto ok = check_queue_config(cfg, strict_); !ok) return ok;
  if (const queue* q = find_queue(cfg.name)) {
    if (q->config() == cfg) return {};
    return fail(errc::already_exists, "queue \"" + cfg.name + "\" exists with a different configuration",
                {{"queue", cfg.name}});
  }
  queues_.emplace(cfg.name, queue(cfg));
  persist_queue(cfg);
  return {};
}

result<void> queues::delete_queue(std::string_view name) {
  auto it = queues_.find(name);
  if (it == queues_.end())
    return fail(errc::not_found, "queue \"" + std::string(name) + "\" not found",
                {{"queue", std::string(name)}});
  for (auto b = bindings_.begin(); b != bindings_.end();) {
    if (b->queue == name) {
      persist_binding(*b, false);
      b = bindings_.erase(b);
    } else {
      ++b;
    }
  }
  // Scheduled dead-letterings never outlive a public call, so none refer to it.
  if (store_) {
    store_->erase_prefix("qmsg", queues_codec::qmsg_prefix(name));
    store_->erase("queue", name);
  }
  queues_.erase(it);
  return {};
}

result<std::size_t> queues::purge(std::string_view name) {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  const auto ids = (*q)->ready_ids((*q)->ready_count());
  for (uint64_t id : ids) {
    erase_entry(**q, id);
    (*q)->remove(id);
  }
  return ids.size();
}

result<std::size_t> queues::purge_dead(std::string_view name) {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  const auto ids = (*q)->dead_ids((*q)->dead_count());
  for (uint64_t id : ids) {
    erase_entry(**q, id);
    (*q)->remove(id);
  }
  return ids.size();
}

// --- bindings -------------------------------------------------------------------

namespace {

result<void> check_binding_ends(const binding& b, bool has_exchange, bool has_queue) {
  if (b.exchange.empty())
    return fail(errc::invalid_argument, "the default exchange cannot be bound; it routes by queue name",
                {{"field", "exchange"}});
  if (!has_exchange)
    return fail(errc::not_found, "exchange \"" + b.exchange + "\" not found", {{"exchange", b.exchange}});
  if (!has_queue) return fail(errc::not_found, "queue \"" + b.queue + "\" not found", {{"queue", b.queue}});
  if (b.routing_key.size() > max_routing_key) return key_too_long("routing_key");
  return {};
}

}  // namespace

result<void> queues::bind(const binding& b) {
  if (auto ok = check_binding_ends(b, exchanges_.contains(b.exchange), find_queue(b.queue) != nullptr); !ok)
    return ok;
  if (bindings_.insert(b).second) persist_binding(b, true);
  return {};
}

result<void> queues::unbind(const binding& b) {
  if (auto ok = check_binding_ends(b, exchanges_.contains(b.exchange), find_queue(b.queue) != nullptr); !ok)
    return ok;
  if (bindings_.erase(b) > 0) persist_binding(b, false);
  return {};
}

// --- listing --------------------------------------------------------------------

std::vector<std::string> queues::list_queues() const {
  std::vector<std::string> out;
  for (const auto& [name, q] : queues_) out.push_back(name);
  return out;
}

std::vector<exchange_config> queues::list_exchanges() const {
  std::vector<exchange_config> out;
  for (const auto& [name, ex] : exchanges_) out.push_back(ex);
  return out;
}

std::vector<binding> queues::list_bindings() const { return {bindings_.begin(), bindings_.end()}; }

result<queue_config> queues::queue_info(std::string_view name) const {
  auto q = need_queue(name);
  if (!q) return std::unexpected(q.error());
  return (*q)->config();
}

// --- routing and publish --------------------------------------------------------

std::set<std::string> queues::route(const exchange_config& ex, std::string_view routing_key) const {
  std::set<std::string> out;
  if (ex.name.empty()) {
    if (find_queue(routing_key)) out.emplace(routing_key);
    return out;
  }
  for (auto it = bindings_.lower_bound(binding{ex.name, "", ""});
       it != bindings_.end() && it->exchange == ex.name; ++it) {
    const bool hit = ex.type == exchange_type::fanout ||
                     (ex.type == exchange_type::direct && it->routing_key == routing_key) ||
                     (ex.type == exchange_type::topic && topic_matches(it->routing_key, routing_key));
    if (hit) out.insert(it->queue);
  }
  return out;
}

bool queues::would_reject(const queue& q) const {
  const auto& cfg = q.config();
  return cfg.max_length && cfg.overflow == overflow_policy::reject_publish &&
         static_cast<int64_t>(q.ready_count()) >= *cfg.max_length;
}

uint64_t queues::enqueue(queue& q, message m) {
  m.id = next_id_++;
  persist_next_id();
  queue_entry e;
  e.msg = std::move(m);
  e.enqueued_ms = clk_.now_ms();
  const uint64_t id = e.msg.id;
  q.insert(std::move(e));
  ++q.counters().published;
  persist_entry(q, id);
  const auto& cfg = q.config();
  if (cfg.max_length && cfg.overflow == overflow_policy::drop_head) {
    while (static_cast<int64_t>(q.ready_count()) > *cfg.max_length) dead_letter(q, *q.oldest(), "maxlen");
  }
  return id;
}

result<publish_result> queues::publish(const publish_request& req) {
  auto ex = exchanges_.find(req.exchange);
  if (ex == exchanges_.end())
    return fail(errc::not_found, "exchange \"" + req.exchange + "\" not found", {{"exchange", req.exchange}});
  if (req.routing_key.size() > max_routing_key) return key_too_long("routing_key");
  if (req.expiration_ms && *req.expiration_ms < 0)
    return fail(errc::invalid_argument, "expiration_ms must be >= 0", {{"field", "expiration_ms"}});

  const auto targets = route(ex->second, req.routing_key);
  if (targets.empty() && req.mandatory)
    return fail(
        errc::unroutable,
        "no queue is bound to exchange \"" + req.exchange + "\" for routing key \"" + req.routing_key + "\"",
        {{"exchange", req.exchange}, {"routing_key", req.routing_key}});

  message m{0,
            req.exchange,
            req.routing_key,
            req.body,
            req.message_id,
            req.headers,
            req.priority,
            req.expiration_ms,
            clk_.now_ms(),
            {},
            0};
  publish_result out;
  out.message_id_seq = next_id_;
  std::vector<std::string> refused;
  for (const auto& name : targets) {
    queue& q = *find_queue(name);
    if (would_reject(q)) {
      ++q.counters().rejected_publishes;
      refused.push_back(name);
      continue;
    }
    out.ids.push_back(enqueue(q, m));
    out.queues.push_back(name);
  }
  drain();
  if (!refused.empty())
    return fail(errc::rejected, "queue \"" + refused.front() + "\" is full (max_length with reject_publish)",
                {{"queue", refused.front()}, {"enqueued", join(out.queues)}});
  return out;
}

}  // namespace eventfabric::core
