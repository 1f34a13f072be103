#include "emulator/server/http_types.h"

#include <algorithm>
#include <cctype>

namespace eventfabric::server {

std::string_view request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

std::string request::content_type() const {
  std::string_view ct = header("content-type");
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  while (!ct.empty() && ct.front() == ' ') ct.remove_prefix(1);
  std::string out(ct);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view request::param(std::string_view name, std::string_view fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : std::string_view(it->second);
}

}  // namespace eventfabric::server
