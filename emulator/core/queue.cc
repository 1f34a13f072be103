#include "emulator/core/queue.h"

#include <algorithm>
#include <limits>

#include "emulator/core/topic_match.h"

namespace eventfabric::core {

std::string_view to_string(exchange_type t) noexcept {
  switch (t) {
    case exchange_type::direct:
      return "direct";
    case exchange_type::topic:
      return "topic";
    case exchange_type::fanout:
      return "fanout";
  }
  return "unknown";
}

std::string_view to_string(overflow_policy p) noexcept {
  switch (p) {
    case overflow_policy::drop_head:
      return "drop-head";
    case overflow_policy::reject_publish:
      return "reject-publish";
  }
  return "unknown";
}

std::string_view to_string(message_state s) noexcept {
  switch (s) {
    case message_state::ready:
      return "ready";
    case message_state::unacked:
      return "unacked";
    case message_state::dead:
      return "dead";
  }
  return "unknown";
}

namespace {

constexpr std::size_t max_name_len = 255;

bool is_relaxed_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == ':' || c == '-';
}

bool relaxed_ok(std::string_view s) {
  return !s.empty() && s.size() <= max_name_len && std::ranges::all_of(s, is_relaxed_char);
}

// [a-z][a-z0-9_-]*
bool strict_segment_ok(std::string_view w) {
  if (w.empty() || w[0] < 'a' || w[0] > 'z') return false;
  return std::ranges::all_of(
      w, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; });
}

bool strict_ok(std::string_view name) {
  if (name.size() > max_name_len) return false;
  const auto words = split_words(name);
  if (words.size() != 3 && words.size() != 4) return false;
  if (!std::ranges::all_of(words, strict_segment_ok)) return false;
  if (words[2] != "high" && words[2] != "normal" && words[2] != "low") return false;
  return words.size() == 3 || words[3] == "dlq";
}

std::unexpected<error> bad_name(std::string_view field, std::string msg) {
  return fail(errc::invalid_name, std::move(msg), {{"field", std::string(field)}});
}

std::unexpected<error> bad_arg(std::string_view field, std::string msg) {
  return fail(errc::invalid_argument, std::move(msg), {{"field", std::string(field)}});
}

}  // namespace

result<void> check_queue_name(std::string_view name, bool strict) {
  const std::string shown = "\"" + std::string(name.substr(0, 64)) + "\"";
  if (name.starts_with("amq."))
    return bad_name(
        "name", "queue name " + shown + " uses the reserved prefix \"amq.\" (e.g. use notify.email.high)");
  if (strict && !strict_ok(name))
    return bad_name("name", "queue name " + shown +
                                " must be service.action.priority: three dot-separated lower-case "
                                "segments matching [a-z][a-z0-9_-]*, the third one of high|normal|low, "
                                "optionally followed by .dlq (e.g. notify.email.high, "
                                "ledger.refund.normal.dlq)");
  if (!strict && !relaxed_ok(name))
    return bad_name("name", "queue name " + shown +
                                " must be 1..255 characters of [A-Za-z0-9._:-] (e.g. orders.created)");
  return {};
}

result<void> check_exchange_name(std::string_view name, std::string_view field) {
  if (relaxed_ok(name)) return {};
  return bad_name(field, "exchange name \"" + std::string(name.substr(0, 64)) +
                             "\" must be 1..255 characters of [A-Za-z0-9._:-] (e.g. notify.events)");
}

result<void> check_queue_config(const queue_config& cfg, bool strict) {
  if (auto ok = check_queue_name(cfg.name, strict); !ok) return ok;
  if (cfg.message_ttl_ms && *cfg.message_ttl_ms < 0)
    return bad_arg("message_ttl_ms", "message_ttl_ms must be >= 0");
  if (cfg.max_length && *cfg.max_length < 0) return bad_arg("max_length", "max_length must be >= 0");
  if (cfg.max_priority && *cfg.max_priority == 0)
    return bad_arg("max_priority", "max_priority must be 1..255 (RabbitMQ recommends 1..10)");
  if (cfg.delivery_limit && *cfg.delivery_limit < 0)
    return bad_arg("delivery_limit", "delivery_limit must be >= 0");
  if (!cfg.dead_letter_exchange.empty()) {
    if (auto ok = check_exchange_name(cfg.dead_letter_exchange, "dead_letter_exchange"); !ok) return ok;
  }
  if (cfg.dead_letter_routing_key && cfg.dead_letter_routing_key->size() > max_name_len)
    return bad_arg("dead_letter_routing_key", "dead_letter_routing_key must be at most 255 bytes");
  return {};
}

// --- queue -------------------------------------------------------------------

queue::ready_key queue::key_of(const message& m) const {
  const int prio = cfg_.max_priority ? std::min<int>(m.priority, *cfg_.max_priority) : 0;
  return {-prio, m.id};
}

std::optional<int64_t> queue::expires_at(const queue_entry& e) const {
  std::optional<int64_t> ttl = cfg_.message_ttl_ms;
  if (e.msg.expiration_ms) ttl = ttl ? std::min(*ttl, *e.msg.expiration_ms) : *e.msg.expiration_ms;
  if (!ttl) return std::nullopt;
  // Saturate: a TTL beyond the representable range never expires.
  if (*ttl > std::numeric_limits<int64_t>::max() - e.enqueued_ms) return std::nullopt;
  return e.enqueued_ms + *ttl;
}

void queue::attach(queue_entry& e) {
  switch (e.state) {
    case message_state::ready:
      ready_.insert(key_of(e.msg));
      ready_by_id_.insert(e.msg.id);
      if (auto at = expires_at(e)) expiry_.insert({*at, e.msg.id});
      break;
    case message_state::unacked:
      by_tag_[e.delivery_tag] = e.msg.id;
      if (e.lease_deadline_ms) leases_.insert({*e.lease_deadline_ms, e.delivery_tag});
      if (auto it = consumers_.find(e.consumer_tag); it != consumers_.end()) ++it->second.unacked;
      break;
    case message_state::dead:
      dead_.insert(e.msg.id);
      break;
  }
}

void queue::detach(queue_entry& e) {
  switch (e.state) {
    case message_state::ready:
      ready_.erase(key_of(e.msg));
      ready_by_id_.erase(e.msg.id);
      if (auto at = expires_at(e)) expiry_.erase({*at, e.msg.id});
      break;
    case message_state::unacked:
      by_tag_.erase(e.delivery_tag);
      if (e.lease_deadline_ms) leases_.erase({*e.lease_deadline_ms, e.delivery_tag});
      if (auto it = consumers_.find(e.consumer_tag); it != consumers_.end() && it->second.unacked > 0)
        --it->second.unacked;
      e.delivery_tag = 0;
      e.consumer_tag.clear();
      e.lease_deadline_ms.reset();
      break;
    case message_state::dead:
      dead_.erase(e.msg.id);
      break;
  }
}

void queue::insert(queue_entry e) {
  if (e.state == message_state::unacked) {
    e.state = message_state::ready;
    e.redelivered = true;
  }
  const uint64_t id = e.msg.id;
  auto [it, inserted] = entries_.emplace(id, std::move(e));
  if (inserted) attach(it->second);
}

const queue_entry* queue::find(uint64_t id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

message* queue::message_of(uint64_t id) {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second.msg;
}

std::optional<uint64_t> queue::id_of_tag(uint64_t delivery_tag) const {
  auto it = by_tag_.find(delivery_tag);
  if (it == by_tag_.end()) return std::nullopt;
  return it->second;
}

std::vector<uint64_t> queue::ready_ids(std::size_t max, uint64_t after) const {
  std::vector<uint64_t> out;
  for (auto it = ready_.begin(); it != ready_.end() && out.size() < max; ++it)
    if (it->second > after) out.push_back(it->second);
  return out;
}

std::optional<uint64_t> queue::head() const {
  if (ready_.empty()) return std::nullopt;
  return ready_.begin()->second;
}

std::optional<uint64_t> queue::oldest() const {
  if (ready_by_id_.empty()) return std::nullopt;
  return *ready_by_id_.begin();
}

std::vector<uint64_t> queue::dead_ids(std::size_t max) const {
  std::vector<uint64_t> out;
  for (auto it = dead_.begin(); it != dead_.end() && out.size() < max; ++it) out.push_back(*it);
  return out;
}

std::pair<std::vector<uint64_t>, std::size_t> queue::ids_after(uint64_t after, std::size_t max) const {
  std::pair<std::vector<uint64_t>, std::size_t> out;
  for (auto it = entries_.upper_bound(after); it != entries_.end(); ++it, ++out.second)
    if (out.first.size() < max) out.first.push_back(it->first);
  return out;
}

std::vector<uint64_t> queue::expired_ready(int64_t now_ms) const {
  std::vector<uint64_t> out;
  for (auto it = expiry_.begin(); it != expiry_.end() && it->first <= now_ms; ++it) out.push_back(it->second);
  // Dead-letter in FIFO order, whatever the individual TTLs.
  std::ranges::sort(out);
  return out;
}

std::vector<uint64_t> queue::expired_leases(int64_t now_ms) const {
  std::vector<uint64_t> out;
  for (auto it = leases_.begin(); it != leases_.end() && it->first <= now_ms; ++it) out.push_back(it->second);
  return out;
}

delivery queue::deliver(uint64_t id, std::string_view consumer, int64_t now_ms, int64_t lease_ms) {
  queue_entry& e = entries_.at(id);
  detach(e);
  e.state = message_state::unacked;
  ++e.delivery_count;
  e.delivery_tag = next_tag_++;
  e.consumer_tag = std::string(consumer);
  if (lease_ms > 0)
    e.lease_deadline_ms = now_ms > std::numeric_limits<int64_t>::max() - lease_ms
                              ? std::numeric_limits<int64_t>::max()
                              : now_ms + lease_ms;
  attach(e);
  ++counters_.delivered;
  if (e.redelivered) ++counters_.redelivered;
  return delivery{cfg_.name, e.delivery_tag, e.redelivered, e.delivery_count, e.consumer_tag, e.msg};
}

void queue::requeue(uint64_t id) {
  queue_entry& e = entries_.at(id);
  detach(e);
  e.state = message_state::ready;
  e.redelivered = true;
  attach(e);
}

void queue::kill(uint64_t id) {
  queue_entry& e = entries_.at(id);
  detach(e);
  e.state = message_state::dead;
  attach(e);
}

queue_entry queue::remove(uint64_t id) {
  auto node = entries_.extract(id);
  detach(node.mapped());
  return std::move(node.mapped());
}

consumer_state& queue::register_consumer(std::string_view tag) {
  auto it = consumers_.find(tag);
  if (it == consumers_.end()) it = consumers_.emplace(std::string(tag), consumer_state{}).first;
  return it->second;
}

const consumer_state* queue::find_consumer(std::string_view tag) const {
  auto it = consumers_.find(tag);
  return it == consumers_.end() ? nullptr : &it->second;
}

std::vector<uint64_t> queue::remove_consumer(std::string_view tag) {
  std::vector<uint64_t> held;
  for (const auto& [t, id] : by_tag_)
    if (entries_.at(id).consumer_tag == tag) held.push_back(id);
  if (auto it = consumers_.find(tag); it != consumers_.end()) consumers_.erase(it);
  return held;
}

std::size_t queue::room(std::string_view tag) const {
  const consumer_state* c = find_consumer(tag);
  if (c == nullptr || c->prefetch == 0) return std::numeric_limits<std::size_t>::max();
  return c->prefetch > c->unacked ? c->prefetch - c->unacked : 0;
}

std::vector<uint64_t> queue::all_ids() const {
  std::vector<uint64_t> out;
  out.reserve(entries_.size());
  for (const auto& [id, e] : entries_) out.push_back(id);
  return out;
}

queue_stats queue::stats() const {
  queue_stats s = counters_;
  s.ready = ready_.size();
  s.unacked = by_tag_.size();
  s.dead = dead_.size();
  s.consumers = consumers_.size();
  return s;
}

}  // namespace eventfabric::core
