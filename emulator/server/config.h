#pragma once
// `eventfabric serve --config FILE`: a JSON document that declares topics,
// exchanges, queues and bindings at start-up, and names the contracts folder.
// Transport-free: it takes the document's text and the broker. The format is
// described in README.md ("Start-up configuration") and shown by
// examples/eventfabric.config.json; each entry takes the same fields as the
// HTTP body that declares it (declare.h), plus "name".
//
//   {"contracts": "../contracts",
//    "topics":    [{"name": "...", "partitions": 3, "retention_ms": ..., "cleanup_policy": "compact"}],
//    "exchanges": [{"name": "notify", "type": "topic"}],
//    "queues":    [{"name": "...", "max_length": 1000, "overflow": "reject-publish", "dead_letter_exchange": "..."}],
//    "bindings":  [{"exchange": "notify", "queue": "...", "routing_key": "email.#"}]}
//
// "faults" takes the body of PUT /faults ({"seed": N, "rules": [...]} or a
// bare array of rules; emulator/faults/README.md). "$comment" is allowed in
// every object and ignored. "subscriptions" takes the bodies of
// POST /subscriptions (emulator/push/definition.h), created after the
// topics and queues they read.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/broker.h"
#include "emulator/core/error.h"
#include "emulator/faults/rule.h"
#include "emulator/push/definition.h"

namespace eventfabric::push {
class manager;
}

namespace eventfabric::server {

struct startup_config {
  std::vector<core::topic_config> topics;
  std::vector<core::exchange_config> exchanges;
  std::vector<core::queue_config> queues;
  std::vector<core::binding> bindings;
  // Resolved against the folder of the config file when relative.
  std::optional<std::filesystem::path> contracts;
  // Fault rules to start with (the serve command hands them to its engine).
  std::optional<faults::fault_config> faults;
  // Push subscriptions to create (apply_subscriptions).
  std::vector<push::definition> subscriptions;
};

// Parses and type-checks a document. Errors are errc::invalid_argument whose
// message starts with the JSON pointer of the offending value (details
// {"pointer": ..}): an unknown key names the key, a wrong type or range names
// the field; a bad fault rule names its pointer under /faults, a bad
// subscription its field under /subscriptions/N.
core::result<startup_config> parse_config(std::string_view text, const std::filesystem::path& base_dir = {});

struct apply_summary {
  std::size_t created = 0;    // entities declared now
  std::size_t unchanged = 0;  // entities that already existed with the same settings
};

// Declares exchanges, queues, bindings and topics, idempotently: what exists
// with the same settings is left alone (a restart on an existing data folder),
// what exists with other settings is errc::already_exists naming the pointer
// and both settings. Every entry is checked (naming rules, ranges, conflicts,
// duplicates, bindings to undeclared exchanges or queues) before anything
// changes. Writes are staged; the caller commits them with broker::sync().
core::result<apply_summary> apply_config(core::broker& b, const startup_config& c);

// Creates the subscriptions after apply_config() declared their sources: an
// identical one already there (a restart) is left alone; one with another
// definition is errc::already_exists naming the pointer, checked before any
// is created; a missing source is not_found naming /subscriptions/N/topic or
// /queue. Writes are staged; the caller commits them with broker::sync().
core::result<apply_summary> apply_subscriptions(push::manager& m, const startup_config& c);

}  // namespace eventfabric::server
