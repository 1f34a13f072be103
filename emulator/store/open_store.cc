#include <array>

#include "emulator/core/text.h"
#include "emulator/store/journaled_store.h"
#include "emulator/store/memory_store.h"
#include "emulator/store/sqlite_store.h"
#include "emulator/store/store.h"

namespace eventfabric::store {

namespace {

constexpr std::array<std::pair<durability, std::string_view>, 3> durability_names = {{
    {durability::full, "full"},
    {durability::normal, "normal"},
    {durability::off, "off"},
}};

}  // namespace

std::string_view to_string(durability d) noexcept {
  for (const auto& [value, name] : durability_names)
    if (value == d) return name;
  return "unknown";
}

std::optional<durability> parse_durability(std::string_view s) noexcept {
  for (const auto& [value, name] : durability_names)
    if (core::iequals(s, name)) return value;
  return std::nullopt;
}

core::result<std::unique_ptr<core::storage>> open_store(const store_options& opts) {
  if (opts.in_memory) return std::make_unique<memory_store>();
  auto store = journaled_store::open(opts.data_dir, opts.mode);
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<core::storage>(std::move(*store));
}

store_info describe(const core::storage& s) {
  if (const auto* j = dynamic_cast<const journaled_store*>(&s)) return j->info();
  if (const auto* sql = dynamic_cast<const sqlite_store*>(&s)) return sql->info();
  if (dynamic_cast<const memory_store*>(&s)) return store_info{"memory", "", 0, durability::normal};
  return store_info{"unknown", "", 0, durability::normal};
}

}  // namespace eventfabric::store
