#pragma once
// A record in a topic partition, as Kafka sees it: offset, timestamp, optional
// key, value bytes and ordered headers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace eventfabric::core {

struct header {
  std::string key;
  std::string value;
  bool operator==(const header&) const = default;
};

struct record {
  int64_t offset = -1;        // assigned by the log on append
  int64_t timestamp_ms = 0;   // producer time, or append time when 0
  std::optional<std::string> key;
  std::string value;
  std::vector<header> headers;

  // Approximate wire size, used for fetch byte limits and retention by bytes.
  std::size_t size_bytes() const noexcept {
    std::size_t n = 24 + value.size() + (key ? key->size() : 0);
    for (const auto& h : headers) n += 8 + h.key.size() + h.value.size();
    return n;
  }
  bool operator==(const record&) const = default;
};

}  // namespace eventfabric::core
