#pragma once
// Transport-free HTTP values. Handlers map a `request` to an `outcome` with no
// I/O of their own (the Beast session does the I/O), so every handler is
// testable in memory.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace eventfabric::server {

struct request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded path without the query
  std::map<std::string, std::string, std::less<>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // First header with that (lower-case) name, or empty.
  std::string_view header(std::string_view name) const;
  // The media type of Content-Type without parameters, lower-cased.
  std::string content_type() const;
  // Query parameter or `fallback`.
  std::string_view param(std::string_view name, std::string_view fallback = {}) const;
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // True when the handler changed broker state: the session makes it durable
  // (group commit) before the response is sent.
  bool needs_sync = false;
};

// A long poll: the session calls `poll(false)` whenever new data may have
// arrived, and `poll(true)` once at the deadline; the first response returned
// is sent. `poll(true)` must return a response.
struct pending {
  std::function<std::optional<response>(bool final)> poll;
  std::chrono::milliseconds timeout{0};
};

// A live stream (the WebSocket tails, GET /ws/...): the session upgrades the
// connection, then calls `next(max)` whenever new data may have arrived and
// sends each frame as one text message, until `end` or the client leaves.
struct live_batch {
  std::vector<std::string> frames;  // at most `max`, JSON text
  // Records that arrived after the stream began and are not sent yet: the
  // session's send queue. Past the server's limit the session is closed.
  std::size_t behind = 0;
  std::optional<std::string> end;  // close the stream with this reason
};
struct live_stream {
  std::function<live_batch(std::size_t max)> next;
};

using outcome = std::variant<response, pending, live_stream>;

// Path parameters captured by the router, e.g. {"topic": "a.b.c.v1"}.
using path_params = std::map<std::string, std::string, std::less<>>;

}  // namespace eventfabric::server
