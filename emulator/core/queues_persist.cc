// Persistence of the queues module: staging writes after each mutation, and
// recovery (restore + finish_restore). Encoding lives in queues_codec.cc.
#include <algorithm>
#include <utility>

#include "emulator/core/queues.h"
#include "emulator/core/queues_codec.h"

namespace eventfabric::core {

namespace codec = queues_codec;

void queues::persist_entry(const queue& q, uint64_t id) {
  if (store_ == nullptr) return;
  if (const queue_entry* e = q.find(id))
    store_->put("qmsg", codec::qmsg_key(q.name(), id), codec::encode_entry(*e));
}

void queues::erase_entry(const queue& q, uint64_t id) {
  if (store_) store_->erase("qmsg", codec::qmsg_key(q.name(), id));
}

void queues::persist_queue(const queue_config& cfg) {
  if (store_) store_->put("queue", cfg.name, codec::encode_queue_config(cfg));
}

void queues::persist_next_id() {
  if (store_) store_->put("meta", codec::next_id_key, codec::encode_u64(next_id_));
}

void queues::persist_binding(const binding& b, bool present) {
  if (store_ == nullptr) return;
  if (present)
    store_->put("binding", codec::binding_key(b), "");
  else
    store_->erase("binding", codec::binding_key(b));
}

result<bool> queues::restore(std::string_view space, std::string_view key, std::string_view value) {
  if (space == "exchange") {
    auto type = codec::decode_exchange(value);
    if (!type) return std::unexpected(type.error());
    if (key.empty() || key.starts_with("amq.")) return true;  // pre-declared; never stored by us
    if (!check_exchange_name(key))
      return fail(errc::storage_error, "corrupt stored exchange name", {{"space", "exchange"}});
    exchanges_.insert_or_assign(std::string(key), exchange_config{std::string(key), *type});
    return true;
  }
  if (space == "queue") {
    auto cfg = codec::decode_queue_config(value);
    if (!cfg) return std::unexpected(cfg.error());
    if (cfg->name != key)
      return fail(errc::storage_error, "stored queue key and name differ", {{"space", "queue"}});
    queues_.insert_or_assign(cfg->name, queue(*cfg));
    return true;
  }
  if (space == "binding") {
    auto b = codec::parse_binding_key(key);
    if (!b) return std::unexpected(b.error());
    restored_bindings_.push_back(std::move(*b));
    return true;
  }
  if (space == "qmsg") {
    auto parts = codec::parse_qmsg_key(key);
    if (!parts) return std::unexpected(parts.error());
    auto e = codec::decode_entry(value);
    if (!e) return std::unexpected(e.error());
    if (e->msg.id != parts->id)
      return fail(errc::storage_error, "stored qmsg key and id differ", {{"space", "qmsg"}});
    restored_entries_.emplace_back(std::move(parts->queue), std::move(*e));
    return true;
  }
  if (space == "meta" && key == codec::next_id_key) {
    auto v = codec::decode_u64(value);
    if (!v) return std::unexpected(v.error());
    next_id_ = std::max(next_id_, *v);
    return true;
  }
  return false;
}

void queues::finish_restore() {
  for (auto& b : restored_bindings_) {
    if (exchanges_.contains(b.exchange) && find_queue(b.queue) != nullptr) bindings_.insert(std::move(b));
  }
  for (auto& [name, e] : restored_entries_) {
    next_id_ = std::max(next_id_, e.msg.id + 1);
    queue* q = find_queue(name);
    if (q == nullptr || q->find(e.msg.id) != nullptr) continue;  // orphan or duplicate
    q->insert(std::move(e));                                     // unacked -> ready + redelivered
  }
  restored_bindings_.clear();
  restored_entries_.clear();
}

}  // namespace eventfabric::core
