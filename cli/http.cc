#include "cli/http.h"

#include <cstdlib>

#include "emulator/core/text.h"
#include "emulator/http_client/client.h"

namespace eventfabric::cli {

std::string default_url() {
  if (const char* env = std::getenv("EVENTFABRIC_URL"); env && *env) return env;
  return "http://127.0.0.1:8095";
}

struct http_connection::impl {
  std::string base, prefix;
  http_client::client client;
  impl(const core::http_url& u, std::string path_prefix)
      : base("http://" + u.host + ":" + u.port), prefix(std::move(path_prefix)), client(u.host, u.port, "eventfabric-cli") {}
};

http_connection::http_connection(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
http_connection::~http_connection() = default;

core::result<std::unique_ptr<http_connection>> http_connection::open(const std::string& url) {
  auto u = core::parse_http_url(url);
  if (!u) return std::unexpected(u.error());
  std::string prefix = u->target;  // a path prefix kept before every request target
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return std::unique_ptr<http_connection>(new http_connection(std::make_unique<impl>(*u, std::move(prefix))));
}

core::result<http_result> http_connection::call(const std::string& method, const std::string& target,
                                                 const std::string& body, const std::string& content_type,
                                                 std::chrono::milliseconds timeout) {
  std::vector<core::header> headers;
  if (!body.empty()) headers.push_back({"Content-Type", content_type});
  auto r = impl_->client.call(method, impl_->prefix + target, body, headers, timeout);
  if (r) return http_result{r->status, std::move(r->body)};
  using http_client::failure_kind;
  switch (r.error().kind) {
    case failure_kind::connect:
      return core::fail(core::errc::not_found, r.error().what + "; is `eventfabric serve` running at " + impl_->base +
                                                   "? Set --url or EVENTFABRIC_URL");
    case failure_kind::timeout:
      return core::fail(core::errc::storage_error, "no answer from " + impl_->base + " within " +
                                                       std::to_string(timeout.count()) + " ms: " + r.error().what);
    case failure_kind::broken:
      break;
  }
  return core::fail(core::errc::storage_error, "the request failed: " + r.error().what);
}

}  // namespace eventfabric::cli
