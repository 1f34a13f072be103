#pragma once
// Value types of the delivery engine: a message from a source (a topic
// partition or a queue), the outcome of one push attempt as the consumer
// protocol reads it, and the error context kept for failures.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/record.h"

namespace eventfabric::delivery {

enum class source_kind : uint8_t { topic, queue };

// One message to push, as read from its source.
struct message {
  source_kind kind = source_kind::topic;
  std::string source;                // topic or queue name
  int32_t partition = 0;             // topic partition (queues: 0)
  int64_t offset = -1;               // topic offset
  uint64_t queue_id = 0;             // queue message id
  std::optional<std::string> key;    // partition key (metadata.partition_key)
  std::string envelope_id;           // envelope `id`: X-Event-Id and Idempotency-Key
  std::string type;                  // envelope `type`: X-Event-Type
  std::string trace_id;              // envelope `trace_id` (32 hex) for traceparent; may be empty
  std::string body;                  // the envelope JSON, the request body
  // What a redrive to the source republishes besides key and body: the
  // record's (or queue message's) own headers, and a queue message's
  // message_id property.
  std::vector<core::header> source_headers;
  std::string source_message_id;
  bool operator==(const message&) const = default;
};

// Why a transient failure happened.
enum class transient_cause : uint8_t {
  status,            // 5xx (or another non-2xx, non-4xx status)
  timeout,           // no answer in time
  connection_error,  // refused, reset, closed
};

enum class outcome_kind : uint8_t { processed, permanent, transient };

// The result of one attempt, reported by the caller.
struct outcome {
  outcome_kind kind = outcome_kind::processed;
  int status = 0;                    // HTTP status when there was one
  transient_cause cause = transient_cause::status;
  std::string body;                  // response body (or an error description)

  static outcome processed(int status = 200) { return {outcome_kind::processed, status, {}, {}}; }
  static outcome permanent(int status, std::string body = {}) {
    return {outcome_kind::permanent, status, {}, std::move(body)};
  }
  static outcome transient(int status, std::string body = {}) {
    return {outcome_kind::transient, status, transient_cause::status, std::move(body)};
  }
  static outcome timeout(std::string what = {}) {
    return {outcome_kind::transient, 0, transient_cause::timeout, std::move(what)};
  }
  static outcome connection_error(std::string what = {}) {
    return {outcome_kind::transient, 0, transient_cause::connection_error, std::move(what)};
  }
  // The consumer protocol: 2xx processed, 4xx permanent, anything else transient.
  static outcome from_status(int status, std::string body = {});
};

// The last error in the platform error-contract shape. When the consumer
// answered with an error contract ({"error":{"code","message","details"}}),
// its code/message/details are taken; otherwise one is made up:
// HTTP_<status>, TIMEOUT, CONNECTION_ERROR or FAULT_INJECTED.
struct error_context {
  std::string code;
  std::string message;
  std::string details_json = "{}";  // a JSON object
  bool operator==(const error_context&) const = default;
};

error_context error_from(const outcome& o);
// {"error":{"code":..,"message":..,"details":{..}}}
std::string to_error_contract(const error_context& e);

// Consumer-protocol headers for one attempt: traceparent (when the trace id
// is valid), X-Event-Id, X-Event-Type, Idempotency-Key, X-Delivery-Attempt,
// then X-Topic/X-Partition/X-Offset or X-Queue (and X-Message-Id for queues).
std::vector<core::header> protocol_headers(const message& m, int32_t attempt);
// W3C traceparent "00-<trace_id>-<span id>-01"; the span id is derived from
// the envelope id and the attempt (stable across runs). Empty if trace_id is
// not 32 lower-case hex.
std::string traceparent(const message& m, int32_t attempt);

}  // namespace eventfabric::delivery
