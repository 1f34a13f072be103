#pragma once
// Kafka's default partitioner, bit for bit: partition = toPositive(murmur2(key)) % n.
// A key therefore lands on the same partition number it would in Kafka.

#include <cstdint>
#include <string_view>

namespace eventfabric::core {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), seed 0x9747b28c.
int32_t murmur2(std::string_view data) noexcept;

// Kafka's Utils.toPositive: clears the sign bit (not abs()).
constexpr int32_t to_positive(int32_t n) noexcept { return n & 0x7fffffff; }

// Partition for a non-null key; partitions must be > 0.
inline int32_t partition_for_key(std::string_view key, int32_t partitions) noexcept {
  return to_positive(murmur2(key)) % partitions;
}

}  // namespace eventfabric::core
