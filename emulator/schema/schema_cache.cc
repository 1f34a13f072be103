#include <mutex>
#include <unordered_map>

#include "emulator/schema/validator.h"

namespace eventfabric::schema {

struct schema_cache::state {
  compile_options options;
  mutable std::mutex mu;
  std::unordered_map<std::string, compiled_schema> by_content;  // schema text -> compiled
  std::unordered_map<std::string, compiled_schema> by_name;
};

schema_cache::schema_cache(compile_options options) : state_(std::make_unique<state>()) {
  state_->options = std::move(options);
}

schema_cache::~schema_cache() = default;

core::result<compiled_schema> schema_cache::get_or_compile(std::string_view schema_json) {
  const std::string key(schema_json);
  {
    std::lock_guard lock(state_->mu);
    if (auto it = state_->by_content.find(key); it != state_->by_content.end()) return it->second;
  }
  // Compile outside the lock: two threads may race to compile the same text;
  // the first insert wins and both get an equivalent schema.
  auto compiled = compiled_schema::compile(schema_json, state_->options);
  if (!compiled) return compiled;
  std::lock_guard lock(state_->mu);
  return state_->by_content.emplace(key, std::move(*compiled)).first->second;
}

core::result<compiled_schema> schema_cache::put(std::string_view name, std::string_view schema_json) {
  auto compiled = get_or_compile(schema_json);
  if (!compiled) return compiled;
  std::lock_guard lock(state_->mu);
  state_->by_name.insert_or_assign(std::string(name), *compiled);
  return compiled;
}

std::optional<compiled_schema> schema_cache::find(std::string_view name) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->by_name.find(std::string(name));
  if (it == state_->by_name.end()) return std::nullopt;
  return it->second;
}

std::size_t schema_cache::size() const {
  std::lock_guard lock(state_->mu);
  return state_->by_content.size();
}

}  // namespace eventfabric::schema
