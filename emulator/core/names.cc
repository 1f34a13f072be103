#include "emulator/core/names.h"

#include <string>
#include <vector>

namespace eventfabric::core {
namespace {

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::unexpected<error> bad_name(std::string what, std::string_view name, std::string rule) {
  return fail(errc::invalid_name,
              what + " '" + std::string(name.substr(0, 300)) + "' is invalid: " + rule,
              {{"field", "name"}});
}

}  // namespace

bool is_name_segment(std::string_view s) noexcept {
  if (s.empty() || s.front() < 'a' || s.front() > 'z') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

bool is_version_segment(std::string_view s) noexcept {
  if (s.size() < 2 || s.size() > 10 || s[0] != 'v' || s[1] == '0') return false;
  for (char c : s.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

result<void> check_topic_name(std::string_view name, bool strict) {
  if (!strict) {
    if (name.empty() || name.size() > 249 || name == "." || name == "..")
      return bad_name("topic name", name, "must be 1 to 249 characters and not '.' or '..'");
    for (char c : name)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
            c == '_' || c == '-'))
        return bad_name("topic name", name, "only letters, digits, '.', '_' and '-' are allowed");
    return {};
  }
  const std::string rule =
      "topics are named domain.entity.event.vN in lower case, e.g. workflow.instance.started.v1";
  if (name.size() > 249) return bad_name("topic name", name, rule);
  auto parts = split_dots(name);
  if (parts.size() != 4) return bad_name("topic name", name, rule);
  for (std::size_t i = 0; i < 3; ++i)
    if (!is_name_segment(parts[i])) return bad_name("topic name", name, rule);
  if (!is_version_segment(parts[3])) return bad_name("topic name", name, rule);
  return {};
}

result<void> check_event_type(std::string_view type) {
  const std::string rule =
      "event types are dotted lower case with a version suffix, e.g. workflow.instance.started.v1";
  if (type.size() > 249) return bad_name("event type", type, rule);
  auto parts = split_dots(type);
  if (parts.size() < 3) return bad_name("event type", type, rule);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i)
    if (!is_name_segment(parts[i])) return bad_name("event type", type, rule);
  if (!is_version_segment(parts.back())) return bad_name("event type", type, rule);
  return {};
}

result<void> check_group_name(std::string_view name) {
  if (name.empty() || name.size() > 249)
    return bad_name("group id", name, "must be 1 to 249 characters");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return bad_name("group id", name, "only printable ASCII without spaces is allowed");
  return {};
}

}  // namespace eventfabric::core
