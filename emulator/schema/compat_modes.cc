// Entry points: diff()/diff_lenient(), the compatibility modes, and
// check_compatibility() with Confluent's registry semantics.

#include <algorithm>
#include <array>
#include <cctype>

#include "emulator/schema/compat.h"
#include "emulator/schema/compat_internal.h"

namespace eventfabric::schema {
namespace {

using compat_detail::compat_set;

struct mode_name {
  compat_mode mode;
  std::string_view name;
};

constexpr std::array<mode_name, 7> kModes = {{
    {compat_mode::backward, "BACKWARD"},
    {compat_mode::backward_transitive, "BACKWARD_TRANSITIVE"},
    {compat_mode::forward, "FORWARD"},
    {compat_mode::forward_transitive, "FORWARD_TRANSITIVE"},
    {compat_mode::full, "FULL"},
    {compat_mode::full_transitive, "FULL_TRANSITIVE"},
    {compat_mode::none, "NONE"},
}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

core::result<std::vector<change>> run_diff(const nlohmann::json& original, const nlohmann::json& update,
                                           compat_set set) {
  auto o = compat_detail::load(original);
  if (!o) return std::unexpected(core::error(o.error().code, "original schema: " + o.error().message));
  auto u = compat_detail::load(update);
  if (!u) return std::unexpected(core::error(u.error().code, "update schema: " + u.error().message));
  compat_detail::walker w(set);
  auto diffs = w.run((*o)->root, (*u)->root);
  if (!diffs) return std::unexpected(diffs.error());
  std::vector<change> changes;
  changes.reserve(diffs->size());
  for (const auto& d : *diffs) {
    changes.push_back(change{std::string(compat_detail::name_of(d.type)), "#/" + d.path,
                             compat_detail::is_compatible(d.type, set),
                             std::string(compat_detail::explanation_of(d.type))});
  }
  return changes;
}

bool is_transitive(compat_mode m) {
  return m == compat_mode::backward_transitive || m == compat_mode::forward_transitive ||
         m == compat_mode::full_transitive;
}
bool checks_backward(compat_mode m) {
  return m == compat_mode::backward || m == compat_mode::backward_transitive || m == compat_mode::full ||
         m == compat_mode::full_transitive;
}
bool checks_forward(compat_mode m) {
  return m == compat_mode::forward || m == compat_mode::forward_transitive || m == compat_mode::full ||
         m == compat_mode::full_transitive;
}

// Adds the incompatible changes of one directed check to `result`.
void check_one(const nlohmann::json& writer, const nlohmann::json& reader, int version,
               std::string_view direction, bool lenient, compat_result& result) {
  auto changes = lenient ? diff_lenient(writer, reader) : diff(writer, reader);
  std::string where = "version " + std::to_string(version) + " (" + std::string(direction) + ")";
  if (!changes) {
    result.compatible = false;
    result.changes.push_back(change{"SCHEMA_INVALID", "#/", false,
                                    "a schema could not be loaded: " + changes.error().message +
                                        "; fix the schema before checking compatibility",
                                    version, std::string(direction)});
    result.messages.push_back("SCHEMA_INVALID against " + where + ": " + changes.error().message);
    return;
  }
  for (auto& c : *changes) {
    if (c.compatible) continue;
    result.compatible = false;
    result.messages.push_back(c.to_string() + " against " + where + ": " + c.explanation);
    c.against_version = version;
    c.direction = std::string(direction);
    result.changes.push_back(std::move(c));
  }
}

}  // namespace

std::optional<compat_mode> parse_compat_mode(std::string_view name) {
  for (const auto& m : kModes) {
    if (equals_ignoring_case(m.name, name)) return m.mode;
  }
  return std::nullopt;
}

std::string_view to_string(compat_mode mode) {
  for (const auto& m : kModes) {
    if (m.mode == mode) return m.name;
  }
  return "NONE";
}

core::result<std::vector<change>> diff(const nlohmann::json& original, const nlohmann::json& update) {
  return run_diff(original, update, compat_set::strict);
}

core::result<std::vector<change>> diff_lenient(const nlohmann::json& original, const nlohmann::json& update) {
  return run_diff(original, update, compat_set::lenient);
}

compat_result check_compatibility(const nlohmann::json& candidate,
                                  const std::vector<nlohmann::json>& previous, compat_mode mode,
                                  bool lenient) {
  compat_result result;
  if (mode == compat_mode::none || previous.empty()) return result;
  // Newest first, as the registry walks the history.
  int newest = static_cast<int>(previous.size());
  int oldest = is_transitive(mode) ? 1 : newest;
  for (int version = newest; version >= oldest; --version) {
    const nlohmann::json& old_schema = previous[static_cast<std::size_t>(version - 1)];
    if (checks_backward(mode)) check_one(old_schema, candidate, version, "backward", lenient, result);
    if (checks_forward(mode)) check_one(candidate, old_schema, version, "forward", lenient, result);
  }
  return result;
}

}  // namespace eventfabric::schema
