#include "emulator/core/broker.h"

namespace eventfabric::core {
namespace {

// Dispatches stored values to the module owning their space.
class broker_loader final : public storage_loader {
 public:
  broker_loader(core::topics& t, core::groups& g, core::queues& q, const std::vector<extension*>& ext)
      : topics_(t), groups_(g), queues_(q), extensions_(ext) {}

  void on_value(std::string_view space, std::string_view key, std::string_view value) override {
    if (failed()) return;
    result<bool> handled = topics_.restore(space, key, value);
    if (handled && !*handled) handled = groups_.restore(space, key, value);
    if (handled && !*handled) handled = queues_.restore(space, key, value);
    for (auto* e : extensions_)
      if (handled && !*handled) handled = e->restore(space, key, value);
    if (!handled) error_ = handled.error();
    // Spaces nobody claims belong to modules this process does not run: skip them.
  }

  void on_record(std::string_view topic, int32_t partition, record&& r) override {
    if (failed()) return;
    if (auto ok = topics_.restore_record(topic, partition, std::move(r)); !ok) error_ = ok.error();
  }

  bool failed() const { return error_.has_value(); }
  const error& failure() const { return *error_; }

 private:
  core::topics& topics_;
  core::groups& groups_;
  core::queues& queues_;
  const std::vector<extension*>& extensions_;
  std::optional<error> error_;
};

}  // namespace

broker::parts::parts(core::clock& clk, core::random& rng, storage* store, bool strict_names)
    : topics(clk, store, strict_names), groups(clk, rng, store, topics), queues(clk, store, strict_names) {
  topics.set_on_change([this] { groups.on_topics_changed(); });
}

broker::broker(broker_options opts)
    : clock_(opts.clk ? opts.clk : &system_clock()),
      rng_(opts.seed),
      store_(opts.store),
      strict_names_(opts.strict_names),
      parts_(std::make_unique<parts>(*clock_, rng_, store_, strict_names_)) {}

result<void> broker::load_into(parts& p) {
  broker_loader loader(p.topics, p.groups, p.queues, extensions_);
  if (auto ok = store_->load(loader); !ok) return ok;
  if (loader.failed()) return std::unexpected(loader.failure());
  // Partition bounds apply after the records are back.
  p.topics.finish_restore();
  p.groups.finish_restore();
  p.queues.finish_restore();
  for (auto* e : extensions_) e->finish_restore();
  return {};
}

result<void> broker::recover() {
  if (!store_) return {};
  return load_into(*parts_);
}

result<void> broker::sync() {
  if (!store_) return {};
  auto committed = store_->commit();
  if (committed) return committed;
  // The store dropped the batch (a failed commit acts as rollback): drop it
  // from memory too by reloading the committed state.
  auto fresh = std::make_unique<parts>(*clock_, rng_, store_, strict_names_);
  for (auto* e : extensions_) e->clear();
  if (auto reloaded = load_into(*fresh); !reloaded)
    return fail(errc::storage_error, committed.error().message + "; reloading the committed state also failed: " +
                                         reloaded.error().message);
  parts_ = std::move(fresh);
  return committed;
}

void broker::tick() {
  parts_->topics.tick();
  parts_->groups.tick();
  parts_->queues.tick();
}

result<produced> broker::produce_envelope(std::string_view topic, std::string envelope_json,
                                          std::optional<std::string> key, std::optional<int32_t> partition,
                                          std::vector<header> headers) {
  auto env = parse_envelope(envelope_json);
  if (!env) return std::unexpected(env.error());
  produce_record pr;
  pr.partition = partition;
  pr.rec.key = key ? std::move(key) : env->partition_key;
  pr.rec.value = std::move(envelope_json);
  pr.rec.headers = std::move(headers);
  std::vector<produce_record> batch;
  batch.push_back(std::move(pr));
  auto out = parts_->topics.produce(topic, std::move(batch));
  if (!out) return std::unexpected(out.error());
  return out->front();
}

}  // namespace eventfabric::core
