// Broker-core benchmarks (one thread, Google Benchmark).
//   BM_ProduceFetch_InMemory   produce + fetch of 1 KiB envelopes, no store
//   BM_MemcpyBaseline          copying the same bytes twice: the floor for a copying log
//   BM_EnvelopeValidation      parse + validate 1 KiB envelopes
//   BM_JsonParseBaseline       nlohmann parse alone of the same text
//   BM_JsonCursorScan/N        core::json_cursor validating an envelope whose
//                              payload note is N bytes (16: short strings only)
// Run: build/bench/ef_bench_core --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "emulator/core/broker.h"
#include "emulator/core/json_scan.h"

using namespace eventfabric;

namespace {

// An envelope of 1 KiB, or with a payload note of `note` bytes when given.
std::string envelope_1k(int i, int note = -1) {
  nlohmann::json j = {{"id", "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91"},
                      {"type", "workflow.instance.started.v1"},
                      {"occurred_at", "2024-05-01T12:00:00Z"},
                      {"source", "workflow-engine"},
                      {"correlation_id", "c-" + std::to_string(i)},
                      {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
                      {"payload", {{"instance_id", "wf-" + std::to_string(i)}, {"note", ""}}},
                      {"metadata", {{"partition_key", "wf-" + std::to_string(i % 64)}, {"tenant_id", "acme"}}}};
  const std::size_t base = j.dump().size();
  j["payload"]["note"] = std::string(note >= 0 ? static_cast<std::size_t>(note) : base < 1024 ? 1024 - base : 0, 'x');
  return j.dump();
}

void BM_ProduceFetch_InMemory(benchmark::State& state) {
  core::manual_clock clock;
  core::broker b({.clk = &clock, .seed = 1});
  core::topic_config c{"bench.record.written.v1", 8};
  c.retention_records = 1'000;  // bounded memory over long runs (per partition)
  (void)b.topics().create(c);
  std::vector<std::string> values;
  for (int i = 0; i < 64; ++i) values.push_back(envelope_1k(i));
  std::vector<int64_t> next(8, 0);
  std::size_t bytes = 0;
  int i = 0;
  for (auto _ : state) {
    core::produce_record pr;
    pr.rec.key = "wf-" + std::to_string(i % 64);
    pr.rec.value = values[static_cast<std::size_t>(i % 64)];
    std::vector<core::produce_record> batch;
    batch.push_back(std::move(pr));
    auto out = b.topics().produce(c.name, std::move(batch));
    const auto [p, off] = out->front();
    auto log = b.topics().log(c.name, p);
    std::size_t n = 0;
    auto read = (*log)->visit(off, {1, 1 << 20}, [&](const core::record_view& r) {
      n += r.value.size();
      benchmark::DoNotOptimize(r.value.data());
    });
    bytes += n;
    benchmark::DoNotOptimize(read);
    if (++i % 10'000 == 0) b.tick();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ProduceFetch_InMemory);

void BM_ProduceFetchCopy_InMemory(benchmark::State& state) {
  core::manual_clock clock;
  core::broker b({.clk = &clock, .seed = 1});
  core::topic_config c{"bench.record.written.v1", 8};
  c.retention_records = 1'000;
  (void)b.topics().create(c);
  std::vector<std::string> values;
  for (int i = 0; i < 64; ++i) values.push_back(envelope_1k(i));
  int i = 0;
  for (auto _ : state) {
    core::produce_record pr;
    pr.rec.key = "wf-" + std::to_string(i % 64);
    pr.rec.value = values[static_cast<std::size_t>(i % 64)];
    std::vector<core::produce_record> batch;
    batch.push_back(std::move(pr));
    auto out = b.topics().produce(c.name, std::move(batch));
    auto recs = b.topics().fetch(c.name, out->front().partition, out->front().offset, {1, 1 << 20});
    benchmark::DoNotOptimize(recs);
    if (++i % 10'000 == 0) b.tick();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProduceFetchCopy_InMemory);

void BM_MemcpyBaseline(benchmark::State& state) {
  std::vector<std::string> values;
  for (int i = 0; i < 64; ++i) values.push_back(envelope_1k(i));
  int i = 0;
  for (auto _ : state) {
    std::string a = values[static_cast<std::size_t>(i++ % 64)];
    std::string c = a;
    benchmark::DoNotOptimize(c.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemcpyBaseline);

void BM_EnvelopeValidation(benchmark::State& state) {
  std::vector<std::string> values;
  for (int i = 0; i < 64; ++i) values.push_back(envelope_1k(i));
  int i = 0;
  for (auto _ : state) {
    auto c = core::check_envelope(values[static_cast<std::size_t>(i++ % 64)]);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EnvelopeValidation);

void BM_JsonParseBaseline(benchmark::State& state) {
  std::vector<std::string> values;
  for (int i = 0; i < 64; ++i) values.push_back(envelope_1k(i));
  int i = 0;
  for (auto _ : state) {
    auto j = nlohmann::json::parse(values[static_cast<std::size_t>(i++ % 64)], nullptr, false);
    benchmark::DoNotOptimize(j);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JsonParseBaseline);

void BM_JsonCursorScan(benchmark::State& state) {
  std::vector<std::string> values;
  for (int i = 0; i < 64; ++i) values.push_back(envelope_1k(i, static_cast<int>(state.range(0))));
  int i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& v = values[static_cast<std::size_t>(i++ % 64)];
    core::json_cursor c(v);
    bool ok = c.value();
    benchmark::DoNotOptimize(ok);
    bytes += static_cast<int64_t>(v.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_JsonCursorScan)->Arg(16)->Arg(900);

}  // namespace

BENCHMARK_MAIN();
