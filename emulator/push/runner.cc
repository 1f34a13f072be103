#include "emulator/push/runner.h"
#include "emulator/core/text.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <set>
#include <vector>

namespace eventfabric::push {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr int64_t kPollMs = 200;  // upper bound on a wait: new data is also signalled by wake()

struct connection {
  explicit connection(asio::io_context& io) : socket(io) {}
  tcp::socket socket;
  beast::flat_buffer buffer;
  bool open = false;
  bool timed_out = false;  // the attempt's deadline closed it
};

bool peer_closed(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe;
}

}  // namespace

struct runner::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io_, core::broker& b_, std::shared_ptr<live> l_, verdict_listener v)
      : io(io_), b(b_), l(std::move(l_)), on_verdict(std::move(v)), timer(io_), resolver(io_) {
    if (auto u = core::parse_http_url(l->def.url)) url = *u;
    host_header = url.host + (url.port == "80" ? "" : ":" + url.port);
  }

  asio::io_context& io;
  core::broker& b;
  std::shared_ptr<live> l;
  verdict_listener on_verdict;
  asio::steady_timer timer;
  tcp::resolver resolver;
  core::http_url url;
  std::string host_header;
  std::optional<tcp::resolver::results_type> endpoints;
  std::vector<std::shared_ptr<connection>> idle;
  std::set<connection*> busy;
  uint64_t epoch = 0;  // bumped when connections are dropped (crash): older ones are not pooled
  bool stopped = false;
  int64_t sleeping_until = 0;  // clock ms the loop sleeps until

  void wake() {
    sleeping_until = 0;
    timer.cancel();
  }

  void drop_connections() {
    ++epoch;
    beast::error_code ec;
    for (auto* c : busy) c->socket.close(ec);
    idle.clear();
  }

  // Opens the source if needed, keeps it alive, reads ahead, starts what is due.
  void pump() {
    live& s = *l;
    if (!s.src) {
      auto opened = open_source(b, s.def);
      if (!opened) {
        s.source_error = opened.error().message;
        return;
      }
      s.src = std::move(*opened);
      s.source_error.clear();
    }
    s.src->tick();
    // Refill below half of read_ahead, in bulk (one fetch per partition
    // rather than one per message).
    const std::size_t held = s.sub.waiting() + s.sub.in_flight();
    const auto limit = static_cast<std::size_t>(s.def.read_ahead);
    if (held * 2 <= limit || held == 0) s.src->fill(s.sub, limit - held);
    while (auto d = s.sub.next()) asio::co_spawn(io, attempt(shared_from_this(), std::move(*d)), asio::detached);
  }

  static awaitable<void> loop(std::shared_ptr<impl> self) {
    live& s = *self->l;
    while (!self->stopped && !s.stopped) {
      self->pump();
      int64_t wait = kPollMs;
      const int64_t now = self->b.clk().now_ms();
      if (auto due = s.sub.next_due()) wait = std::clamp<int64_t>(*due - now, 1, kPollMs);
      self->sleeping_until = now + wait;
      self->timer.expires_after(std::chrono::milliseconds(wait));
      beast::error_code ec;
      co_await self->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
  }

  static awaitable<void> attempt(std::shared_ptr<impl> self, delivery::delivery d) {
    const auto started = std::chrono::steady_clock::now();
    delivery::outcome o = co_await self->post(d);
    if (self->stopped || self->l->stopped) co_return;
    live& s = *self->l;
    auto c = s.sub.complete(d.id, o);
    if (c) {
      const auto v = c->result;
      // Parked messages were let go by the parking journal (after staging the entry).
      if (v == delivery::verdict::processed && s.src) s.src->done(d.msg);
      if (c->restart_consumer) self->drop_connections();
      if (self->on_verdict)
        self->on_verdict(s.def.name, v, o,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    // Start the lane's next message right here (no hop through the loop),
    // then let the loop recompute its wait (a retry may now be due sooner).
    self->pump();
    // Wake the loop only when it sleeps past the next due attempt (a retry
    // whose backoff ends sooner); a wake-up per message costs throughput.
    if (auto due = s.sub.next_due(); due && *due < self->sleeping_until) self->wake();
  }

  http::request<http::string_body> make_request(const delivery::delivery& d) const {
    http::request<http::string_body> req{http::verb::post, url.target, 11};
    req.set(http::field::host, host_header);
    req.set(http::field::user_agent, "eventfabric-push");
    req.set(http::field::content_type, "application/json");
    for (const auto& h : d.headers) req.set(h.key, h.value);
    req.body() = d.msg.body;
    req.keep_alive(true);
    req.prepare_payload();
    return req;
  }

  // One attempt's deadline: closes the connection when it passes (the
  // pending operation then fails and the attempt reports a timeout).
  // Cheaper than Beast's per-operation timers.
  void arm(asio::steady_timer& deadline, const std::shared_ptr<connection>& c) {
    deadline.expires_after(std::chrono::milliseconds(l->def.timeout_ms));
    deadline.async_wait([weak = std::weak_ptr<connection>(c)](const beast::error_code& ec) {
      if (ec) return;  // cancelled: the attempt finished in time
      if (auto conn = weak.lock()) {
        conn->timed_out = true;
        beast::error_code ignored;
        conn->socket.close(ignored);
      }
    });
  }

  delivery::outcome timed_out() const {
    return delivery::outcome::timeout("no answer within " + std::to_string(l->def.timeout_ms) + " ms");
  }

  awaitable<delivery::outcome> post(const delivery::delivery& d) {
    const auto req = make_request(d);
    asio::steady_timer deadline(io);
    for (int pass = 0; pass < 2; ++pass) {
      std::shared_ptr<connection> c;
      const bool reused = pass == 0 && !idle.empty();  // the retry always takes a fresh connection
      if (reused) {
        c = std::move(idle.back());
        idle.pop_back();
      } else {
        c = std::make_shared<connection>(io);
      }
      connection* raw = c.get();
      const uint64_t my_epoch = epoch;
      busy.insert(raw);
      arm(deadline, c);
      beast::error_code ec;
      if (!raw->open) {
        if (!endpoints) {
          auto found = co_await resolver.async_resolve(url.host, url.port, asio::redirect_error(use_awaitable, ec));
          if (!ec) endpoints = std::move(found);
        }
        if (!ec) co_await asio::async_connect(raw->socket, *endpoints, asio::redirect_error(use_awaitable, ec));
        if (ec) {
          busy.erase(raw);
          if (raw->timed_out) co_return timed_out();
          co_return delivery::outcome::connection_error("cannot connect to " + l->def.url + ": " + ec.message());
        }
        raw->open = true;
        raw->socket.set_option(tcp::no_delay(true), ec);
      }
      co_await http::async_write(raw->socket, req, asio::redirect_error(use_awaitable, ec));
      http::response<http::string_body> res;
      if (!ec) co_await http::async_read(raw->socket, raw->buffer, res, asio::redirect_error(use_awaitable, ec));
      busy.erase(raw);
      if (ec) {
        beast::error_code ignored;
        raw->socket.close(ignored);
        if (raw->timed_out) co_return timed_out();
        if (reused && pass == 0 && peer_closed(ec) && my_epoch == epoch && !stopped) {
          continue;  // a stale keep-alive connection: once more on a fresh one
        }
        co_return delivery::outcome::connection_error("the connection to " + l->def.url +
                                                      " failed before an answer: " + ec.message());
      }
      deadline.cancel();
      if (res.keep_alive() && !raw->timed_out && my_epoch == epoch && !stopped) {
        idle.push_back(std::move(c));
      } else {
        beast::error_code ignored;
        raw->socket.close(ignored);
      }
      co_return delivery::outcome::from_status(static_cast<int>(res.result_int()), std::move(res.body()));
    }
    co_return delivery::outcome::connection_error("the connection to " + l->def.url + " failed");
  }

  void stop() {
    if (stopped) return;
    stopped = true;
    drop_connections();
    beast::error_code ec;
    timer.cancel();
    resolver.cancel();
    l->sub.redeliver_in_flight();
    if (l->src) l->src->close();
  }
};

runner::runner(std::shared_ptr<impl> i) : impl_(std::move(i)) {}
runner::~runner() = default;

std::shared_ptr<runner> runner::start(asio::io_context& io, core::broker& b, std::shared_ptr<live> l,
                                      verdict_listener on_verdict) {
  auto i = std::make_shared<impl>(io, b, std::move(l), std::move(on_verdict));
  asio::co_spawn(io, impl::loop(i), asio::detached);
  return std::shared_ptr<runner>(new runner(std::move(i)));
}

void runner::wake() { impl_->wake(); }
void runner::stop() { impl_->stop(); }

}  // namespace eventfabric::push
