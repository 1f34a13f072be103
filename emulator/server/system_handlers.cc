#include "emulator/server/app.h"
#include "emulator/server/handler_util.h"
#include "emulator/server/handlers.h"
#include "emulator/server/router.h"

namespace eventfabric::server {

void add_system_routes(router& r) {
  r.add("GET", "/health", [](app& a, const request&, const path_params&) -> outcome {
    return json_response(200, {{"status", "ok"},
                               {"version", a.options().version},
                               {"persistent", a.broker().persistent()}});
  });
  r.add("GET", "/metrics", [](app& a, const request&, const path_params&) -> outcome {
    response resp;
    resp.content_type = "text/plain; version=0.0.4";
    resp.body = a.metrics().render(a.broker(), a.options().subscriptions);
    return resp;
  });
}

}  // namespace eventfabric::server
