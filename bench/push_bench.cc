// Push delivery vs a bare keep-alive POST loop against the same trivial
// webhook, in one run:
//
//   build/bench/ef_bench_push [--messages N] [--samples M] [--reps R]
//
//  - bare: one client POSTs N envelopes, one after the other, over one
//    keep-alive connection to the webhook (the ceiling for one lane).
//  - push: N envelopes are produced to a 1-partition topic first; then a
//    subscription (start earliest) pushes them, one lane, one keep-alive
//    connection; timed from POST /subscriptions to the N-th arrival.
//  - latency: M single messages, each produced over HTTP and timed from the
//    produce request to its arrival at the webhook, vs the bare POST round
//    trip; "added" is the difference of the percentiles.
// The emulator runs in-process (in memory, no fsync) on its own thread, the
// webhook on another, the clients on the main thread. Medians of R runs.
#include <utility>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_http.h"
#include "emulator/core/broker.h"
#include "emulator/faults/engine.h"
#include "emulator/push/manager.h"
#include "emulator/server/app.h"

namespace http = boost::beast::http;
using clock_type = std::chrono::steady_clock;
using namespace eventfabric;

namespace {

const std::string kTopic = "bench.push.delivered.v1";

std::string envelope(long i) {
  char id[64];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012ld", i);
  return nlohmann::json{{"id", id},
                        {"type", kTopic},
                        {"occurred_at", "2025-03-14T09:26:53Z"},
                        {"source", "bench"},
                        {"correlation_id", "c"},
                        {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
                        {"payload", {{"n", i}, {"note", std::string(200, 'x')}}},
                        {"metadata", {{"partition_key", "k"}}}}
      .dump();
}

// ---- the trivial webhook: 200 to everything, counting arrivals ---------------
struct webhook {
  std::mutex mu;
  std::condition_variable cv;
  long arrived = 0;
  std::map<std::string, clock_type::time_point> seen;  // X-Event-Id -> arrival (latency runs only)
  bool track = false;
  long notify_at = -1;
  bench::bare_server server{[this](const http::request<http::string_body>& req) { on_request(req); }};

  uint16_t port() const { return server.port(); }
  void on_request(const http::request<http::string_body>& req) {
    bool wake = false;
    {
      std::lock_guard lock(mu);
      ++arrived;
      if (track) seen[std::string(req["X-Event-Id"])] = clock_type::now();
      // Wake the waiting bench thread only when it has something to see:
      // a wake-up per message would cost the push run a context switch the
      // bare run does not pay.
      wake = track || arrived == notify_at;
    }
    if (wake) cv.notify_all();
  }
  void reset(bool tracking) {
    std::lock_guard lock(mu);
    arrived = 0;
    notify_at = -1;
    seen.clear();
    track = tracking;
  }
  // Waits (bounded: 60 s) until `n` requests arrived.
  bool wait_count(long n) {
    std::unique_lock lock(mu);
    notify_at = n;
    return cv.wait_for(lock, std::chrono::seconds(60), [&] { return arrived >= n; });
  }
  std::optional<clock_type::time_point> wait_id(const std::string& id) {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return seen.contains(id); })) return std::nullopt;
    return seen[id];
  }
};

// ---- eventfabric in-process, with push subscriptions -------------------------
struct ef_server {
  core::broker broker{core::broker_options{.clk = nullptr, .seed = 1, .store = nullptr}};
  faults::engine faults{1, broker.clk()};
  push::manager subs{broker, nullptr, &faults, 1};
  std::unique_ptr<server::app> app;
  std::unique_ptr<bench::served> srv;
  ef_server() {
    broker.attach(subs);
    (void)broker.recover();
    (void)broker.topics().create({kTopic, 1});
    app = std::make_unique<server::app>(broker, server::app_options{.faults = &faults, .subscriptions = &subs});
    srv = std::make_unique<bench::served>(*app);
  }
  uint16_t port() const { return srv->port(); }
};

using bench::client;
using bench::median;

// CPU time of the whole process (every thread), in microseconds.
double cpu_us() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

double pct(std::vector<double> v, int p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, v.size() * static_cast<std::size_t>(p) / 100)];
}

std::string subscription(const std::string& name, uint16_t hook, const char* start) {
  return nlohmann::json{{"name", name},   {"topic", kTopic}, {"start", start},
                        {"url", "http://127.0.0.1:" + std::to_string(hook) + "/events"}, {"read_ahead", 512}}
      .dump();
}

// Bare loop: messages per second, and per-request round trips in us.
double bare(webhook& w, long n, std::vector<double>* rtt, double* cpu = nullptr) {
  w.reset(false);
  client c(w.port());
  const double c0 = cpu_us();
  const auto t0 = clock_type::now();
  for (long i = 0; i < n; ++i) {
    const auto s = clock_type::now();
    c.call("POST", "/events", envelope(i));
    if (rtt) rtt->push_back(std::chrono::duration<double, std::micro>(clock_type::now() - s).count());
  }
  if (cpu) *cpu = (cpu_us() - c0) / static_cast<double>(n);
  return static_cast<double>(n) / std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Push: messages per second from POST /subscriptions to the n-th arrival.
double pushed(webhook& w, long n, int rep, double* cpu) {
  ef_server ef;
  client c(ef.port());
  for (long i = 0; i < n; i += 500) {
    nlohmann::json records = nlohmann::json::array();
    for (long j = i; j < std::min(n, i + 500); ++j) records.push_back({{"value", nlohmann::json::parse(envelope(j))}});
    c.call("POST", "/topics/" + kTopic, nlohmann::json{{"records", records}}.dump(), "application/vnd.kafka.json.v2+json");
  }
  w.reset(false);
  const double c0 = cpu_us();
  const auto t0 = clock_type::now();
  c.call("POST", "/subscriptions", subscription("bench-" + std::to_string(rep), w.port(), "earliest"));
  if (!w.wait_count(n)) std::fprintf(stderr, "warning: push did not deliver %ld messages in time\n", n);
  *cpu = (cpu_us() - c0) / static_cast<double>(n);
  return static_cast<double>(n) / std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Produce -> webhook latency, in us, one message at a time.
std::vector<double> push_latency(webhook& w, int samples) {
  ef_server ef;
  client c(ef.port());
  c.call("POST", "/subscriptions", subscription("latency", w.port(), "latest"));
  w.reset(true);
  std::vector<double> us;
  for (int i = 0; i < samples; ++i) {
    const std::string body = nlohmann::json{{"records", {{{"value", nlohmann::json::parse(envelope(1'000'000 + i))}}}}}.dump();
    char id[64];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", 1'000'000 + i);
    const auto sent = clock_type::now();
    c.call("POST", "/topics/" + kTopic, body, "application/vnd.kafka.json.v2+json");
    auto got = w.wait_id(id);
    if (!got) {
      std::fprintf(stderr, "warning: sample %d was not delivered\n", i);
      continue;
    }
    us.push_back(std::chrono::duration<double, std::micro>(*got - sent).count());
  }
  return us;
}

}  // namespace

int main(int argc, char** argv) {
  long n = 20'000;
  int samples = 2000, reps = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--messages") n = std::stol(argv[i + 1]);
    if (a == "--samples") samples = std::stoi(argv[i + 1]);
    if (a == "--reps") reps = std::stoi(argv[i + 1]);
  }
  webhook w;
  std::vector<double> bare_rate, push_rate, ratio, rtt_p50, rtt_p99, lat_p50, lat_p99, bare_cpu, push_cpu;
  for (int r = 0; r < reps; ++r) {
    double bc = 0, pc = 0;
    const double b = bare(w, n, nullptr, &bc);
    const double p = pushed(w, n, r, &pc);
    bare_cpu.push_back(bc);
    push_cpu.push_back(pc);
    bare_rate.push_back(b);
    push_rate.push_back(p);
    ratio.push_back(p / b);
    std::vector<double> rtt;
    bare(w, samples, &rtt);
    auto lat = push_latency(w, samples);
    rtt_p50.push_back(pct(rtt, 50));
    rtt_p99.push_back(pct(rtt, 99));
    lat_p50.push_back(pct(lat, 50));
    lat_p99.push_back(pct(lat, 99));
    std::printf("run %d: bare %.0f msg/s, push %.0f msg/s (ratio %.2f); CPU/msg bare %.0f us push %.0f us; bare POST "
                "p50 %.0f us p99 %.0f us; produce->webhook p50 %.0f us p99 %.0f us\n",
                r + 1, b, p, p / b, bc, pc, rtt_p50.back(), rtt_p99.back(), lat_p50.back(), lat_p99.back());
  }
  std::printf("median of %d runs, %ld messages, %d latency samples:\n", reps, n, samples);
  std::printf("  bare keep-alive POST loop: %8.0f msg/s\n", median(bare_rate));
  std::printf("  push subscription:         %8.0f msg/s   push/bare %.2f (median of ratios %.2f)\n", median(push_rate),
              median(push_rate) / median(bare_rate), median(ratio));
  std::printf("  CPU per message (all threads): bare %.0f us, push %.0f us\n", median(bare_cpu), median(push_cpu));
  std::printf("  bare POST round trip:      p50 %6.0f us  p99 %6.0f us\n", median(rtt_p50), median(rtt_p99));
  std::printf("  produce -> webhook:        p50 %6.0f us  p99 %6.0f us\n", median(lat_p50), median(lat_p99));
  std::printf("  added by push:             p50 %6.0f us  p99 %6.0f us\n", median(lat_p50) - median(rtt_p50),
              median(lat_p99) - median(rtt_p99));
  return 0;
}
