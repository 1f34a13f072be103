#pragma once
// Error values of the broker core. The core never throws for bad input: every
// fallible operation returns result<T> (std::expected) carrying an `error`.
// Each boundary (HTTP, CLI, harness) maps `errc` explicitly; the canonical
// error-contract code string comes from code_name().

#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eventfabric::core {

enum class errc {
  invalid_argument,       // malformed or out-of-range input (bad partition count, negative offset, ...)
  invalid_name,           // a topic/queue/exchange/group name breaks the naming rule
  validation_failed,      // an envelope (or payload) does not conform to the platform standard
  not_found,              // unknown topic, partition, queue, exchange, group or member
  already_exists,         // create of an entity that exists with a different configuration
  offset_out_of_range,    // fetch below the log start or above the high watermark
  illegal_generation,     // a group request carried a stale generation id
  unknown_member,         // a group request named a member the group does not have
  rebalance_in_progress,  // the group rebalanced; the member must re-join to learn its assignment
  rejected,               // the broker refused a message (queue full with reject-publish overflow)
  unroutable,             // a mandatory publish matched no queue
  precondition_failed,    // the operation conflicts with the current state (e.g. unknown delivery tag)
  too_large,              // a message or batch exceeds a configured byte limit
  storage_error,          // the persistence layer failed (I/O, SQLite error)
  incompatible_store,     // the data folder was written by an unknown schema version
  internal,               // a broken invariant; always a bug
};

// The error-contract code, e.g. "VALIDATION_FAILED".
std::string_view code_name(errc c) noexcept;

struct error {
  errc code = errc::internal;
  std::string message;
  // Flat details for the error contract, e.g. {"field", "metadata.partition_key"}.
  std::vector<std::pair<std::string, std::string>> details;

  error() = default;
  error(errc c, std::string msg) : code(c), message(std::move(msg)) {}
  error(errc c, std::string msg, std::vector<std::pair<std::string, std::string>> d)
      : code(c), message(std::move(msg)), details(std::move(d)) {}

  // First detail value for `key`, or empty.
  std::string_view detail(std::string_view key) const noexcept;
};

template <class T>
using result = std::expected<T, error>;

inline std::unexpected<error> fail(errc c, std::string msg) {
  return std::unexpected<error>(error{c, std::move(msg)});
}
inline std::unexpected<error> fail(errc c, std::string msg,
                                   std::vector<std::pair<std::string, std::string>> details) {
  return std::unexpected<error>(error{c, std::move(msg), std::move(details)});
}
// An error about the value at a JSON pointer in some input document: the
// message reads "<pointer>: <msg>" ("/" for the root) and details carry
// {"pointer", pointer}.
inline std::unexpected<error> fail_at(const std::string& pointer, const std::string& msg,
                                      errc c = errc::invalid_argument) {
  return fail(c, (pointer.empty() ? std::string("/") : pointer) + ": " + msg, {{"pointer", pointer}});
}

// Renders `{"error":{"code":..,"message":..,"details":{..}}}`.
std::string to_error_contract(const error& e);

}  // namespace eventfabric::core
