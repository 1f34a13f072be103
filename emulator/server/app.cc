#include "emulator/server/app.h"

#include <exception>

#include "emulator/delivery/idempotency_store.h"
#include "emulator/push/manager.h"
#include "emulator/server/consumer_instances.h"
#include "emulator/server/errors.h"
#include "emulator/server/handlers.h"
#include "emulator/server/router.h"

namespace eventfabric::server {

app::app(core::broker& broker, app_options opts)
    : broker_(broker),
      opts_(std::move(opts)),
      consumers_(std::make_unique<consumer_instances>(broker)),
      router_(std::make_unique<router>()) {
  add_system_routes(*router_);
  add_topic_routes(*router_);
  add_consumer_routes(*router_);
  add_queue_routes(*router_);
  add_registry_routes(*router_);
  add_idempotency_routes(*router_);
  add_fault_routes(*router_);
  add_subscription_routes(*router_);
  consumers_->evict_orphans();
  if (opts_.subscriptions)
    opts_.subscriptions->set_on_verdict([this](const std::string& name, delivery::verdict v,
                                               const delivery::outcome& o, double seconds) {
      count_push(metrics_, name, v, o, seconds);
    });
}

void app::data_arrived() {
  if (on_data_) on_data_();
  if (opts_.subscriptions) opts_.subscriptions->wake();
}

app::~app() = default;

std::vector<std::pair<std::string, std::string>> app::routes() const { return router_->list(); }

void app::expire() {
  consumers_->expire();
  if (opts_.idempotency) opts_.idempotency->purge_expired();
}

outcome app::handle(const request& req) {
  if (req.body.size() > opts_.max_body_bytes)
    return error_response(413, core::errc::too_large,
                          "the request body is " + std::to_string(req.body.size()) + " bytes; the limit is " +
                              std::to_string(opts_.max_body_bytes),
                          {{"limit", std::to_string(opts_.max_body_bytes)}});
  try {
    return router_->dispatch(*this, req);
  } catch (const std::exception& e) {
    // A bug, never the client's fault: answer and keep serving.
    return error_response(500, core::errc::internal, std::string("internal error: ") + e.what());
  }
}

}  // namespace eventfabric::server
