#include "emulator/server/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <memory>
#include <set>

#include "emulator/push/manager.h"
#include "emulator/server/app.h"
#include "emulator/server/errors.h"
#include "emulator/server/wire.h"

namespace eventfabric::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

// Wakes every waiter at once: each waiter parks on its own timer, notify_all
// cancels them. Used for long polls (new data) and group commit (flushed).
class broadcast {
 public:
  explicit broadcast(asio::io_context& io) : io_(io) {}
  // Returns at `deadline` or at the next notify_all(), whichever is first.
  awaitable<void> wait_until(std::chrono::steady_clock::time_point deadline) {
    asio::steady_timer timer(io_, deadline);
    waiters_.insert(&timer);
    beast::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    waiters_.erase(&timer);
  }
  void notify_all() {
    for (auto* t : waiters_) t->cancel();
  }

 private:
  asio::io_context& io_;
  std::set<asio::steady_timer*> waiters_;
};

bool is_disconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
         ec == asio::error::connection_reset || ec == asio::error::eof;
}

// A WebSocket tail: the stream, shared with its reader coroutine.
struct tail_state {
  explicit tail_state(beast::tcp_stream&& s) : ws(std::move(s)) {}
  websocket::stream<beast::tcp_stream> ws;
  bool gone = false;  // the client closed, or the connection failed
};

constexpr std::size_t kFramesPerBatch = 256;
// Free space kept in a connection's read buffer while a body arrives: Beast
// reads at most 64 KiB at once.
constexpr std::uint64_t kReadRoom = 64 * 1024;

struct http_server::impl {
  impl(app& a, server_options o) : app_(a), opts(std::move(o)), acceptor(io), data(io), flushed(io) {
    app_.set_on_data([this] { data.notify_all(); });
  }
  // Push runners hold sockets and timers of `io`: stop them while it lives.
  ~impl() {
    if (auto* subs = app_.options().subscriptions) subs->stop();
  }

  app& app_;
  server_options opts;
  asio::io_context io;
  tcp::acceptor acceptor;
  broadcast data;     // new records/messages: long polls re-check
  broadcast flushed;  // a group commit finished
  bool flush_scheduled = false;
  uint64_t flush_generation = 0;  // completed commits
  std::size_t flush_waiters = 0;  // requests (and ticks) waiting for the next commit
  core::result<void> last_flush;
  std::size_t connections = 0;
  bool stopping = false;
  std::set<beast::tcp_stream*> idle;  // connections waiting for their next request

  // Group commit: every request that mutated in this loop turn joins one commit.
  awaitable<core::result<void>> commit() {
    const uint64_t target = flush_generation + 1;
    ++flush_waiters;
    if (!flush_scheduled) {
      flush_scheduled = true;
      asio::post(io, [this] {
        flush_scheduled = false;
        last_flush = app_.broker().sync();
        if (app_.broker().persistent()) {
          app_.metrics().count("eventfabric_store_commits_total", {});
          app_.metrics().count("eventfabric_store_commit_waiters_total", {}, static_cast<double>(flush_waiters));
        }
        flush_waiters = 0;
        ++flush_generation;
        flushed.notify_all();
      });
    }
    while (flush_generation < target)
      co_await flushed.wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(60));
    co_return last_flush;
  }

  static response not_persisted(const core::error& e) {
    return error_response(503, core::errc::storage_error, "not persisted: " + e.message);
  }

  awaitable<response> resolve(outcome out) {
    if (auto* p = std::get_if<pending>(&out)) {
      const auto deadline = std::chrono::steady_clock::now() + p->timeout;
      for (;;) {
        co_await data.wait_until(deadline);
        const bool final = stopping || std::chrono::steady_clock::now() >= deadline;
        if (auto r = p->poll(final)) {
          out = std::move(*r);
          break;
        }
      }
    }
    response resp = std::move(std::get<response>(out));
    if (resp.needs_sync) {
      auto ok = co_await commit();
      if (!ok) resp = not_persisted(ok.error());
    }
    co_return resp;
  }

  awaitable<void> write(beast::tcp_stream& stream, response resp, unsigned version, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(resp.status), version};
    res.set(http::field::server, "eventfabric");
    if (!resp.content_type.empty()) res.set(http::field::content_type, resp.content_type);
    for (auto& [k, v] : resp.headers) res.set(k, v);
    res.keep_alive(keep_alive);
    res.body() = std::move(resp.body);
    res.prepare_payload();
    co_await http::async_write(stream, res, use_awaitable);
  }

  // Answers a request that never reached a handler (parse error, limits).
  awaitable<void> reject(beast::tcp_stream& stream, response resp) {
    beast::error_code ec;
    stream.expires_after(std::chrono::seconds(5));
    try {
      co_await write(stream, std::move(resp), 11, false);
    } catch (const std::exception&) {
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  response too_many_connections() const {
    return error_response(503, "TOO_MANY_CONNECTIONS",
                          "the server has " + std::to_string(opts.max_connections) + " connections open; retry later");
  }

  response read_error(const beast::error_code& ec) const {
    if (ec == http::error::header_limit)
      return error_response(431, "HEADERS_TOO_LARGE",
                            "request headers exceed " + std::to_string(opts.max_header_bytes) + " bytes");
    if (ec == http::error::body_limit)
      return error_response(413, core::errc::too_large,
                            "the request body exceeds " + std::to_string(opts.max_body_bytes) + " bytes",
                            {{"limit", std::to_string(opts.max_body_bytes)}});
    return error_response(400, "MALFORMED_REQUEST", "malformed HTTP request: " + ec.message());
  }

  // Reads (and drops) what the client sends, so that pings, pongs and its
  // close frame are answered; marks the tail gone when the connection ends.
  awaitable<void> tail_reader(std::shared_ptr<tail_state> st) {
    beast::flat_buffer buf;
    for (;;) {
      beast::error_code ec;
      co_await st->ws.async_read(buf, asio::redirect_error(use_awaitable, ec));
      if (ec) break;
      buf.consume(buf.size());
    }
    st->gone = true;
    data.notify_all();  // wakes the writer
  }

  // Upgrades the connection and streams `src` until the client leaves, the
  // source ends, the client falls too far behind, or the server stops. Never
  // blocks the io_context: it waits for data like a long poll.
  awaitable<void> tail(beast::tcp_stream stream, http::request<http::string_body> msg, live_stream src) {
    auto st = std::make_shared<tail_state>(std::move(stream));
    auto& ws = st->ws;
    beast::get_lowest_layer(ws).expires_never();  // the websocket timeouts take over
    websocket::stream_base::timeout limits;
    limits.handshake_timeout = std::chrono::seconds(5);
    limits.idle_timeout = opts.idle_timeout;  // pings at half of it; no answer at all closes
    limits.keep_alive_pings = true;
    ws.set_option(limits);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "eventfabric"); }));
    beast::error_code ec;
    co_await ws.async_accept(msg, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    ws.text(true);
    asio::co_spawn(io, tail_reader(st), asio::detached);
    websocket::close_reason reason(websocket::close_code::normal);
    for (;;) {
      if (st->gone) co_return;
      if (stopping) {
        reason = websocket::close_reason(websocket::close_code::going_away, "the server is stopping");
        break;
      }
      live_batch batch = src.next(kFramesPerBatch);
      for (const auto& frame : batch.frames) {
        co_await ws.async_write(asio::buffer(frame), asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
      }
      if (batch.end) {
        reason = websocket::close_reason(websocket::close_code::normal, batch.end->substr(0, 120));
        break;
      }
      if (batch.behind > opts.tail_max_behind) {
        const std::string why = "slow reader: " + std::to_string(batch.behind) + " behind, limit " +
                                std::to_string(opts.tail_max_behind);
        reason = websocket::close_reason(websocket::close_code::policy_error, why);
        break;
      }
      if (batch.frames.size() == kFramesPerBatch) continue;  // more to send now
      co_await data.wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(1));
    }
    co_await ws.async_close(reason, asio::redirect_error(use_awaitable, ec));
    // The reader ends with the close handshake (or the handshake timeout).
  }

  awaitable<void> session(tcp::socket socket) {
    ++connections;
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    bool upgraded = false;  // the stream moved to a WebSocket tail
    try {
      if (connections > opts.max_connections) {
        response busy = too_many_connections();
        co_await reject(stream, std::move(busy));
        --connections;
        co_return;
      }
      for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(opts.max_header_bytes));
        parser.body_limit(opts.max_body_bytes);
        // A slow client gets request_timeout for the whole request; an idle
        // keep-alive connection gets idle_timeout before its first byte.
        stream.expires_after(buffer.size() > 0 ? opts.request_timeout : opts.idle_timeout);
        idle.insert(&stream);
        beast::error_code ec;
        co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
        idle.erase(&stream);
        if (!ec) {
          stream.expires_after(opts.request_timeout);
          // Beast reads into the buffer's free space (at least 512 bytes, at
          // most 64 KiB): without room a large body takes a read, an epoll
          // wait and a timer update per 512 bytes.
          if (auto len = parser.content_length(); len && *len > 0)
            buffer.reserve(buffer.size() + static_cast<std::size_t>(std::min<std::uint64_t>(*len, kReadRoom)));
          co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
        }
        if (is_disconnect(ec)) break;
        if (ec) {
          // GCC 12 miscompiles braced initializers inside co_await operands:
          // build the response first.
          response bad = read_error(ec);
          co_await reject(stream, std::move(bad));
          break;
        }
        auto msg = parser.release();
        const bool keep_alive = msg.keep_alive() && !stopping;
        const unsigned version = msg.version();
        outcome handled = app_.handle(to_request(msg));
        if (auto* live = std::get_if<live_stream>(&handled)) {
          if (websocket::is_upgrade(msg)) {
            live_stream src = std::move(*live);
            upgraded = true;
            co_await tail(std::move(stream), std::move(msg), std::move(src));
            break;
          }
          handled = error_response(426, "UPGRADE_REQUIRED", "this route streams over WebSocket: send a WebSocket upgrade");
        }
        response resp = co_await resolve(std::move(handled));
        stream.expires_after(opts.request_timeout);
        co_await write(stream, std::move(resp), version, keep_alive);
        if (!keep_alive || stopping) break;
      }
    } catch (const std::exception&) {
      // Connection-level failure (reset mid-write, ...): drop this client only.
    }
    idle.erase(&stream);
    if (!upgraded) {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
    --connections;
  }

  awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;  // e.g. EMFILE: keep accepting
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }

  awaitable<void> ticker() {
    asio::steady_timer timer(io);
    while (!stopping) {
      timer.expires_after(opts.tick_interval);
      beast::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
      if (stopping) break;
      app_.broker().tick();
      app_.expire();
      (void)co_await commit();
      data.notify_all();  // leases and TTLs may have made messages ready
    }
  }

  awaitable<void> drain() {
    stopping = true;
    beast::error_code ec;
    acceptor.close(ec);
    for (auto* s : idle) s->socket().cancel(ec);
    // Push subscriptions stop first: in-flight attempts are dropped (redelivered
    // after a restart), groups left and queue consumers cancelled, then committed.
    if (auto* subs = app_.options().subscriptions) subs->stop();
    data.notify_all();
    const auto deadline = std::chrono::steady_clock::now() + opts.drain_timeout;
    asio::steady_timer timer(io);
    while (connections > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(10));
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    (void)app_.broker().sync();
    io.stop();
  }
};

http_server::http_server(app& a, server_options opts) : impl_(std::make_unique<impl>(a, std::move(opts))) {}
http_server::~http_server() = default;

core::result<void> http_server::listen() {
  auto& i = *impl_;
  beast::error_code ec;
  const auto address = asio::ip::make_address(i.opts.address, ec);
  if (ec) return core::fail(core::errc::invalid_argument, "invalid listen address '" + i.opts.address + "'");
  tcp::endpoint ep(address, i.opts.port);
  i.acceptor.open(ep.protocol(), ec);
  if (!ec) i.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) i.acceptor.bind(ep, ec);
  if (!ec) i.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return core::fail(core::errc::invalid_argument, "cannot listen on " + i.opts.address + ":" +
                                                        std::to_string(i.opts.port) + ": " + ec.message());
  return {};
}

uint16_t http_server::port() const { return impl_->acceptor.local_endpoint().port(); }

void http_server::run(bool handle_signals) {
  auto& i = *impl_;
  asio::signal_set signals(i.io);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([this](const beast::error_code& ec, int) {
      if (!ec) stop();
    });
  }
  asio::co_spawn(i.io, i.accept_loop(), asio::detached);
  asio::co_spawn(i.io, i.ticker(), asio::detached);
  if (auto* subs = i.app_.options().subscriptions) subs->start(i.io);
  i.io.run();
}

void http_server::stop() {
  asio::post(impl_->io, [this] {
    if (!impl_->stopping) asio::co_spawn(impl_->io, impl_->drain(), asio::detached);
  });
}

}  // namespace eventfabric::server
