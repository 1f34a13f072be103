// Harness throughput.
//
//   build/bench/ef_bench_harness [--messages N] [--runs R] [--reps K] [--http-messages M] [--http-runs H]
//
// 1. In-process: an N-message fixture (default 10,000) x R faulty runs
//    (default 20) of the contract example's fault plan against an in-process
//    C++ handler; deliveries per second (goal >= 200,000).
// 2. HTTP: the harness delivering M messages (default 2,000) x H faulty runs
//    to a trivial keep-alive HTTP consumer in this process (bench_http.h's bare server), against a bare
//    keep-alive POST loop to the same consumer in the same run (goal >= 70%).
// Each measurement runs K times (default 5), alternating, and the median is printed.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_set>
#include <vector>

#include "bench/bench_http.h"
#include "emulator/harness/inprocess.h"
#include "emulator/harness/inputs.h"
#include "emulator/harness/run.h"
#include "emulator/http_client/client.h"
#include "emulator/harness_http/http_consumer.h"

using eventfabric::bench::median;
using clock_type = std::chrono::steady_clock;
using namespace eventfabric;

namespace {

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

std::vector<delivery::message> fixture(int n) {
  std::vector<harness::input> in;
  in.reserve(static_cast<std::size_t>(n));
  for (int i = 1; i <= n; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    const std::string customer = "cust-" + std::to_string(i % 100);
    nlohmann::json e = {{"id", id},
                        {"type", "billing.payment.captured.v1"},
                        {"occurred_at", "2026-11-27T10:00:00Z"},
                        {"source", "payments"},
                        {"correlation_id", "c"},
                        {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
                        {"payload", {{"payment_id", "pay-" + std::to_string(i)}, {"amount", 100 + i % 50}}},
                        {"metadata", {{"partition_key", customer}}}};
    harness::input x;
    x.name = "billing.payment.captured.v1";
    x.envelope = e.dump();
    in.push_back(std::move(x));
  }
  return *harness::to_messages(in);
}

harness::contract bench_contract(const std::string& deliver, const std::string& state, const std::string& reset) {
  auto c = harness::parse_contract(R"({"name": "bench", "consumes": [{"topic": "billing.payment.captured.v1"}],
    "consumer": {"deliver_url": ")" + deliver + R"(", "state_url": ")" + state + R"(", "reset_url": ")" + reset + R"("},
    "faults": {"duplicate": 0.2, "reorder_window": 3, "fail": 0.1, "lost_ack": 0.1}})",
                                   "");
  if (!c) {
    std::fprintf(stderr, "%s\n", c.error().message.c_str());
    std::exit(2);
  }
  return *c;
}

int arg(int argc, char** argv, const char* name, int def) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return def;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = arg(argc, argv, "--messages", 10'000), runs = arg(argc, argv, "--runs", 20),
            reps = arg(argc, argv, "--reps", 5), hn = arg(argc, argv, "--http-messages", 2'000),
            hruns = arg(argc, argv, "--http-runs", 5);

  // ---- 1. in-process ----
  {
    const auto msgs = fixture(n);
    const auto c = bench_contract("http://x/e", "http://x/s", "http://x/r");
    std::unordered_set<std::string> seen;
    harness::handler h;
    h.handle = [&](const harness::request& r, harness::publisher&) {
      seen.emplace(r.header("Idempotency-Key"));
      return harness::response{200, {}};
    };
    h.state = [&] { return "{\"distinct\":" + std::to_string(seen.size()) + "}"; };
    h.reset = [&] { seen.clear(); };
    harness::inprocess_consumer cons(std::move(h));
    std::vector<double> rates;
    uint64_t per_rep = 0;
    for (int rep = 0; rep < reps; ++rep) {
      uint64_t deliveries = 0;
      const auto t0 = clock_type::now();
      for (int run = 1; run <= runs; ++run) {
        harness::run_options o;
        o.seed = static_cast<uint64_t>(run);
        deliveries += harness::run_once(c, msgs, cons, o).deliveries;
      }
      rates.push_back(static_cast<double>(deliveries) / seconds_since(t0));
      per_rep = deliveries;
    }
    std::printf("in-process: %d messages x %d faulty runs = %llu deliveries per rep; median %.0f deliveries/s "
                "(goal >= 200000)\n",
                n, runs, static_cast<unsigned long long>(per_rep), median(rates));
  }

  // ---- 2. HTTP ----
  {
    // The consumer: answers 200 "{}" to deliveries, state and reset alike.
    bench::bare_server consumer;
    const std::string base = "http://127.0.0.1:" + std::to_string(consumer.port());
    const auto msgs = fixture(hn);
    const auto c = bench_contract(base + "/events", base + "/state", base + "/reset");
    harness_http::http_consumer_options ho;
    ho.consumer = c.consumer;
    ho.workroot = std::filesystem::temp_directory_path() / "ef-bench-harness";
    auto cons = harness_http::http_consumer::create(ho);
    if (!cons) {
      std::fprintf(stderr, "%s\n", cons.error().message.c_str());
      return 2;
    }
    std::vector<double> bare_rates, harness_rates, ratios;
    for (int rep = 0; rep < reps; ++rep) {
      // Bare: the same envelopes and headers, POSTed in a loop on one keep-alive connection.
      http_client::client cl("127.0.0.1", base.substr(base.rfind(':') + 1));
      const auto headers = delivery::protocol_headers(msgs[0], 1);
      const int bare_n = hn * hruns;
      auto t0 = clock_type::now();
      for (int i = 0; i < bare_n; ++i) {
        const auto& m = msgs[static_cast<std::size_t>(i % hn)];
        auto r = cl.call("POST", "/events", m.body, headers, std::chrono::milliseconds(5000));
        if (!r || r->status != 200) {
          std::fprintf(stderr, "bare POST failed\n");
          return 2;
        }
      }
      const double bare = bare_n / seconds_since(t0);
      uint64_t deliveries = 0;
      t0 = clock_type::now();
      for (int run = 1; run <= hruns; ++run) {
        harness::run_options o;
        o.seed = static_cast<uint64_t>(run);
        auto r = harness::run_once(c, msgs, **cons, o);
        if (r.failure) {
          std::fprintf(stderr, "harness run failed: %s\n", r.failure->message.c_str());
          return 2;
        }
        deliveries += r.deliveries;
      }
      const double through_harness = static_cast<double>(deliveries) / seconds_since(t0);
      bare_rates.push_back(bare);
      harness_rates.push_back(through_harness);
      ratios.push_back(through_harness / bare);
    }
    std::printf("http: bare keep-alive POST loop median %.0f req/s; harness median %.0f deliveries/s; "
                "ratio median %.2f (goal >= 0.70)\n",
                median(bare_rates), median(harness_rates), median(ratios));
  }
  return 0;
}
