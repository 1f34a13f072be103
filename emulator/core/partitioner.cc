#include "emulator/core/partitioner.h"

namespace eventfabric::core {

int32_t murmur2(std::string_view data) noexcept {
  // Java int arithmetic wraps; do it in uint32_t to keep C++ defined.
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const auto length = static_cast<uint32_t>(data.size());
  constexpr uint32_t seed = 0x9747b28c;
  constexpr uint32_t m = 0x5bd1e995;
  constexpr int r = 24;
  uint32_t h = seed ^ length;
  const uint32_t length4 = length / 4;
  for (uint32_t i = 0; i < length4; ++i) {
    const uint32_t i4 = i * 4;
    uint32_t k = p[i4] | (p[i4 + 1] << 8) | (p[i4 + 2] << 16) | (static_cast<uint32_t>(p[i4 + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const uint32_t tail = length & ~3u;
  switch (length % 4) {
    case 3: h ^= static_cast<uint32_t>(p[tail + 2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<uint32_t>(p[tail + 1]) << 8; [[fallthrough]];
    case 1:
      h ^= p[tail];
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

}  // namespace eventfabric::core
