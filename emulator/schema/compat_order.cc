// Java collection iteration order. Confluent walks properties and dependencies
// through java.util.HashMap / HashSet, so the order of reported changes is the
// hash order of the property names. We reproduce it: String.hashCode over UTF-16
// code units, HashMap.hash() spreading, power-of-two tables that double when the
// size exceeds 3/4 of the capacity, and insertion order inside a bucket (a resize
// split keeps the relative order of a bucket's entries).

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "emulator/schema/compat_internal.h"

namespace eventfabric::schema::compat_detail {
namespace {

// Decodes one UTF-8 sequence at `i`; an invalid byte decodes as itself.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  std::uint8_t b0 = byte(i);
  int extra = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC0 ? 1 : 0;
  std::uint32_t cp = extra == 0 ? b0 : (b0 & (0x3Fu >> extra));
  for (int k = 1; k <= extra; ++k) {
    if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return b0;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

std::uint32_t spread(std::int32_t h) {
  auto u = static_cast<std::uint32_t>(h);
  return u ^ (u >> 16);
}

int table_size_for(int cap) {
  int n = 1;
  while (n < cap) n <<= 1;
  return n;
}

}  // namespace

std::int32_t java_string_hash(std::string_view s) noexcept {
  std::uint32_t h = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint32_t cp = next_code_point(s, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      h = 31 * h + (0xD800 + (cp >> 10));
      h = 31 * h + (0xDC00 + (cp & 0x3FF));
    } else {
      h = 31 * h + cp;
    }
  }
  return static_cast<std::int32_t>(h);
}

int java_hash_set_copy_capacity(std::size_t n) noexcept {
  // new HashSet<>(c) on JDK 17: new HashMap<>(max((int) (c.size() / .75f) + 1, 16)).
  int wanted = std::max(static_cast<int>(static_cast<float>(n) / .75f) + 1, 16);
  return table_size_for(wanted);
}

std::vector<std::string> java_hash_order(const std::vector<std::string>& keys, int initial_capacity) {
  std::vector<std::string> inserted;
  std::unordered_set<std::string_view> seen;
  bool scan = keys.size() <= 16;  // short lists: a scan beats hashing
  std::uint32_t capacity = static_cast<std::uint32_t>(table_size_for(std::max(initial_capacity, 1)));
  for (const auto& key : keys) {
    bool duplicate =
        scan ? std::find(inserted.begin(), inserted.end(), key) != inserted.end() : !seen.insert(key).second;
    if (duplicate) continue;
    inserted.push_back(key);
    if (inserted.size() > capacity / 4 * 3) capacity *= 2;
  }
  std::vector<std::pair<std::uint32_t, std::size_t>> order;  // (bucket, insertion index)
  order.reserve(inserted.size());
  for (std::size_t i = 0; i < inserted.size(); ++i) {
    order.emplace_back(spread(java_string_hash(inserted[i])) & (capacity - 1), i);
  }
  std::sort(order.begin(), order.end());
  std::vector<std::string> result;
  result.reserve(order.size());
  for (const auto& [bucket, index] : order) result.push_back(std::move(inserted[index]));
  return result;
}

std::vector<std::string> union_key_order(const std::vector<std::string>& original_keys,
                                         const std::vector<std::string>& update_keys) {
  std::vector<std::string> all = original_keys;
  all.insert(all.end(), update_keys.begin(), update_keys.end());
  return java_hash_order(all, java_hash_set_copy_capacity(original_keys.size()));
}

}  // namespace eventfabric::schema::compat_detail
