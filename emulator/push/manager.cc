#include "emulator/push/manager.h"

#include "emulator/core/codec.h"

namespace eventfabric::push {

namespace {

constexpr uint8_t kFormatVersion = 1;

// A per-subscription seed: the server's seed mixed with the name (FNV-1a), so
// jitter does not depend on the order subscriptions were created in.
uint64_t seed_for(uint64_t seed, std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

manager::manager(core::broker& b, core::storage* store, faults::engine* faults, uint64_t seed)
    : b_(b), store_(store), faults_(faults), seed_(seed) {}

manager::~manager() { stop(); }

std::shared_ptr<live> manager::make_live(const definition& d) {
  return std::make_shared<live>(d, b_.clk(), seed_for(seed_, d.name), faults_, store_);
}

void manager::launch(entry& e) {
  if (io_ && !e.run) e.run = runner::start(*io_, b_, e.state, on_verdict_);
}

void manager::start(boost::asio::io_context& io) {
  io_ = &io;
  for (auto& [name, e] : subs_) launch(e);
}

void manager::stop() {
  for (auto& [name, e] : subs_) {
    if (e.run) e.run->stop();
    e.run.reset();
  }
  io_ = nullptr;
}

void manager::wake() {
  for (auto& [name, e] : subs_)
    if (e.run) e.run->wake();
}

void manager::persist(const definition& d) {
  if (!store_) return;
  core::byte_writer w;
  w.u8(kFormatVersion);
  std::string value = w.take() + to_json(d);
  store_->put(kSubscriptionSpace, d.name, value);
}

core::result<bool> manager::create(const definition& d) {
  if (auto it = subs_.find(d.name); it != subs_.end()) {
    if (it->second.state->def == d) return false;
    return core::fail(core::errc::already_exists,
                      "subscription '" + d.name + "' exists with another definition; delete it first",
                      {{"subscription", d.name}});
  }
  auto state = make_live(d);
  auto src = open_source(b_, d);
  if (!src) return std::unexpected(src.error());
  state->src = std::move(*src);
  persist(d);
  entry& e = subs_[d.name];
  e.state = std::move(state);
  launch(e);
  return true;
}

core::result<void> manager::remove(std::string_view name) {
  auto it = subs_.find(name);
  if (it == subs_.end())
    return core::fail(core::errc::not_found, "unknown subscription '" + std::string(name) + "'",
                      {{"subscription", std::string(name)}});
  entry& e = it->second;
  e.state->stopped = true;
  if (e.run) e.run->stop();
  else if (e.state->src) e.state->src->close();
  if (store_) {
    store_->erase(kSubscriptionSpace, name);
    store_->erase_prefix(kParkedSpace, parked_prefix(name));
  }
  e.state->sub.set_parking_listener(nullptr);  // runners may outlive it: stage nothing more
  subs_.erase(it);
  return {};
}

std::vector<std::string> manager::names() const {
  std::vector<std::string> out;
  for (const auto& [name, e] : subs_) out.push_back(name);
  return out;
}

live* manager::find(std::string_view name) {
  auto it = subs_.find(name);
  return it == subs_.end() ? nullptr : it->second.state.get();
}

core::result<bool> manager::restore(std::string_view space, std::string_view key, std::string_view value) {
  if (space == kParkedSpace) {
    // Kept until finish_restore(): the definitions may come after them.
    auto row = decode_parked(key, value);
    if (!row) return std::unexpected(row.error());
    restored_parked_.push_back(std::move(*row));
    return true;
  }
  if (space != kSubscriptionSpace) return false;
  if (value.empty() || static_cast<uint8_t>(value[0]) != kFormatVersion)
    return core::fail(core::errc::storage_error, "corrupt stored subscription '" + std::string(key) + "'",
                      {{"space", std::string(kSubscriptionSpace)}});
  auto d = parse_definition(value.substr(1));
  if (!d || d->name != key)
    return core::fail(core::errc::storage_error, "corrupt stored subscription '" + std::string(key) + "'",
                      {{"space", std::string(kSubscriptionSpace)}});
  entry& e = subs_[d->name];
  if (e.run) e.run->stop();
  e = entry{make_live(*d), nullptr};
  return true;
}

void manager::finish_restore() {
  // Parked entries back into their subscriptions (entries of a subscription
  // without a definition cannot exist: remove() erases them with it).
  for (auto& row : restored_parked_) {
    auto it = subs_.find(row.subscription);
    if (it == subs_.end()) continue;
    (void)it->second.state->sub.restore_parked(row.where, std::move(row.entry));
  }
  restored_parked_.clear();
  // Sources open in the runner (the core is fully restored by then).
  for (auto& [name, e] : subs_) launch(e);
}

void manager::clear() {
  // The broker is reloading its state: stop pushing without touching the
  // core (its groups and queues are being rebuilt from the store).
  for (auto& [name, e] : subs_) {
    e.state->stopped = true;
    e.state->src.reset();
    if (e.run) e.run->stop();
  }
  subs_.clear();
  restored_parked_.clear();
}

}  // namespace eventfabric::push
