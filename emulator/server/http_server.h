#pragma once
// The Beast HTTP server: accepts on 127.0.0.1, reads requests with size and
// time limits, hands them to app::handle(), makes mutations durable with
// group commit before answering, serves long polls and WebSocket tails (a
// connection whose handler returns a live_stream is upgraded), and ticks the
// broker.
// Everything runs on one io_context thread: that thread is the broker's
// strand. Beast stays inside http_server.cc.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "emulator/core/error.h"

namespace eventfabric::server {

class app;

struct server_options {
  std::string address = "127.0.0.1";
  uint16_t port = 8095;  // 0 = any free port (see http_server::port())
  std::size_t max_connections = 512;
  std::size_t max_header_bytes = 16 * 1024;  // larger headers get 431
  std::size_t max_body_bytes = 8 << 20;      // larger bodies get 413
  std::chrono::milliseconds idle_timeout{60'000};     // keep-alive connection with no request
  std::chrono::milliseconds request_timeout{15'000};  // to receive one whole request (slow clients)
  std::chrono::milliseconds tick_interval{100};       // broker.tick(): retention, TTLs, sessions
  std::chrono::milliseconds drain_timeout{5'000};     // on stop, how long in-flight requests may finish
  // WebSocket tails (GET /ws/...): a session more than this many records or
  // messages behind (arrived since it began, not sent yet) is closed with
  // code 1008 and a reason, so a slow reader cannot pile up work.
  std::size_t tail_max_behind = 10'000;
};

class http_server {
 public:
  // `a` must outlive the server. Nothing happens until run().
  http_server(app& a, server_options opts);
  ~http_server();

  // Binds and listens; errors name the address and port.
  core::result<void> listen();
  // The bound port (after listen()).
  uint16_t port() const;
  // Serves until stop() or SIGINT/SIGTERM (when handle_signals), then drains:
  // stops accepting, lets in-flight requests finish (up to drain_timeout),
  // commits, and returns. Runs on the calling thread.
  void run(bool handle_signals);
  // Thread-safe: asks run() to drain and return.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace eventfabric::server
