#pragma once
// Route table: method + path pattern ("/topics/{topic}/partitions/{partition}")
// -> handler. Every API area registers its routes in one function (see
// handlers.h). A path that matches with another method is 405 with Allow.

#include <functional>
#include <string>
#include <vector>

#include "emulator/server/http_types.h"

namespace eventfabric::server {

class app;

using handler_fn = std::function<outcome(app&, const request&, const path_params&)>;

class router {
 public:
  void add(std::string method, std::string pattern, handler_fn fn);
  outcome dispatch(app& a, const request& req) const;
  // Every registered route as {method, pattern}, in registration order.
  std::vector<std::pair<std::string, std::string>> list() const;

 private:
  struct route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" captures one segment
    handler_fn fn;
  };
  static bool match(const route& r, const std::vector<std::string_view>& parts, path_params& out);
  std::vector<route> routes_;
};

}  // namespace eventfabric::server
