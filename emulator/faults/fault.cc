#include "emulator/faults/fault.h"

#include <array>
#include <utility>

namespace eventfabric::faults {

namespace {
constexpr std::array<std::pair<fault_kind, std::string_view>, 10> kinds{{
    {fault_kind::duplicate, "duplicate"},
    {fault_kind::reorder, "reorder"},
    {fault_kind::fail, "fail"},
    {fault_kind::timeout, "timeout"},
    {fault_kind::lost_ack, "lost_ack"},
    {fault_kind::crash, "crash"},
    {fault_kind::rebalance, "rebalance"},
    {fault_kind::produce_error, "produce_error"},
    {fault_kind::commit_error, "commit_error"},
    {fault_kind::delay, "delay"},
}};
constexpr std::array<std::pair<target_type, std::string_view>, 4> targets{{
    {target_type::topic, "topic"},
    {target_type::queue, "queue"},
    {target_type::subscription, "subscription"},
    {target_type::consumer, "consumer"},
}};
}  // namespace

fault_site site_of(fault_kind k) noexcept {
  switch (k) {
    case fault_kind::produce_error: return fault_site::produce;
    case fault_kind::commit_error: return fault_site::commit;
    default: return fault_site::delivery;
  }
}

std::string_view kind_name(fault_kind k) noexcept {
  for (const auto& [v, n] : kinds)
    if (v == k) return n;
  return "unknown";
}

std::optional<fault_kind> parse_kind(std::string_view s) noexcept {
  for (const auto& [v, n] : kinds)
    if (n == s) return v;
  return std::nullopt;
}

std::string_view target_type_name(target_type t) noexcept {
  for (const auto& [v, n] : targets)
    if (v == t) return n;
  return "unknown";
}

std::optional<target_type> parse_target_type(std::string_view s) noexcept {
  for (const auto& [v, n] : targets)
    if (n == s) return v;
  return std::nullopt;
}

}  // namespace eventfabric::faults
