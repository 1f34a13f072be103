// CombinedSchemaDiff: allOf / anyOf / oneOf against allOf / anyOf / oneOf.
// The criterion may only relax; duplicate subschemas collapse; every original
// subschema is compared with every update subschema, and a maximum matching over
// the compatible pairs decides whether each side is covered.

#include <algorithm>
#include <functional>
#include <unordered_set>

#include "emulator/schema/compat_internal.h"

namespace eventfabric::schema::compat_detail {
namespace {

// Allow allOf/oneOf -> anyOf; allOf or a singleton anyOf -> oneOf; singleton ->
// singleton allOf. Everything else changes the combination.
std::optional<ct> compare_criteria(const node& o, const node& u) {
  if (o.crit == u.crit) return std::nullopt;
  if (u.crit == criterion::any_of) return ct::COMBINED_TYPE_EXTENDED;
  if (u.crit == criterion::one_of) {
    bool relaxes = o.crit == criterion::all_of || o.subschemas.size() == 1;
    return relaxes ? ct::COMBINED_TYPE_EXTENDED : ct::COMBINED_TYPE_CHANGED;
  }
  bool singletons = o.subschemas.size() == 1 && u.subschemas.size() == 1;
  return singletons ? ct::COMBINED_TYPE_EXTENDED : ct::COMBINED_TYPE_CHANGED;
}

// Subschemas in order, duplicates (same canonical JSON) collapsed, as a LinkedHashSet<JsonSchema>.
std::vector<const node*> distinct_subschemas(const node& n) {
  std::vector<const node*> result;
  std::unordered_set<std::string> seen;
  for (const node* sub : n.subschemas) {
    if (seen.insert(canonical_of(*sub)).second) result.push_back(sub);
  }
  return result;
}

struct edge {
  std::size_t target;
  diff_list diffs;  // already rebased under "<criterion>/<original index>"
};

// Kuhn's augmenting paths; each side's candidates are tried cheapest first, so a
// difference-free pairing wins over one with (compatible) differences.
class matcher {
 public:
  matcher(const std::vector<std::vector<edge>>& adjacency, std::size_t targets)
      : adjacency_(adjacency), owner_(targets, -1), chosen_(adjacency.size(), -1) {}

  std::size_t run() {
    std::size_t matched = 0;
    for (std::size_t i = 0; i < adjacency_.size(); ++i) {
      visited_.assign(owner_.size(), false);
      if (augment(i)) ++matched;
    }
    return matched;
  }
  // The edge index matched for original `i`, or -1.
  int chosen(std::size_t i) const { return chosen_[i]; }

 private:
  bool augment(std::size_t i) {
    for (std::size_t k = 0; k < adjacency_[i].size(); ++k) {
      std::size_t j = adjacency_[i][k].target;
      if (visited_[j]) continue;
      visited_[j] = true;
      if (owner_[j] < 0 || augment(static_cast<std::size_t>(owner_[j]))) {
        owner_[j] = static_cast<int>(i);
        chosen_[i] = static_cast<int>(k);
        return true;
      }
    }
    return false;
  }

  const std::vector<std::vector<edge>>& adjacency_;
  std::vector<int> owner_;
  std::vector<int> chosen_;
  std::vector<bool> visited_;
};

}  // namespace

void walker::compare_combined(const node& o, const node& u, diff_list& out) {
  if (auto criteria = compare_criteria(o, u)) {
    add(out, *criteria);
    if (*criteria == ct::COMBINED_TYPE_CHANGED) return;
  }
  std::vector<const node*> originals = distinct_subschemas(o);
  std::vector<const node*> updates = distinct_subschemas(u);
  if (originals.size() < updates.size()) {
    add(out, u.crit == criterion::all_of ? ct::PRODUCT_TYPE_EXTENDED : ct::SUM_TYPE_EXTENDED);
  } else if (originals.size() > updates.size()) {
    add(out, o.crit == criterion::all_of ? ct::PRODUCT_TYPE_NARROWED : ct::SUM_TYPE_NARROWED);
  }
  std::vector<std::vector<edge>> adjacency(originals.size());
  for (std::size_t i = 0; i < originals.size(); ++i) {
    std::string prefix = std::string(criterion_name(o.crit)) + "/" + std::to_string(i);
    for (std::size_t j = 0; j < updates.size(); ++j) {
      diff_list sub = compare(originals[i], updates[j]);
      if (!compatible(sub)) continue;
      diff_list rebased;
      append(rebased, sub, prefix);
      adjacency[i].push_back({j, std::move(rebased)});
    }
    std::stable_sort(adjacency[i].begin(), adjacency[i].end(),
                     [](const edge& a, const edge& b) { return a.diffs.size() < b.diffs.size(); });
  }
  matcher m(adjacency, updates.size());
  std::size_t matched = m.run();
  for (std::size_t i = 0; i < originals.size(); ++i) {
    if (int k = m.chosen(i); k >= 0) {
      const diff_list& diffs = adjacency[i][static_cast<std::size_t>(k)].diffs;
      out.insert(out.end(), diffs.begin(), diffs.end());
    }
  }
  // No matching covers the smaller side: some subschema has no compatible partner.
  if (matched < std::min(originals.size(), updates.size())) add(out, ct::COMBINED_TYPE_SUBSCHEMAS_CHANGED);
}

}  // namespace eventfabric::schema::compat_detail
