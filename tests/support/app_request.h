#pragma once
// Builds a server::request for in-memory tests of app::handle (no sockets).

#include <map>
#include <string>
#include <utility>

#include "emulator/server/http_types.h"

namespace eventfabric::testing {

inline server::request make_request(std::string method, std::string path, std::string body = "",
                                    std::string content_type = "application/json",
                                    std::map<std::string, std::string, std::less<>> query = {}) {
  server::request req;
  req.method = std::move(method);
  req.path = std::move(path);
  req.body = std::move(body);
  req.query = std::move(query);
  if (!content_type.empty()) req.headers.emplace_back("content-type", std::move(content_type));
  return req;
}

}  // namespace eventfabric::testing
