// The platform's idempotency key store over HTTP, for consumers in any
// language: PUT /idempotency/{key}?ttl=S -> 201 stored, 409 already present;
// GET -> 200 present, 404 absent; DELETE -> 204 removed, 404 absent.
#include "emulator/delivery/idempotency_store.h"
#include "emulator/server/app.h"
#include "emulator/server/errors.h"
#include "emulator/server/handler_util.h"
#include "emulator/server/handlers.h"
#include "emulator/server/router.h"

namespace eventfabric::server {

namespace {

constexpr int64_t kDefaultTtlSeconds = 24 * 3600;

response disabled() {
  return error_response(404, core::errc::not_found, "this server has no idempotency key store");
}

json key_body(const std::string& key, int64_t expires_at_ms) {
  return {{"key", key}, {"expires_at_ms", expires_at_ms}};
}

}  // namespace

void add_idempotency_routes(router& r) {
  r.add("PUT", "/idempotency/{key}", [](app& a, const request& req, const path_params& p) -> outcome {
    auto* store = a.options().idempotency;
    if (!store) return disabled();
    int64_t ttl = kDefaultTtlSeconds;
    if (auto t = req.param("ttl"); !t.empty()) {
      auto parsed = parse_int(t, "ttl", 1);
      if (auto* err = std::get_if<response>(&parsed)) return *err;
      ttl = std::get<int64_t>(parsed);
    }
    const std::string& key = p.at("key");
    auto stored = store->put(key, ttl);
    if (!stored) return error_response(stored.error());
    if (!*stored)
      return error_response(409, core::errc::already_exists, "idempotency key '" + key + "' is already present",
                            {{"key", key}, {"expires_at_ms", std::to_string(store->expires_at(key).value_or(0))}});
    auto resp = json_response(201, key_body(key, store->expires_at(key).value_or(0)));
    resp.needs_sync = true;
    return resp;
  });
  r.add("GET", "/idempotency/{key}", [](app& a, const request&, const path_params& p) -> outcome {
    auto* store = a.options().idempotency;
    if (!store) return disabled();
    const std::string& key = p.at("key");
    auto expires = store->expires_at(key);
    if (!expires) return error_response(404, core::errc::not_found, "idempotency key '" + key + "' is not present");
    return json_response(200, key_body(key, *expires));
  });
  r.add("DELETE", "/idempotency/{key}", [](app& a, const request&, const path_params& p) -> outcome {
    auto* store = a.options().idempotency;
    if (!store) return disabled();
    const std::string& key = p.at("key");
    if (!store->erase(key))
      return error_response(404, core::errc::not_found, "idempotency key '" + key + "' is not present");
    auto resp = no_content();
    resp.needs_sync = true;
    return resp;
  });
}

}  // namespace eventfabric::server
