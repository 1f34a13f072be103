#include "emulator/harness_http/endpoint.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "emulator/core/broker.h"
#include "emulator/http_client/client.h"
#include "emulator/server/app.h"
#include "emulator/server/http_server.h"

namespace eventfabric::harness_http {

namespace {
using json = nlohmann::json;
constexpr std::chrono::milliseconds kTimeout{30'000};
}  // namespace

struct endpoint::impl {
  core::broker broker{{.clk = nullptr, .seed = 1, .store = nullptr, .strict_names = false}};
  std::unique_ptr<server::app> app;
  std::unique_ptr<server::http_server> server;
  std::thread thread;
  uint16_t port = 0;
  std::unique_ptr<http_client::client> http;

  core::result<json> get(const std::string& target) {
    auto r = http->call("GET", target, "", {}, kTimeout);
    if (!r) return core::fail(core::errc::internal, "the harness endpoint failed: " + r.error().what);
    if (r->status != 200)
      return core::fail(core::errc::internal, "the harness endpoint answered " + std::to_string(r->status) + " to GET " +
                                                  target + ": " + r->body);
    json j = json::parse(r->body, nullptr, false);
    if (j.is_discarded()) return core::fail(core::errc::internal, "the harness endpoint answered non-JSON to " + target);
    return j;
  }
};

endpoint::endpoint(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

endpoint::~endpoint() {
  if (impl_->server) impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

core::result<std::unique_ptr<endpoint>> endpoint::start() {
  auto i = std::make_unique<impl>();
  if (auto ok = i->broker.recover(); !ok) return std::unexpected(ok.error());
  server::app_options ao;
  ao.auto_create_topics = true;
  i->app = std::make_unique<server::app>(i->broker, ao);
  server::server_options so;
  so.port = 0;
  i->server = std::make_unique<server::http_server>(*i->app, so);
  if (auto ok = i->server->listen(); !ok) return std::unexpected(ok.error());
  i->port = i->server->port();
  i->thread = std::thread([s = i->server.get()] { s->run(false); });
  i->http = std::make_unique<http_client::client>("127.0.0.1", std::to_string(i->port));
  return std::unique_ptr<endpoint>(new endpoint(std::move(i)));
}

std::string endpoint::url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

core::result<std::vector<harness::published>> endpoint::collect() {
  std::vector<harness::published> out;
  auto topics = impl_->get("/topics");
  if (!topics) return std::unexpected(topics.error());
  for (const auto& t : *topics) {
    const std::string topic = t.get<std::string>();
    auto parts = impl_->get("/topics/" + topic + "/partitions");
    if (!parts) return std::unexpected(parts.error());
    for (std::size_t p = 0; p < parts->size(); ++p) {
      int64_t offset = 0;
      for (;;) {
        auto page = impl_->get("/admin/topics/" + topic + "/partitions/" + std::to_string(p) +
                               "/records?max=10000&offset=" + std::to_string(offset));
        if (!page) return std::unexpected(page.error());
        const auto& recs = (*page)["records"];
        for (const auto& r : recs) {
          const auto& v = r["value"];
          out.push_back({topic, v.is_string() ? v.get<std::string>() : v.dump()});
          offset = r["offset"].get<int64_t>() + 1;
        }
        if (recs.empty() || offset >= (*page)["high_watermark"].get<int64_t>()) break;
      }
    }
    auto del = impl_->http->call("DELETE", "/admin/topics/" + topic, "", {}, kTimeout);
    if (!del || del->status / 100 != 2)
      return core::fail(core::errc::internal, "the harness endpoint could not empty topic " + topic);
  }
  return out;
}

}  // namespace eventfabric::harness_http
