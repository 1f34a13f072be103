#include "emulator/delivery/message.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "emulator/core/envelope.h"

namespace eventfabric::delivery {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxMessageChars = 512;

std::string clip(std::string_view s) {
  return std::string(s.substr(0, kMaxMessageChars));
}

// FNV-1a, 64 bit: a stable span id that is never all zero.
uint64_t fnv1a(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

outcome outcome::from_status(int status, std::string body) {
  if (status >= 200 && status < 300) return processed(status);
  if (status >= 400 && status < 500) return permanent(status, std::move(body));
  return transient(status, std::move(body));
}

error_context error_from(const outcome& o) {
  error_context e;
  if (o.kind == outcome_kind::transient && o.status == 0) {
    e.code = o.cause == transient_cause::timeout ? "TIMEOUT" : "CONNECTION_ERROR";
    e.message = o.body.empty() ? (o.cause == transient_cause::timeout ? "the consumer did not answer in time"
                                                                      : "the connection to the consumer failed")
                               : clip(o.body);
    return e;
  }
  const json j = json::parse(o.body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_object()) {
    const json& err = j["error"];
    if (err.contains("code") && err["code"].is_string()) {
      e.code = err["code"].get<std::string>();
      if (err.contains("message") && err["message"].is_string()) e.message = err["message"].get<std::string>();
      if (err.contains("details") && err["details"].is_object())
        e.details_json = err["details"].dump(-1, ' ', false, json::error_handler_t::replace);
      return e;
    }
  }
  e.code = "HTTP_" + std::to_string(o.status);
  e.message = "the consumer answered " + std::to_string(o.status);
  if (!o.body.empty()) e.message += ": " + clip(o.body);
  return e;
}

std::string to_error_contract(const error_context& e) {
  json details = json::parse(e.details_json, nullptr, false);
  if (details.is_discarded() || !details.is_object()) details = json::object();
  const json body = {{"error", {{"code", e.code}, {"message", e.message}, {"details", std::move(details)}}}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string traceparent(const message& m, int32_t attempt) {
  if (!core::is_trace_id(m.trace_id)) return {};
  uint64_t span = fnv1a(std::to_string(attempt), fnv1a(m.envelope_id));
  if (span == 0) span = 1;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(span));
  return "00-" + m.trace_id + "-" + hex + "-01";
}

std::vector<core::header> protocol_headers(const message& m, int32_t attempt) {
  std::vector<core::header> h;
  h.reserve(9);
  if (auto tp = traceparent(m, attempt); !tp.empty()) h.push_back({"traceparent", std::move(tp)});
  h.push_back({"X-Event-Id", m.envelope_id});
  h.push_back({"X-Event-Type", m.type});
  h.push_back({"Idempotency-Key", m.envelope_id});
  h.push_back({"X-Delivery-Attempt", std::to_string(attempt)});
  if (m.kind == source_kind::topic) {
    h.push_back({"X-Topic", m.source});
    h.push_back({"X-Partition", std::to_string(m.partition)});
    h.push_back({"X-Offset", std::to_string(m.offset)});
  } else {
    h.push_back({"X-Queue", m.source});
    h.push_back({"X-Message-Id", std::to_string(m.queue_id)});
  }
  return h;
}

}  // namespace eventfabric::delivery
