// Change types: names, Confluent's compatible sets, and one-sentence explanations.

#include <algorithm>
#include <array>

#include "emulator/schema/compat.h"
#include "emulator/schema/compat_internal.h"

namespace eventfabric::schema {
namespace compat_detail {
namespace {

#define EF_COMPAT_NAME_ITEM(name) #name,
constexpr std::array<std::string_view, kChangeTypeCount> kNames = {
    EF_COMPAT_CHANGE_TYPES(EF_COMPAT_NAME_ITEM)};
#undef EF_COMPAT_NAME_ITEM

// SchemaDiff.COMPATIBLE_CHANGES_STRICT.
constexpr std::array kStrict = {
    ct::ID_CHANGED,
    ct::DESCRIPTION_CHANGED,
    ct::TITLE_CHANGED,
    ct::DEFAULT_CHANGED,
    ct::SCHEMA_REMOVED,
    ct::TYPE_EXTENDED,
    ct::MAX_LENGTH_INCREASED,
    ct::MAX_LENGTH_REMOVED,
    ct::MIN_LENGTH_DECREASED,
    ct::MIN_LENGTH_REMOVED,
    ct::PATTERN_REMOVED,
    ct::MAXIMUM_INCREASED,
    ct::MAXIMUM_REMOVED,
    ct::MINIMUM_DECREASED,
    ct::MINIMUM_REMOVED,
    ct::EXCLUSIVE_MAXIMUM_INCREASED,
    ct::EXCLUSIVE_MAXIMUM_REMOVED,
    ct::EXCLUSIVE_MINIMUM_DECREASED,
    ct::EXCLUSIVE_MINIMUM_REMOVED,
    ct::MULTIPLE_OF_REDUCED,
    ct::MULTIPLE_OF_REMOVED,
    ct::REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED,
    ct::REQUIRED_ATTRIBUTE_REMOVED,
    ct::DEPENDENCY_ARRAY_NARROWED,
    ct::DEPENDENCY_ARRAY_REMOVED,
    ct::DEPENDENCY_SCHEMA_REMOVED,
    ct::MAX_PROPERTIES_INCREASED,
    ct::MAX_PROPERTIES_REMOVED,
    ct::MIN_PROPERTIES_DECREASED,
    ct::MIN_PROPERTIES_REMOVED,
    ct::ADDITIONAL_PROPERTIES_ADDED,
    ct::ADDITIONAL_PROPERTIES_EXTENDED,
    ct::UNEVALUATED_PROPERTIES_ADDED,
    ct::UNEVALUATED_PROPERTIES_EXTENDED,
    ct::PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    ct::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
    ct::OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    ct::PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ct::PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
    ct::PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ct::PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ct::MAX_ITEMS_INCREASED,
    ct::MAX_ITEMS_REMOVED,
    ct::MIN_ITEMS_DECREASED,
    ct::MIN_ITEMS_REMOVED,
    ct::MAX_CONTAINS_INCREASED,
    ct::MAX_CONTAINS_REMOVED,
    ct::MIN_CONTAINS_DECREASED,
    ct::MIN_CONTAINS_REMOVED,
    ct::UNIQUE_ITEMS_REMOVED,
    ct::ADDITIONAL_ITEMS_ADDED,
    ct::ADDITIONAL_ITEMS_EXTENDED,
    ct::UNEVALUATED_ITEMS_ADDED,
    ct::UNEVALUATED_ITEMS_EXTENDED,
    ct::ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    ct::ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
    ct::ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ct::ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
    ct::ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ct::ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ct::ENUM_ARRAY_EXTENDED,
    ct::COMBINED_TYPE_EXTENDED,
    ct::PRODUCT_TYPE_NARROWED,
    ct::SUM_TYPE_EXTENDED,
    ct::NOT_TYPE_NARROWED,
};

// COMPATIBLE_CHANGES_LENIENT minus COMPATIBLE_CHANGES_STRICT.
constexpr std::array kLenientExtra = {
    ct::ADDITIONAL_PROPERTIES_NARROWED,
    ct::ADDITIONAL_PROPERTIES_REMOVED,
    ct::UNEVALUATED_PROPERTIES_NARROWED,
    ct::UNEVALUATED_PROPERTIES_REMOVED,
    ct::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL,
    ct::OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
    ct::PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
    ct::PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ct::PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ct::PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
};

struct classification {
  std::array<bool, kChangeTypeCount> strict{};
  std::array<bool, kChangeTypeCount> lenient{};
};

const classification& classes() {
  static const classification c = [] {
    classification r;
    for (ct t : kStrict)
      r.strict[static_cast<std::size_t>(t)] = r.lenient[static_cast<std::size_t>(t)] = true;
    for (ct t : kLenientExtra) r.lenient[static_cast<std::size_t>(t)] = true;
    return r;
  }();
  return c;
}

}  // namespace

std::string_view name_of(ct type) noexcept { return kNames[static_cast<std::size_t>(type)]; }

std::optional<ct> change_type_from_name(std::string_view name) noexcept {
  auto it = std::find(kNames.begin(), kNames.end(), name);
  if (it == kNames.end()) return std::nullopt;
  return static_cast<ct>(it - kNames.begin());
}

bool is_strict_compatible(ct type) noexcept { return classes().strict[static_cast<std::size_t>(type)]; }
bool is_lenient_compatible(ct type) noexcept { return classes().lenient[static_cast<std::size_t>(type)]; }

std::string_view criterion_name(criterion c) noexcept {
  switch (c) {
    case criterion::all_of:
      return "allOf";
    case criterion::any_of:
      return "anyOf";
    case criterion::one_of:
      return "oneOf";
  }
  return "allOf";
}

}  // namespace compat_detail

std::string change::to_string() const { return type + " " + pointer; }

const std::vector<std::string_view>& all_change_types() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> r;
    for (std::size_t i = 0; i < compat_detail::kChangeTypeCount; ++i) {
      r.push_back(compat_detail::name_of(static_cast<compat_detail::ct>(i)));
    }
    return r;
  }();
  return names;
}

bool is_compatible_change(std::string_view type, bool lenient) {
  auto t = compat_detail::change_type_from_name(type);
  if (!t) return false;
  return lenient ? compat_detail::is_lenient_compatible(*t) : compat_detail::is_strict_compatible(*t);
}

std::string_view explain_change(std::string_view type) {
  auto t = compat_detail::change_type_from_name(type);
  return t ? compat_detail::explanation_of(*t) : std::string_view{};
}

}  // namespace eventfabric::schema
