// JSON Schema validation benchmarks (one thread, Google Benchmark).
//   BM_JsonParseBaseline          nlohmann parse alone of a 1 KiB envelope
//   BM_ValidateParsed             envelope + payload validation of a parsed message
//   BM_ParseAndValidate           parse + envelope + payload validation (what a broker does per message)
//   BM_ParseAndValidateInvalid    the same for a message with two payload errors (the error path)
//   BM_CoreEnvelopeCheck          the hand-written envelope rules (emulator/core/envelope.cc), no payload
//   BM_CompileEnvelopeSchema      compiling the envelope schema once: what the cache saves
// Schemas come from contracts/ and are compiled once (load_contracts).
// Run: build/bench/ef_bench_schema --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "emulator/core/envelope.h"
#include "emulator/schema/envelope_validator.h"

using namespace eventfabric;
using nlohmann::json;

namespace {

// A billing.ledger.entry.posted.v1 message of about 1 KiB.
std::string message_1k(int i, bool broken = false) {
  json lines = json::array();
  for (int l = 0; l < 4; ++l)
    lines.push_back({{"account", l % 2 ? "revenue:subscriptions" : "assets:cash"},
                     {"direction", l % 2 ? "credit" : "debit"},
                     {"amount", 1999 + l},
                     {"memo", "subscription renewal for May, invoice inv_" + std::to_string(i)}});
  json m = {{"id", "6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91"},
            {"type", "billing.ledger.entry.posted.v1"},
            {"occurred_at", "2024-05-01T12:00:00.123Z"},
            {"source", "ledger-service"},
            {"correlation_id", "order-" + std::to_string(i)},
            {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
            {"payload",
             {{"entry_id", "je_" + std::to_string(i)},
              {"journal_id", "main"},
              {"sequence", i},
              {"posted_at", "2024-05-01T12:00:04Z"},
              {"currency", broken ? "eur" : "EUR"},
              {"reference", {{"kind", "payment"}, {"id", "pay_" + std::to_string(i)}}},
              {"lines", lines}}},
            {"metadata", {{"partition_key", "acct-" + std::to_string(i % 64)}, {"tenant_id", "acme"}}}};
  if (broken) m["payload"]["lines"][1]["amount"] = 0;
  std::string text = m.dump();
  const std::size_t pad = text.size() < 1024 ? 1024 - text.size() : 0;
  m["payload"]["lines"][0]["memo"] =
      m["payload"]["lines"][0]["memo"].get<std::string>() + std::string(pad, ' ');
  return m.dump();
}

std::shared_ptr<const schema::contracts> contracts() {
  static auto c = [] {
    auto r = schema::load_contracts(EF_SOURCE_DIR "/contracts");
    if (!r) throw std::runtime_error(r.error().message);
    return std::make_shared<const schema::contracts>(std::move(*r));
  }();
  return c;
}

std::vector<std::string> messages(bool broken = false) {
  std::vector<std::string> out;
  for (int i = 0; i < 64; ++i) out.push_back(message_1k(i, broken));
  return out;
}

void finish(benchmark::State& state, const std::vector<std::string>& msgs) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * msgs[0].size()));
}

void BM_JsonParseBaseline(benchmark::State& state) {
  const auto msgs = messages();
  std::size_t i = 0;
  for (auto _ : state) {
    auto j = json::parse(msgs[i++ % msgs.size()]);
    benchmark::DoNotOptimize(j);
  }
  finish(state, msgs);
}

void BM_ValidateParsed(benchmark::State& state) {
  const auto msgs = messages();
  std::vector<json> docs;
  for (const auto& m : msgs) docs.push_back(json::parse(m));
  schema::envelope_validator v(contracts());
  if (!v.validate(docs[0]).empty()) state.SkipWithError("the benchmark message is invalid");
  std::size_t i = 0;
  for (auto _ : state) {
    auto errors = v.validate(docs[i++ % docs.size()]);
    benchmark::DoNotOptimize(errors);
  }
  finish(state, msgs);
}

void BM_ParseAndValidate(benchmark::State& state) {
  const auto msgs = messages();
  schema::envelope_validator v(contracts());
  std::size_t i = 0;
  for (auto _ : state) {
    auto errors = v.validate(std::string_view(msgs[i++ % msgs.size()]));
    benchmark::DoNotOptimize(errors);
  }
  finish(state, msgs);
}

void BM_ParseAndValidateInvalid(benchmark::State& state) {
  const auto msgs = messages(/*broken=*/true);
  schema::envelope_validator v(contracts());
  if (v.validate(std::string_view(msgs[0])).size() != 2) state.SkipWithError("expected two errors");
  std::size_t i = 0;
  for (auto _ : state) {
    auto errors = v.validate(std::string_view(msgs[i++ % msgs.size()]));
    benchmark::DoNotOptimize(errors);
  }
  finish(state, msgs);
}

void BM_CoreEnvelopeCheck(benchmark::State& state) {
  const auto msgs = messages();
  std::size_t i = 0;
  for (auto _ : state) {
    auto c = core::check_envelope(msgs[i++ % msgs.size()]);
    benchmark::DoNotOptimize(c);
  }
  finish(state, msgs);
}

void BM_CompileEnvelopeSchema(benchmark::State& state) {
  const json doc = *contracts()->document("envelope");
  for (auto _ : state) {
    auto s = schema::compiled_schema::compile(doc);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_JsonParseBaseline);
BENCHMARK(BM_ValidateParsed);
BENCHMARK(BM_ParseAndValidate);
BENCHMARK(BM_ParseAndValidateInvalid);
BENCHMARK(BM_CoreEnvelopeCheck);
BENCHMARK(BM_CompileEnvelopeSchema);
BENCHMARK_MAIN();
