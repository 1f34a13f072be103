#include "emulator/server/router.h"

#include "emulator/server/errors.h"

namespace eventfabric::server {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const std::size_t start = i;
    while (i < path.size() && path[i] != '/') ++i;
    if (i > start) parts.push_back(path.substr(start, i - start));
  }
  return parts;
}

}  // namespace

void router::add(std::string method, std::string pattern, handler_fn fn) {
  route r{std::move(method), {}, std::move(fn)};
  for (auto part : split_path(pattern)) r.segments.emplace_back(part);
  routes_.push_back(std::move(r));
}

bool router::match(const route& r, const std::vector<std::string_view>& parts, path_params& out) {
  if (r.segments.size() != parts.size()) return false;
  path_params captured;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = r.segments[i];
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}')
      captured[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    else if (seg != parts[i])
      return false;
  }
  out = std::move(captured);
  return true;
}

std::vector<std::pair<std::string, std::string>> router::list() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : routes_) {
    std::string pattern;
    for (const auto& seg : r.segments) pattern += "/" + seg;
    out.emplace_back(r.method, pattern.empty() ? "/" : pattern);
  }
  return out;
}

outcome router::dispatch(app& a, const request& req) const {
  const auto parts = split_path(req.path);
  std::string allowed;
  for (const auto& r : routes_) {
    path_params params;
    if (!match(r, parts, params)) continue;
    if (r.method == req.method || (req.method == "HEAD" && r.method == "GET")) return r.fn(a, req, params);
    if (!allowed.empty()) allowed += ", ";
    allowed += r.method;
  }
  if (!allowed.empty()) {
    auto resp = error_response(405, "METHOD_NOT_ALLOWED", req.method + " is not allowed on " + req.path,
                               {{"allow", allowed}});
    resp.headers.emplace_back("Allow", allowed);
    return resp;
  }
  return error_response(404, "NOT_FOUND", "no route for " + req.method + " " + req.path, {{"path", req.path}});
}

}  // namespace eventfabric::server
