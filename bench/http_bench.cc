// HTTP load tool: the server's throughput and latency against a bare Beast
// server measured in the same run, plus start-up time and idle RSS.
//
//   build/bench/ef_bench_http [--seconds S] [--reps R] [--bin build/cli/eventfabric]
//
// Every scenario runs R times (default 5) for S seconds (default 2) over
// keep-alive connections from 2 client threads, and the median is printed.
// Loops are bounded by time and count; everything listens on 127.0.0.1.
#include <sys/wait.h>
#include <unistd.h>

#include <utility>
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_http.h"
#include "emulator/core/broker.h"
#include "emulator/server/app.h"
#include "emulator/server/http_server.h"
#include "emulator/store/store.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using namespace eventfabric;
using bench::bare_server;
using bench::client;
using bench::median;

namespace {

// ---- eventfabric in-process -------------------------------------------------
struct ef_server {
  std::filesystem::path dir;
  std::unique_ptr<core::storage> store;
  std::unique_ptr<core::broker> broker;
  std::unique_ptr<server::app> app;
  std::unique_ptr<bench::served> srv;
  explicit ef_server(bool persistent) {
    if (persistent) {
      dir = std::filesystem::temp_directory_path() / ("ef-bench-http-" + std::to_string(getpid()));
      std::filesystem::remove_all(dir);
      store::store_options o;
      o.data_dir = dir;
      store = std::move(*store::open_store(o));
    }
    broker = std::make_unique<core::broker>(core::broker_options{.clk = nullptr, .seed = 1, .store = store.get()});
    (void)broker->recover();
    (void)broker->topics().create({"bench.record.written.v1", 4});
    (void)broker->sync();
    app = std::make_unique<server::app>(*broker, server::app_options{});
    srv = std::make_unique<bench::served>(*app);
  }
  ~ef_server() {
    srv.reset();
    app.reset();
    broker.reset();
    store.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  uint16_t port() const { return srv->port(); }
};

// The server's eventfabric_store_commit_waiters_total / _commits_total: how
// many requests one group commit carried (ticks included, a handful per run).
double waiters_per_commit(uint16_t port) {
  client c(port);
  std::string text;
  c.call("GET", "/metrics", "", "", &text);
  auto value = [&](const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    return at == std::string::npos ? 0.0 : std::stod(text.substr(at + name.size() + 2));
  };
  const double commits = value("eventfabric_store_commits_total");
  return commits > 0 ? value("eventfabric_store_commit_waiters_total") / commits : 0.0;
}

// Runs `threads` clients for `seconds`; returns completed requests per second.
// `requests` and `elapsed` (if given) receive the count and the wall time.
double rate(uint16_t port, int threads, double seconds, const std::string& target, const std::string& body,
            const std::string& type, long* requests = nullptr, double* elapsed = nullptr) {
  std::atomic<long> done{0};
  std::atomic<bool> failed{false};
  const auto until = clock_type::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> ts;
  const auto t0 = clock_type::now();
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&] {
      client c(port);
      long n = 0;
      while (clock_type::now() < until && n < 50'000'000) {
        if (c.call("POST", target, body, type) >= 300) failed = true;
        ++n;
      }
      done += n;
    });
  for (auto& t : ts) t.join();
  if (failed) std::fprintf(stderr, "warning: some requests failed\n");
  const double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
  if (requests) *requests = done;
  if (elapsed) *elapsed = secs;
  return static_cast<double>(done) / secs;
}

// A persistent run of requests carrying `per_request` records each: pushes
// the records/s the run acknowledged onto `acked` and returns the rate with
// the store's close counted (closing moves what the journal still holds into
// SQLite, work the run left behind).
double rate_with_close(ef_server& s, double seconds, const std::string& body, const std::string& type,
                       int per_request, std::vector<double>& acked, std::vector<double>* per_commit) {
  long n = 0;
  double secs = 0;
  acked.push_back(per_request * rate(s.port(), 2, seconds, "/topics/bench.record.written.v1", body, type, &n, &secs));
  if (per_commit) per_commit->push_back(waiters_per_commit(s.port()));
  s.srv.reset();
  s.app.reset();
  s.broker.reset();
  const auto t0 = clock_type::now();
  s.store.reset();
  return static_cast<double>(per_request) * static_cast<double>(n) /
         (secs + std::chrono::duration<double>(clock_type::now() - t0).count());
}


std::string record_batch(int n) {
  nlohmann::json records = nlohmann::json::array();
  for (int i = 0; i < n; ++i)
    records.push_back({{"key", "k" + std::to_string(i % 16)}, {"value", {{"n", i}, {"note", std::string(200, 'x')}}}});
  return nlohmann::json{{"records", records}}.dump();
}

// Produce -> consume latency through a group's long poll, in microseconds.
std::vector<double> latencies(uint16_t port, int samples) {
  client producer(port), consumer(port);
  const std::string v2 = "application/vnd.kafka.v2+json";
  consumer.call("POST", "/consumers/lat", R"({"name":"c","auto.offset.reset":"latest"})", v2);
  consumer.call("POST", "/consumers/lat/instances/c/subscription", R"({"topics":["bench.record.written.v1"]})", v2);
  std::string out;
  consumer.call("GET", "/consumers/lat/instances/c/records?timeout=0", "", "", &out);
  std::vector<double> us;
  for (int i = 0; i < samples; ++i) {
    std::atomic<bool> ready{false};
    clock_type::time_point got;
    std::thread t([&] {
      ready = true;
      std::string body;
      for (int tries = 0; tries < 20; ++tries) {
        consumer.call("GET", "/consumers/lat/instances/c/records?timeout=2000", "", "", &body);
        if (body.size() > 2) break;
      }
      got = clock_type::now();
    });
    while (!ready) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let the poll park
    const auto sent = clock_type::now();
    producer.call("POST", "/topics/bench.record.written.v1", R"({"records":[{"value":{"i":1}}]})",
                  "application/vnd.kafka.json.v2+json");
    t.join();
    us.push_back(std::chrono::duration<double, std::micro>(got - sent).count());
  }
  std::sort(us.begin(), us.end());
  return us;
}

// Start-up to a healthy /health, in ms, and idle RSS in MB, of a real process.
std::pair<double, double> startup(const std::string& bin) {
  const auto dir = std::filesystem::temp_directory_path() / ("ef-bench-start-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const uint16_t port = [] {
    asio::io_context io;
    tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
  }();
  // Let the kernel write back what the runs before left dirty first, or the
  // new server's first fsyncs wait for it.
  ::sync();
  const auto t0 = clock_type::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string p = std::to_string(port), d = dir.string();
    execl(bin.c_str(), bin.c_str(), "serve", "--port", p.c_str(), "--data-dir", d.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  double ms = -1;
  for (int i = 0; i < 20000; ++i) {
    try {
      client c(port);
      if (c.call("GET", "/health", "", "") == 200) {
        ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
        break;
      }
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  double rss_mb = -1;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) rss_mb = std::stod(line.substr(6)) / 1024.0;
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::filesystem::remove_all(dir);
  return {ms, rss_mb};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  int reps = 5;
  std::string bin = "build/cli/eventfabric";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--seconds") seconds = std::stod(argv[i + 1]);
    if (a == "--reps") reps = std::stoi(argv[i + 1]);
    if (a == "--bin") bin = argv[i + 1];
  }
  const std::string one = R"({"records":[{"key":"k","value":{"n":1}}]})";
  const std::string hundred = record_batch(100);
  const std::string v2json = "application/vnd.kafka.json.v2+json";
  std::vector<double> bare, single_mem, single_disk, batch_mem, batch_disk, per_commit;
  std::vector<double> single_disk_closed, batch_disk_closed;
  for (int r = 0; r < reps; ++r) {
    {
      bare_server b;
      bare.push_back(rate(b.port(), 2, seconds, "/topics/bench.record.written.v1", one, v2json));
    }
    {
      ef_server s(false);
      single_mem.push_back(rate(s.port(), 2, seconds, "/topics/bench.record.written.v1", one, v2json));
    }
    {
      ef_server s(true);
      single_disk_closed.push_back(rate_with_close(s, seconds, one, v2json, 1, single_disk, &per_commit));
    }
    {
      ef_server s(false);
      batch_mem.push_back(100 * rate(s.port(), 2, seconds, "/topics/bench.record.written.v1", hundred, v2json));
    }
    {
      ef_server s(true);
      batch_disk_closed.push_back(rate_with_close(s, seconds, hundred, v2json, 100, batch_disk, nullptr));
    }
  }
  std::printf("bare Beast server, 1-record POST:        %10.0f req/s (median of %d)\n", median(bare), reps);
  std::printf("eventfabric 1-record produce, in-memory: %10.0f req/s  ratio %.2f\n", median(single_mem),
              median(single_mem) / median(bare));
  std::printf("eventfabric 1-record produce, SQLite:    %10.0f req/s  ratio %.2f\n", median(single_disk),
              median(single_disk) / median(bare));
  std::printf("  counting the store's close (journal into SQLite): %6.0f req/s  ratio %.2f\n",
              median(single_disk_closed), median(single_disk_closed) / median(bare));
  std::printf("  requests per store commit (group commit):   %.2f median\n", median(per_commit));
  std::printf("eventfabric 100-record batches, in-memory: %8.0f msg/s\n", median(batch_mem));
  std::printf("eventfabric 100-record batches, SQLite:  %10.0f msg/s  ratio to in-memory %.2f\n", median(batch_disk),
              median(batch_disk) / median(batch_mem));
  std::printf("  counting the store's close (journal into SQLite): %6.0f msg/s\n", median(batch_disk_closed));
  {
    ef_server s(true);
    auto us = latencies(s.port(), 300);
    std::printf("produce -> consume latency (long poll, SQLite): p50 %.0f us, p99 %.0f us (300 samples)\n",
                us[us.size() / 2], us[us.size() * 99 / 100]);
  }
  std::vector<double> start_ms, rss;
  for (int r = 0; r < reps; ++r) {
    auto [ms, mb] = startup(bin);
    start_ms.push_back(ms);
    rss.push_back(mb);
  }
  std::printf("start-up to healthy /health: %.1f ms median; idle RSS %.1f MB median (%d starts)\n", median(start_ms),
              median(rss), reps);
  return 0;
}
