#include "emulator/harness/compare.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "emulator/core/text.h"

namespace eventfabric::harness {

namespace {

using json = nlohmann::json;

std::string text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::vector<std::string> tokens_of(std::string_view pointer) {
  std::vector<std::string> out;
  std::size_t i = 1;  // past the leading '/'
  while (i <= pointer.size()) {
    const std::size_t slash = pointer.find('/', i);
    const std::size_t end = slash == std::string_view::npos ? pointer.size() : slash;
    out.push_back(core::unescape_pointer_token(pointer.substr(i, end - i)));
    i = end + 1;
  }
  return out;
}

void erase_at(json& j, const std::vector<std::string>& tokens, std::size_t at) {
  if (at >= tokens.size()) return;
  const std::string& t = tokens[at];
  const bool last = at + 1 == tokens.size();
  if (j.is_object()) {
    if (t == "*") {
      if (last) {
        j = json::object();
        return;
      }
      for (auto& [k, v] : j.items()) erase_at(v, tokens, at + 1);
    } else if (auto it = j.find(t); it != j.end()) {
      if (last) j.erase(it);
      else erase_at(*it, tokens, at + 1);
    }
  } else if (j.is_array()) {
    if (t == "*") {
      if (last) {
        j = json::array();
        return;
      }
      for (auto& v : j) erase_at(v, tokens, at + 1);
    } else if (!t.empty() && std::ranges::all_of(t, [](char c) { return c >= '0' && c <= '9'; }) && t.size() < 10) {
      const std::size_t idx = std::stoul(t);
      if (idx >= j.size()) return;
      if (last) j.erase(idx);
      else erase_at(j[idx], tokens, at + 1);
    }
  }
}

void diff(const json& a, const json& b, const std::string& at, std::vector<state_difference>& out) {
  if (a == b) return;
  if (a.is_object() && b.is_object()) {
    for (const auto& [k, v] : a.items()) {
      const std::string p = at + "/" + core::escape_pointer_token(k);
      if (auto it = b.find(k); it == b.end()) out.push_back({p, text(v), std::nullopt});
      else diff(v, *it, p, out);
    }
    for (const auto& [k, v] : b.items())
      if (!a.contains(k)) out.push_back({at + "/" + core::escape_pointer_token(k), std::nullopt, text(v)});
    return;
  }
  if (a.is_array() && b.is_array()) {
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::string p = at + "/" + std::to_string(i);
      if (i >= a.size()) out.push_back({p, std::nullopt, text(b[i])});
      else if (i >= b.size()) out.push_back({p, text(a[i]), std::nullopt});
      else diff(a[i], b[i], p, out);
    }
    return;
  }
  out.push_back({at, text(a), text(b)});
}

}  // namespace

core::result<std::vector<state_difference>> diff_state(std::string_view expected, std::string_view actual,
                                                       const std::vector<std::string>& ignore) {
  json a = json::parse(expected, nullptr, false), b = json::parse(actual, nullptr, false);
  if (a.is_discarded()) return core::fail(core::errc::invalid_argument, "the clean run's state is not JSON");
  if (b.is_discarded()) return core::fail(core::errc::invalid_argument, "the state is not JSON");
  for (const auto& p : ignore) {
    const auto t = tokens_of(p);
    erase_at(a, t, 0);
    erase_at(b, t, 0);
  }
  std::vector<state_difference> out;
  diff(a, b, "", out);
  return out;
}

output_event output_event_of(const published& p) {
  const json e = json::parse(p.envelope, nullptr, false);
  output_event o;
  if (e.is_discarded() || !e.is_object()) {
    o.type = "<not JSON>";
    o.payload = p.envelope;
    return o;
  }
  if (auto t = e.find("type"); t != e.end() && t->is_string()) o.type = t->get<std::string>();
  if (auto pl = e.find("payload"); pl != e.end()) o.payload = text(*pl);
  if (auto m = e.find("metadata"); m != e.end() && m->is_object())
    if (auto k = m->find("partition_key"); k != m->end() && k->is_string()) o.key = k->get<std::string>();
  return o;
}

output_difference diff_output(const std::vector<published>& expected, const std::vector<published>& actual) {
  std::vector<output_event> a, b;
  for (const auto& p : expected) a.push_back(output_event_of(p));
  for (const auto& p : actual) b.push_back(output_event_of(p));
  std::ranges::sort(a);
  std::ranges::sort(b);
  output_difference d;
  std::ranges::set_difference(a, b, std::back_inserter(d.missing));
  std::ranges::set_difference(b, a, std::back_inserter(d.extra));
  return d;
}

}  // namespace eventfabric::harness
