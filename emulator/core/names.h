#pragma once
// Naming rules of the platform standard.
//  - Topics:      domain.entity.event.vN   e.g. workflow.instance.started.v1
//  - Event types: dotted lower-case with a version suffix, e.g. event.name.v1
//  - Other names (groups, relaxed topics): Kafka's legal characters.
// Queue names (service.action.priority) are checked in queue.h.

#include <string_view>

#include "emulator/core/error.h"

namespace eventfabric::core {

// strict: the platform rule; relaxed: 1..249 chars of [A-Za-z0-9._-], not "." or "..".
result<void> check_topic_name(std::string_view name, bool strict);
// An envelope `type`: two or more lower-case segments, then vN (N >= 1).
result<void> check_event_type(std::string_view type);
// Consumer group ids, member/client ids: 1..249 printable ASCII chars, no control chars.
result<void> check_group_name(std::string_view name);

// True if `s` is one lower-case name segment: [a-z][a-z0-9_-]*.
bool is_name_segment(std::string_view s) noexcept;
// True if `s` is a version segment: v followed by digits without a leading zero.
bool is_version_segment(std::string_view s) noexcept;

}  // namespace eventfabric::core
