// Record and replay throughput against an in-memory server over HTTP, both
// in this process (the server on its own thread, the CLI command on this
// one), on 127.0.0.1.
//
//   build/bench/ef_bench_fixtures [--messages N] [--reps R] [--partitions P] [--payers K]
//                                 [--only produce-ceiling|record]
//
// The topic is filled with N realistic billing.payment.captured.v1 envelopes
// (about 700 bytes, PII in payer.name and payer.email, 5,000 distinct payers
// unless --payers says otherwise). Each repetition runs
//   record  --from-beginning --no-follow        (PII redacted: the default)
//   record  ... --keep-pii                       (no redaction)
//   replay  FILE --max-speed --map-topic T=NEW   (into a new topic, deleted after)
// and the median of R repetitions (default 5) is printed in messages/s.
// `--only record` times only the two records (redacted and --keep-pii), R
// times each. `--only produce-ceiling` records the topic once (untimed) and then times
// only the server taking the pre-built 500-record produce bodies, R times
// (for profiling the server's produce path and for A/B runs of it).
#include <algorithm>
#include <atomic>
#include <thread>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_http.h"
#include "emulator/core/broker.h"
#include "emulator/server/app.h"
#include "emulator/server/http_server.h"
#include "cli/commands.h"
#include "cli/http.h"
#include "emulator/fixtures/format.h"
#include "emulator/fixtures/replay_plan.h"

using namespace eventfabric;
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;
using bench::median;

namespace {

constexpr const char* kTopic = "billing.payment.captured.v1";

std::string payment(int n, int payers) {
  char id[40], trace[40];
  std::snprintf(id, sizeof id, "6f1c7a52-3b1e-4d8e-9c2a-%012d", n);
  std::snprintf(trace, sizeof trace, "4bf92f3577b34da6a3ce%012x", n + 1);
  nlohmann::json e = {
      {"id", id},
      {"type", kTopic},
      {"occurred_at", "2026-11-27T12:00:00.123Z"},
      {"source", "billing-service"},
      {"correlation_id", "order-" + std::to_string(n / 3)},
      {"trace_id", trace},
      {"payload",
       {{"payment_id", "pay_" + std::to_string(n)},
        {"invoice_id", "inv_" + std::to_string(n / 2)},
        {"amount", 1999 + n % 1000},
        {"currency", "EUR"},
        {"method", {{"kind", "card"}, {"card_last4", "4242"}, {"card_brand", "visa"}}},
        {"payer",
         {{"customer_id", "cus_" + std::to_string(n % payers)},
          {"name", "Customer Name " + std::to_string(n % payers)},
          {"email", "customer" + std::to_string(n % payers) + "@example.com"}}},
        {"provider_reference", "ch_3NxPq2LkdIwHu7ix0Jm" + std::to_string(n)},
        {"captured_at", "2026-11-27T12:00:00.456Z"}}},
      {"metadata", {{"partition_key", "inv_" + std::to_string(n / 2)}, {"tenant_id", "acme"}}}};
  return e.dump();
}

int run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "eventfabric");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::istringstream in;
  std::ostringstream out, err;
  const int code = cli::run(static_cast<int>(argv.size()), argv.data(), {in, out, err});
  if (code != 0) std::fprintf(stderr, "eventfabric %s failed (%d): %s\n", args[1].c_str(), code, err.str().c_str());
  return code;
}

double seconds_of(const std::function<int()>& f) {
  const auto t0 = clock_type::now();
  if (f() != 0) return -1;
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// seconds_of, also adding the CPU time the calling thread spent to `cpu`: for
// `record`, the client's own work (scan, redaction, writing), which a busy
// shared host disturbs far less than the wall time.
double seconds_of(const std::function<int()>& f, std::vector<double>& cpu) {
  const double c0 = thread_cpu_seconds();
  const double s = seconds_of(f);
  cpu.push_back(thread_cpu_seconds() - c0);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int messages = 100'000, reps = 5, partitions = 4, payers = 5'000;
  bool only_produce = false, only_record = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--only") {
      const std::string what = argv[i + 1];
      if (what != "produce-ceiling" && what != "record") {
        std::fprintf(stderr, "--only takes produce-ceiling or record\n");
        return 2;
      }
      (what == "record" ? only_record : only_produce) = true;
    }
    if (a == "--messages") messages = std::stoi(argv[i + 1]);
    if (a == "--reps") reps = std::stoi(argv[i + 1]);
    if (a == "--partitions") partitions = std::stoi(argv[i + 1]);
    if (a == "--payers") payers = std::max(1, std::stoi(argv[i + 1]));
  }
  std::size_t bytes = 0;
  core::broker b(core::broker_options{.clk = nullptr, .seed = 1, .store = nullptr});
  (void)b.recover();
  (void)b.topics().create({kTopic, partitions});
  {
    std::vector<core::produce_record> batch;
    for (int i = 0; i < messages; ++i) {
      core::produce_record pr;
      pr.rec.value = payment(i, payers);
      pr.rec.key = "inv_" + std::to_string(i / 2);
      bytes += pr.rec.value.size();
      batch.push_back(std::move(pr));
      if (batch.size() == 1000) (void)b.topics().produce(kTopic, std::exchange(batch, {}));
    }
    if (!batch.empty()) (void)b.topics().produce(kTopic, std::move(batch));
  }
  server::app app(b, server::app_options{});
  bench::served srv(app);
  const std::string url = "http://127.0.0.1:" + std::to_string(srv.port());
  const fs::path dir = fs::temp_directory_path() / ("ef-bench-fixtures-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string file = (dir / "recorded.jsonl").string(), plain = (dir / "plain.jsonl").string();
  auto conn = cli::http_connection::open(url);
  if (!conn) return 2;

  // Pre-built produce bodies of a recorded fixture, one per replay step.
  auto produce_bodies = [&](fixtures::replay_plan& plan, std::optional<fixtures::fixture>& parsed) {
    std::vector<std::string> bodies;
    fixtures::replay_options ro;
    ro.speed.reset();
    plan = fixtures::plan_replay({&*parsed}, ro);
    for (const auto& step : plan.steps) bodies.push_back(fixtures::produce_body(step, false));
    return bodies;
  };
  // Seconds for the server to take every body on one connection, into a new topic.
  auto produce_all = [&](const std::vector<std::string>& bodies, const std::string& fresh) {
    (void)(*conn)->call("POST", "/admin/topics", "{\"name\":\"" + fresh + "\",\"partitions\":" + std::to_string(partitions) + "}");
    const double e = seconds_of([&] {
      for (const auto& body : bodies)
        if (auto res = (*conn)->call("POST", "/topics/" + fresh, body, "application/vnd.kafka.json.v2+json"); !res || res->status != 200)
          return 1;
      return 0;
    });
    (void)(*conn)->call("DELETE", "/admin/topics/" + fresh);
    return e;
  };
  if (only_record) {  // the client's record, redacted and not, alone (to profile it)
    std::vector<double> redacted, kept, redacted_cpu, kept_cpu;
    for (int r = 0; r < reps; ++r) {
      redacted.push_back(messages / seconds_of([&] {
                           return run_cli({"record", "--url", url, "--out", file, "--topic", kTopic, "--from-beginning",
                                           "--no-follow", "--contracts", EF_SOURCE_DIR "/contracts", "--salt", "bench"});
                         }, redacted_cpu));
      kept.push_back(messages / seconds_of([&] {
                       return run_cli({"record", "--url", url, "--out", plain, "--topic", kTopic, "--from-beginning",
                                       "--no-follow", "--keep-pii", "--contracts", EF_SOURCE_DIR "/contracts"});
                     }, kept_cpu));
      std::printf("rep %d: record %.0f, --keep-pii %.0f msg/s\n", r + 1, redacted.back(), kept.back());
    }
    std::printf("%d messages, medians of %d: record (PII redacted) %.0f msg/s, record --keep-pii %.0f msg/s\n", messages,
                reps, median(redacted), median(kept));
    std::printf("record thread CPU per message: %.2f us redacted, %.2f us --keep-pii\n",
                median(redacted_cpu) * 1e6 / messages, median(kept_cpu) * 1e6 / messages);
    fs::remove_all(dir);
    return 0;
  }
  if (only_produce) {
    if (run_cli({"record", "--url", url, "--out", file, "--topic", kTopic, "--from-beginning", "--no-follow",
                 "--contracts", EF_SOURCE_DIR "/contracts", "--salt", "bench"}) != 0)
      return 1;
    auto parsed = std::optional<fixtures::fixture>();
    if (auto f = fixtures::read_file(file)) parsed = std::move(*f);
    else return 1;
    fixtures::replay_plan plan;
    const auto bodies = produce_bodies(plan, parsed);
    std::vector<double> produces;
    for (int r = 0; r < reps; ++r) {
      const double e = produce_all(bodies, "billing.payment.replayed" + std::to_string(r) + ".v1");
      if (e < 0) return 1;
      produces.push_back(messages / e);
      std::printf("rep %d: server produce %.0f msg/s\n", r + 1, produces.back());
    }
    std::printf("%d messages of %.0f bytes on average, %d partitions, median of %d:\n", messages,
                static_cast<double>(bytes) / messages, partitions, reps);
    std::printf("ceiling: POST produce of pre-built 500-record bodies %.0f msg/s\n", median(produces));
    fs::remove_all(dir);
    return 0;
  }

  std::vector<double> rec, rec_plain, rep, reads, produces, produces2, parses, rec_cpu, rec_plain_cpu;
  for (int r = 0; r < reps; ++r) {
    // Ceilings: the server's side of each direction alone, and the reader alone.
    const auto info = nlohmann::json::parse((*conn)->call("GET", std::string("/admin/topics/") + kTopic)->body);
    const double g = seconds_of([&] {
      for (const auto& p : info["partition_info"])
        for (int64_t off = 0; off < p["high_watermark"].get<int64_t>(); off += 10'000) {
          auto res = (*conn)->call("GET", std::string("/admin/topics/") + kTopic + "/partitions/" +
                                              std::to_string(p["partition"].get<int>()) + "/records?offset=" +
                                              std::to_string(off) + "&max=10000");
          if (!res || res->status != 200) return 1;
        }
      return 0;
    });
    reads.push_back(messages / g);
    const double a = seconds_of([&] {
      return run_cli({"record", "--url", url, "--out", file, "--topic", kTopic, "--from-beginning", "--no-follow",
                      "--contracts", EF_SOURCE_DIR "/contracts", "--salt", "bench"});
    }, rec_cpu);
    const double b = seconds_of([&] {
      return run_cli({"record", "--url", url, "--out", plain, "--topic", kTopic, "--from-beginning", "--no-follow",
                      "--keep-pii", "--contracts", EF_SOURCE_DIR "/contracts"});
    }, rec_plain_cpu);
    const std::string fresh = "billing.payment.replayed" + std::to_string(r) + ".v1";
    const double c = seconds_of([&] {
      return run_cli({"replay", file, "--url", url, "--max-speed", "--map-topic", std::string(kTopic) + "=" + fresh});
    });
    (void)(*conn)->call("DELETE", "/admin/topics/" + fresh);
    std::optional<fixtures::fixture> parsed;
    const double d = seconds_of([&] {
      auto f = fixtures::read_file(file);
      if (!f) return 1;
      parsed = std::move(*f);
      return 0;
    });
    parses.push_back(messages / d);
    fixtures::replay_plan plan;
    const auto bodies = produce_bodies(plan, parsed);
    const double e = produce_all(bodies, fresh);
    produces.push_back(messages / e);
    // The same bodies split by partition parity over two connections at once
    // (order per partition kept): how much overlapping requests could add.
    std::vector<std::string> halves[2];
    for (const auto& step : plan.steps)
      for (int lane = 0; lane < 2; ++lane) {
        fixtures::replay_step part = step;
        std::erase_if(part.messages, [&](const fixtures::message* m) { return m->partition.value_or(0) % 2 != lane; });
        if (!part.messages.empty()) halves[lane].push_back(fixtures::produce_body(part, false));
      }
    (void)(*conn)->call("POST", "/admin/topics", "{\"name\":\"" + fresh + "\",\"partitions\":" + std::to_string(partitions) + "}");
    auto other = cli::http_connection::open(url);
    const double f = seconds_of([&] {
      std::atomic<int> bad = 0;
      auto send_all = [&](cli::http_connection& c, const std::vector<std::string>& bodies2) {
        for (const auto& body : bodies2)
          if (auto res = c.call("POST", "/topics/" + fresh, body, "application/vnd.kafka.json.v2+json"); !res || res->status != 200) ++bad;
      };
      std::thread t([&] { send_all(**other, halves[1]); });
      send_all(**conn, halves[0]);
      t.join();
      return bad.load();
    });
    (void)(*conn)->call("DELETE", "/admin/topics/" + fresh);
    produces2.push_back(messages / f);
    if (a < 0 || b < 0 || c < 0) return 1;
    rec.push_back(messages / a);
    rec_plain.push_back(messages / b);
    rep.push_back(messages / c);
    std::printf("rep %d: record %.0f, --keep-pii %.0f, replay %.0f; server reads %.0f, server produce %.0f (two connections %.0f), reader %.0f msg/s\n",
                r + 1, rec.back(), rec_plain.back(), rep.back(), reads.back(), produces.back(), produces2.back(), parses.back());
  }
  std::printf("%d messages of %.0f bytes on average, %d partitions, medians of %d:\n", messages,
              static_cast<double>(bytes) / messages, partitions, reps);
  std::printf("record (PII redacted):   %10.0f msg/s\n", median(rec));
  std::printf("record --keep-pii:       %10.0f msg/s\n", median(rec_plain));
  std::printf("replay --max-speed:      %10.0f msg/s\n", median(rep));
  std::printf("record thread CPU per message: %.2f us redacted, %.2f us --keep-pii\n",
              median(rec_cpu) * 1e6 / messages, median(rec_plain_cpu) * 1e6 / messages);
  std::printf("ceilings: GET admin records alone %.0f msg/s; POST produce of pre-built 500-record bodies %.0f msg/s\n"
              "          (split over two connections at once %.0f msg/s); reading and validating the fixture file %.0f msg/s\n",
              median(reads), median(produces), median(produces2), median(parses));
  fs::remove_all(dir);
  return 0;
}
