#pragma once
// Beast message -> transport-free request (percent-decoded path, parsed query,
// lower-cased header names). Included only by http_server.cc. The body is
// moved out, not copied (a produce body is hundreds of KiB); the message
// keeps its start line and headers (a WebSocket upgrade still needs them).

#include <boost/beast/http.hpp>
#include <utility>

#include "emulator/core/text.h"
#include "emulator/server/http_types.h"

namespace eventfabric::server {

template <class Body>
request to_request(boost::beast::http::request<Body>& msg) {
  request req;
  req.method = std::string(msg.method_string());
  const std::string_view target(msg.target().data(), msg.target().size());
  const auto q = target.find('?');
  req.path = core::percent_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      const auto eq = pair.find('=');
      req.query[core::percent_decode(pair.substr(0, eq), true)] =
          eq == std::string_view::npos ? "" : core::percent_decode(pair.substr(eq + 1), true);
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  req.body = std::move(msg.body());
  return req;
}

}  // namespace eventfabric::server
