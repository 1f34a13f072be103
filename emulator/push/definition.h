#pragma once
// What a push subscription is: its source (a topic read as a consumer group,
// or a queue), the webhook URL, and the delivery options. The JSON form is
// the body of POST /subscriptions, an entry of the `serve --config`
// "subscriptions" list, and what is persisted (to_json/parse_definition round
// trip). Flat fields:
//
//   {"name": "billing-webhook", "topic": "billing.payment.captured.v1", "group": "billing-webhook",
//    "start": "earliest"|"latest", "url": "http://127.0.0.1:9000/events",
//    "initial_delay_ms": 1000, "multiplier": 2.0, "max_delay_ms": 60000, "max_attempts": 5,
//    "jitter": "none"|"full"|"proportional", "jitter_fraction": 0.2,
//    "blocking": true, "quarantine_after": 3, "quarantine_after_same_failures": 0,
//    "timeout_ms": 5000, "read_ahead": 256}
//
// or "queue": "..." instead of "topic"/"group"/"start". Unknown fields are
// refused. Errors are errc::invalid_argument with details {"field": ..}.

#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/core/error.h"
#include "emulator/delivery/message.h"
#include "emulator/delivery/subscription.h"

namespace eventfabric::push {

inline constexpr int64_t kMaxTimeoutMs = 600'000;
inline constexpr int32_t kMaxReadAhead = 100'000;

struct definition {
  std::string name;
  delivery::source_kind kind = delivery::source_kind::topic;
  std::string source;            // topic or queue name
  std::string group;             // topics: the consumer group (default: the name)
  bool start_earliest = false;   // topics: a group without committed offsets starts at the log start
  std::string url;               // http://host[:port]/path
  delivery::subscription_options options;  // retry, blocking, quarantine (options.name = name)
  int64_t timeout_ms = 5000;     // per attempt: connect + send + answer
  int32_t read_ahead = 256;      // messages held in memory (waiting + in flight)
  bool operator==(const definition& o) const;
};

// Parses and validates one definition from JSON text or an already parsed
// object's text; `pointer` prefixes messages (e.g. "/subscriptions/0").
core::result<definition> parse_definition(std::string_view json_text, std::string_view pointer = {});
// Canonical JSON, every field spelled out.
std::string to_json(const definition& d);

}  // namespace eventfabric::push
