#include "emulator/harness_http/http_consumer.h"

#include <thread>

#include "emulator/core/text.h"
#include "emulator/http_client/client.h"
#include "emulator/harness_http/process.h"

namespace eventfabric::harness_http {

namespace {

void replace_all(std::string& s, std::string_view from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

struct target_of {
  std::string text;  // the URL, substituted
  core::http_url u;
  std::unique_ptr<http_client::client> c;
};

}  // namespace

std::string substitute(std::string s, int port, const std::filesystem::path& workdir) {
  replace_all(s, "{port}", std::to_string(port));
  replace_all(s, "{workdir}", workdir.string());
  return s;
}

struct http_consumer::impl {
  http_consumer_options o;
  int port = 0;
  int run_number = 0;
  std::filesystem::path workdir;
  child proc;
  bool started = false;
  int unexpected_exits = 0;
  target_of deliver, state, reset, ready;
  std::vector<harness::published> output;

  core::result<target_of> make_target(const std::string& raw) {
    target_of t;
    if (raw.empty()) return t;
    t.text = substitute(raw, port, workdir);
    auto u = core::parse_http_url(t.text);
    if (!u) return std::unexpected(u.error());
    t.u = *u;
    t.c = std::make_unique<http_client::client>(t.u.host, t.u.port, "eventfabric-test");
    return t;
  }

  core::result<void> connect_targets() {
    for (auto [raw, slot] : {std::pair{&o.consumer.deliver_url, &deliver}, std::pair{&o.consumer.state_url, &state},
                             std::pair{&o.consumer.reset_url, &reset}, std::pair{&o.consumer.ready_url, &ready}}) {
      auto t = make_target(*raw);
      if (!t) return std::unexpected(t.error());
      *slot = std::move(*t);
    }
    return {};
  }

  void drop_connections() {
    for (auto* t : {&deliver, &state, &reset, &ready})
      if (t->c) t->c->close();
  }

  core::result<void> new_workdir() {
    ++run_number;
    workdir = o.workroot / ("run-" + std::to_string(run_number));
    std::error_code ec;
    std::filesystem::remove_all(workdir, ec);
    std::filesystem::create_directories(workdir, ec);
    if (ec) return core::fail(core::errc::storage_error, "cannot create " + workdir.string() + ": " + ec.message());
    return connect_targets();
  }

  core::result<void> start() {
    drop_connections();
    proc.kill();
    std::vector<std::string> argv;
    for (const auto& a : o.consumer.command) argv.push_back(substitute(a, port, workdir));
    auto c = child::spawn(argv, {{"EVENTFABRIC_URL", o.eventfabric_url}}, workdir / "consumer.log");
    if (!c) return std::unexpected(c.error());
    proc = std::move(*c);
    started = true;
    return wait_ready();
  }

  core::result<void> wait_ready() {
    target_of& probe = ready.c ? ready : state;
    const auto deadline = std::chrono::steady_clock::now() + o.ready_timeout;
    std::string last = "no answer";
    while (std::chrono::steady_clock::now() < deadline) {
      if (!o.consumer.command.empty() && !proc.running())
        return core::fail(core::errc::precondition_failed,
                          "the consumer exited before it was ready; its log (" + (workdir / "consumer.log").string() +
                              ") ends with:\n" + proc.log_tail());
      auto r = probe.c->call("GET", probe.u.target, "", {}, std::chrono::milliseconds(1000));
      if (r && r->status / 100 == 2) return {};
      last = r ? "status " + std::to_string(r->status) : r.error().what;
      probe.c->close();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return core::fail(core::errc::precondition_failed,
                      "the consumer was not ready at " + probe.text + " within " +
                          std::to_string(o.ready_timeout.count()) + " ms (" + last + ")" +
                          (o.consumer.command.empty() ? "" : "; its log ends with:\n" + proc.log_tail()));
  }
};

http_consumer::http_consumer(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
http_consumer::~http_consumer() = default;

core::result<std::unique_ptr<http_consumer>> http_consumer::create(http_consumer_options o) {
  auto i = std::make_unique<impl>();
  i->o = std::move(o);
  auto port = free_port();
  if (!port) return std::unexpected(port.error());
  i->port = *port;
  std::error_code ec;
  std::filesystem::create_directories(i->o.workroot, ec);
  if (ec) return core::fail(core::errc::storage_error, "cannot create " + i->o.workroot.string() + ": " + ec.message());
  return std::unique_ptr<http_consumer>(new http_consumer(std::move(i)));
}

core::result<void> http_consumer::reset() {
  impl& m = *impl_;
  m.unexpected_exits = 0;
  const bool has_command = !m.o.consumer.command.empty();
  if (has_command && (!m.started || m.o.consumer.reset_url.empty() || !m.proc.running())) {
    if (auto ok = m.new_workdir(); !ok) return ok;
    if (auto ok = m.start(); !ok) return ok;
  } else if (!has_command && !m.started) {
    if (auto ok = m.new_workdir(); !ok) return ok;  // for the URLs' placeholders
    if (auto ok = m.wait_ready(); !ok) return ok;
    m.started = true;
  }
  if (!m.o.consumer.reset_url.empty()) {
    auto r = m.reset.c->call("POST", m.reset.u.target, "", {}, m.o.timeout);
    if (!r) return core::fail(core::errc::precondition_failed, "POST " + m.reset.text + " failed: " + r.error().what);
    if (r->status / 100 != 2)
      return core::fail(core::errc::precondition_failed,
                        "POST " + m.reset.text + " answered " + std::to_string(r->status) + ": " + r->body);
  } else if (!has_command) {
    return core::fail(core::errc::invalid_argument,
                      "the consumer has neither a reset_url nor a command to restart: the harness cannot reset its "
                      "state between runs");
  }
  // Whatever the consumer published before this run (or while starting) is not this run's output.
  if (m.o.collect) {
    auto drained = m.o.collect();
    if (!drained) return std::unexpected(drained.error());
  }
  m.output.clear();
  return {};
}

delivery::outcome http_consumer::deliver(const delivery::delivery& d) {
  impl& m = *impl_;
  if (!m.o.consumer.command.empty() && !m.proc.running()) {
    // It died on its own: restart it on the same workdir before delivering.
    ++m.unexpected_exits;
    if (auto ok = m.start(); !ok) return delivery::outcome::connection_error(ok.error().message);
  }
  std::vector<core::header> headers = d.headers;
  headers.push_back({"Content-Type", "application/json"});
  auto r = m.deliver.c->call("POST", m.deliver.u.target, d.msg.body, headers, m.o.timeout);
  if (r) return delivery::outcome::from_status(r->status, std::move(r->body));
  if (r.error().kind == http_client::failure_kind::timeout) {
    m.deliver.c->close();
    return delivery::outcome::timeout(r.error().what);
  }
  return delivery::outcome::connection_error(r.error().what);
}

core::result<std::string> http_consumer::state() {
  impl& m = *impl_;
  auto r = m.state.c->call("GET", m.state.u.target, "", {}, m.o.timeout);
  if (!r) return core::fail(core::errc::precondition_failed, "GET " + m.state.text + " failed: " + r.error().what);
  if (r->status / 100 != 2)
    return core::fail(core::errc::precondition_failed,
                      "GET " + m.state.text + " answered " + std::to_string(r->status) + ": " + r->body);
  return std::move(r->body);
}

bool http_consumer::can_restart() const { return !impl_->o.consumer.command.empty(); }

core::result<void> http_consumer::restart() {
  if (!can_restart()) return core::fail(core::errc::precondition_failed, "the consumer has no command to restart");
  return impl_->start();
}

std::vector<harness::published> http_consumer::output() {
  impl& m = *impl_;
  if (m.o.collect) {
    auto got = m.o.collect();
    if (got) m.output.insert(m.output.end(), got->begin(), got->end());
  }
  return m.output;
}

int http_consumer::unexpected_exits() const { return impl_->unexpected_exits; }

}  // namespace eventfabric::harness_http
