// ArraySchemaDiff: the all-items schema, tuple positions against the content model
// (open, closed, partially open through additionalItems / unevaluatedItems), the
// additional and unevaluated items, and the size/contains limits — in Confluent's order.

#include <algorithm>

#include "emulator/schema/compat_internal.h"

namespace eventfabric::schema::compat_detail {
namespace {

bool is_false(const node* n) { return n && n->kind == node_kind::false_schema; }
bool is_empty(const node* n) {
  return n && (n->kind == node_kind::empty || n->kind == node_kind::true_schema);
}
bool additional_absent(const node& n) { return n.permits_additional && !n.additional; }

// Fully open: additionalItems true or absent, and unevaluatedItems absent or true.
bool is_open(const node& n) { return additional_absent(n) && (!n.unevaluated || is_empty(n.unevaluated)); }

// Partially open: an additionalItems schema, or (additionalItems absent) an
// unevaluatedItems schema. nullptr when closed.
const node* partial_schema(const node& n) {
  if (n.additional) return n.additional;
  if (additional_absent(n) && n.unevaluated && !is_false(n.unevaluated) && !is_empty(n.unevaluated)) {
    return n.unevaluated;
  }
  return nullptr;
}

}  // namespace

void walker::compare_array(const node& o, const node& u, diff_list& out) {
  append(out, compare(o.all_items, u.all_items), "items");
  compare_tuple(o, u, out);
  if (o.permits_additional != u.permits_additional) {
    add(out, o.permits_additional ? ct::ADDITIONAL_ITEMS_REMOVED : ct::ADDITIONAL_ITEMS_ADDED,
        "additionalItems");
  } else if (!o.additional && u.additional) {
    add(out, ct::ADDITIONAL_ITEMS_NARROWED, "additionalItems");
  } else if (o.additional && !u.additional) {
    add(out, ct::ADDITIONAL_ITEMS_EXTENDED, "additionalItems");
  } else if (o.additional) {
    append(out, compare(o.additional, u.additional), "additionalItems");
  }
  compare_unevaluated(o.unevaluated, u.unevaluated, "unevaluatedItems", ct::UNEVALUATED_ITEMS_ADDED,
                      ct::UNEVALUATED_ITEMS_REMOVED, ct::UNEVALUATED_ITEMS_EXTENDED,
                      ct::UNEVALUATED_ITEMS_NARROWED, out);
  compare_count(out, "maxItems", o.max_items, u.max_items, ct::MAX_ITEMS_ADDED, ct::MAX_ITEMS_REMOVED,
                ct::MAX_ITEMS_INCREASED, ct::MAX_ITEMS_DECREASED);
  compare_count(out, "minItems", o.min_items, u.min_items, ct::MIN_ITEMS_ADDED, ct::MIN_ITEMS_REMOVED,
                ct::MIN_ITEMS_INCREASED, ct::MIN_ITEMS_DECREASED);
  if (o.unique_items != u.unique_items) {
    add(out, o.unique_items ? ct::UNIQUE_ITEMS_REMOVED : ct::UNIQUE_ITEMS_ADDED, "uniqueItems");
  }
  compare_count(out, "maxContains", o.max_contains, u.max_contains, ct::MAX_CONTAINS_ADDED,
                ct::MAX_CONTAINS_REMOVED, ct::MAX_CONTAINS_INCREASED, ct::MAX_CONTAINS_DECREASED);
  compare_count(out, "minContains", o.min_contains, u.min_contains, ct::MIN_CONTAINS_ADDED,
                ct::MIN_CONTAINS_REMOVED, ct::MIN_CONTAINS_INCREASED, ct::MIN_CONTAINS_DECREASED);
}

// Tuple positions ("items": [...] before 2020-12, "prefixItems" after), reported
// at "items/<index>" in both drafts.
void walker::compare_tuple(const node& o, const node& u, diff_list& out) {
  std::size_t os = o.item_schemas.size();
  std::size_t us = u.item_schemas.size();
  std::size_t common = std::min(os, us);
  for (std::size_t i = 0; i < common; ++i) {
    append(out, compare(o.item_schemas[i], u.item_schemas[i]), "items/" + std::to_string(i));
  }
  for (std::size_t i = common; i < os; ++i) {
    std::string path = "items/" + std::to_string(i);
    const node* removed = o.item_schemas[i];
    if (is_open(u)) {
      add(out, ct::ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL, path);
    } else if (const node* partial = partial_schema(u)) {
      diff_list sub = compare(removed, partial);
      append(out, sub, path);
      add(out,
          compatible(sub) ? ct::ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                          : ct::ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
          path);
    } else {
      add(out,
          is_false(removed) ? ct::ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                            : ct::ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL,
          path);
    }
  }
  for (std::size_t i = common; i < us; ++i) {
    std::string path = "items/" + std::to_string(i);
    const node* added = u.item_schemas[i];
    if (is_open(o)) {
      add(out,
          is_empty(added) ? ct::ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                          : ct::ITEM_ADDED_TO_OPEN_CONTENT_MODEL,
          path);
    } else if (const node* partial = partial_schema(o)) {
      diff_list sub = compare(partial, added);
      append(out, sub, path);
      add(out,
          compatible(sub) ? ct::ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                          : ct::ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
          path);
    } else {
      add(out, ct::ITEM_ADDED_TO_CLOSED_CONTENT_MODEL, path);
    }
  }
}

}  // namespace eventfabric::schema::compat_detail
