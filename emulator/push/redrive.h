#pragma once
// Redrive of a push subscription's DLQ or quarantine, to one of two places:
//
//  - source: each matching entry is republished to where it came from — a
//    topic record to the same topic and partition with the same key, value
//    and headers (a new offset), a queue message to the same queue through
//    the default exchange with the same body, headers and message_id — and
//    removed from the DLQ in the same store transaction (the caller syncs).
//    The subscription then sees it again like any new message (and so does
//    every other consumer of the source).
//  - subscription: the entries go back into this subscription's lanes and
//    are pushed again to its webhook only (delivery::subscription::redrive);
//    the stored entry is erased once that delivery is finished.
//
// Errors (nothing is removed for an entry that was not republished):
// precondition_failed when the source topic or queue (or the partition) no
// longer exists, checked for every matching entry before anything is
// republished; a refused republish (queue full, too large) stops there with
// details {"redriven": how many went before it}.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/broker.h"
#include "emulator/core/error.h"
#include "emulator/delivery/subscription.h"
#include "emulator/push/live.h"

namespace eventfabric::push {

enum class redrive_target : uint8_t { source, subscription };

// "source" or "subscription"; nullopt otherwise.
std::optional<redrive_target> parse_redrive_target(std::string_view s);

// The messages redriven, in entry order.
core::result<std::vector<delivery::message>> redrive(core::broker& b, live& l, delivery::parking where,
                                                     const delivery::redrive_filter& f, redrive_target to);

}  // namespace eventfabric::push
