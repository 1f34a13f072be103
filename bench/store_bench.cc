// sqlite_store append+commit against the storage engine's own ceiling: raw
// SQLite inserts of the same rows into the same table layout with a cached
// statement, one transaction per batch, the same synchronous mode. Both live
// in this binary so the ratio store/raw is meaningful. Each run works in a
// fresh folder under /tmp, removed afterwards.
//
//   ef_bench_store --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// BM_journal_append_commit is the same commit through journaled_store (the
// default), and BM_journal_move one move of a full journal into SQLite.
// BM_raw_insert_without_rowid measures the layout sqlite_schema.cc rejected
// (WITHOUT ROWID tables keyed by the same columns) for comparison.

#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "emulator/core/broker.h"
#include "emulator/core/record.h"
#include "emulator/store/journaled_store.h"
#include "emulator/store/sqlite_schema.h"
#include "emulator/store/sqlite_store.h"
#include "emulator/store/sqlite_util.h"
#include "emulator/store/store.h"

namespace {

using namespace eventfabric;

constexpr std::size_t value_size = 1024;

class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = "/tmp/ef_bench_store_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The row every benchmark writes: 16-byte key, 1 KiB value, one header.
core::record sample_record() {
  core::record r;
  r.timestamp_ms = 1'700'000'000'000;
  r.key = std::string(16, 'k');
  r.value = std::string(value_size, 'v');
  r.headers = {{"content-type", "application/json"}};
  return r;
}

// The headers blob sqlite_store writes for sample_record().
std::string sample_headers_blob() {
  std::string out;
  auto u32 = [&out](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
  u32(1);
  u32(12);
  out += "content-type";
  u32(16);
  out += "application/json";
  return out;
}

const char* synchronous_sql(store::durability d) {
  switch (d) {
    case store::durability::full:
      return "PRAGMA synchronous = FULL";
    case store::durability::normal:
      return "PRAGMA synchronous = NORMAL";
    case store::durability::off:
      return "PRAGMA synchronous = OFF";
  }
  return "";
}

void must(bool ok, const char* what, sqlite3* db = nullptr) {
  if (ok) return;
  std::fprintf(stderr, "%s failed: %s\n", what, db ? sqlite3_errmsg(db) : "");
  std::abort();
}

// The naive layout (schema v1 of the store): one rowid row per record plus a
// unique index on its position. The baseline the store's batched rows are compared with.
constexpr const char* per_row_ddl =
    R"(CREATE TABLE records (topic TEXT NOT NULL, "partition" INTEGER NOT NULL, "offset" INTEGER NOT NULL,
         timestamp INTEGER NOT NULL, key BLOB, value BLOB NOT NULL, headers BLOB NOT NULL);
       CREATE UNIQUE INDEX records_by_position ON records(topic, "partition", "offset"))";
constexpr std::string_view insert_record_sql =
    R"(INSERT OR REPLACE INTO records(topic, "partition", "offset", timestamp, key, value, headers) )"
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

constexpr const char* without_rowid_ddl =
    R"(CREATE TABLE records (topic TEXT NOT NULL, "partition" INTEGER NOT NULL, "offset" INTEGER NOT NULL,
         timestamp INTEGER NOT NULL, key BLOB, value BLOB NOT NULL, headers BLOB NOT NULL,
         PRIMARY KEY (topic, "partition", "offset")) WITHOUT ROWID)";

// args: batch size, durability, layout (0: one rowid row per record, 1: WITHOUT ROWID)
void raw_insert(benchmark::State& state, bool without_rowid) {
  const auto batch = static_cast<int>(state.range(0));
  const auto mode = static_cast<store::durability>(state.range(1));
  temp_dir dir;
  sqlite3* raw = nullptr;
  must(sqlite3_open((dir.path() / "eventfabric.db").c_str(), &raw) == SQLITE_OK, "open", raw);
  store::sqlite::db_ptr db(raw);
  must(sqlite3_exec(raw, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr) == SQLITE_OK, "wal", raw);
  must(sqlite3_exec(raw, synchronous_sql(mode), nullptr, nullptr, nullptr) == SQLITE_OK, "sync", raw);
  must(sqlite3_exec(raw, without_rowid ? without_rowid_ddl : per_row_ddl, nullptr, nullptr, nullptr) == SQLITE_OK,
       "ddl", raw);
  auto insert = store::sqlite::prepare(raw, insert_record_sql);
  auto begin = store::sqlite::prepare(raw, "BEGIN IMMEDIATE");
  auto commit = store::sqlite::prepare(raw, "COMMIT");
  must(insert && begin && commit, "prepare", raw);
  sqlite3_stmt* ins = insert->get();

  // The ceiling: constant columns bound once, only offset and timestamp per row.
  const core::record r = sample_record();
  const std::string headers = sample_headers_blob();
  store::sqlite::bind_text(ins, 1, "bench");
  sqlite3_bind_int(ins, 2, 0);
  store::sqlite::bind_blob(ins, 5, *r.key);
  store::sqlite::bind_blob(ins, 6, r.value);
  store::sqlite::bind_blob(ins, 7, headers);
  int64_t offset = 0;
  for (auto _ : state) {
    must(sqlite3_step(begin->get()) == SQLITE_DONE, "begin", raw);
    sqlite3_reset(begin->get());
    for (int i = 0; i < batch; ++i) {
      sqlite3_bind_int64(ins, 3, offset++);
      sqlite3_bind_int64(ins, 4, r.timestamp_ms);
      must(sqlite3_step(ins) == SQLITE_DONE, "insert", raw);
      sqlite3_reset(ins);
    }
    must(sqlite3_step(commit->get()) == SQLITE_DONE, "commit", raw);
    sqlite3_reset(commit->get());
  }
  state.SetLabel(std::string(store::to_string(mode)));
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch * static_cast<int64_t>(value_size));
}

void BM_raw_insert(benchmark::State& state) { raw_insert(state, false); }
void BM_raw_insert_without_rowid(benchmark::State& state) { raw_insert(state, true); }

// Appends `batch` sample records to one partition and commits, per iteration.
template <class Store>
void append_commit(benchmark::State& state, Store& s) {
  const auto batch = static_cast<int>(state.range(0));
  std::vector<core::record> records(static_cast<std::size_t>(batch), sample_record());
  int64_t offset = 0;
  for (auto _ : state) {
    for (auto& r : records) r.offset = offset++;
    s.append("bench", 0, records);
    must(s.commit().has_value(), "commit");
  }
  state.SetLabel(std::string(store::to_string(static_cast<store::durability>(state.range(1)))));
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch * static_cast<int64_t>(value_size));
}

void BM_store_append_commit(benchmark::State& state) {
  temp_dir dir;
  auto opened = store::sqlite_store::open(dir.path(), static_cast<store::durability>(state.range(1)));
  must(opened.has_value(), "sqlite_store::open");
  append_commit(state, **opened);
}

// The same through the journal in front of SQLite (open_store's default): the
// figure includes the moves into SQLite, one per 8 MiB of journal, as far as
// back-pressure makes commits wait for them.
void BM_journal_append_commit(benchmark::State& state) {
  temp_dir dir;
  auto opened = store::journaled_store::open(dir.path(), static_cast<store::durability>(state.range(1)));
  must(opened.has_value(), "journaled_store::open");
  append_commit(state, **opened);
  state.counters["moves"] = static_cast<double>((*opened)->applies());
}

// One move of a full journal (8 MiB of one-record commits) into SQLite: the
// pause a commit that crosses the threshold adds.
void BM_journal_move(benchmark::State& state) {
  const auto mode = static_cast<store::durability>(state.range(0));
  temp_dir dir;
  auto opened = store::journaled_store::open(dir.path(), mode, std::size_t{1} << 40);
  must(opened.has_value(), "journaled_store::open");
  store::journaled_store& s = **opened;
  std::vector<core::record> records(1, sample_record());
  int64_t offset = 0;
  for (auto _ : state) {
    state.PauseTiming();
    while (s.journal_bytes() < store::journaled_store::default_apply_bytes) {
      records[0].offset = offset++;
      s.append("bench", 0, records);
      must(s.commit().has_value(), "commit");
    }
    state.ResumeTiming();
    must(s.apply_journal().has_value(), "apply_journal");
  }
  state.SetLabel(std::string(store::to_string(mode)));
}

// The whole persistent produce path: broker topics().produce() of a batch
// (partitioning, offsets, the in-memory log) staged into open_store's store, then
// broker.sync() -- what a produce request costs before it is acknowledged.
void BM_broker_produce_sync(benchmark::State& state) {
  const auto batch = static_cast<int>(state.range(0));
  const auto mode = static_cast<store::durability>(state.range(1));
  temp_dir dir;
  store::store_options opts;
  opts.data_dir = dir.path();
  opts.mode = mode;
  auto opened = store::open_store(opts);
  must(opened.has_value(), "open_store");
  core::broker b({.clk = nullptr, .seed = 1, .store = opened->get(), .strict_names = false});
  must(b.recover().has_value(), "recover");
  must(b.topics().create({"bench", 1}).has_value(), "create");
  const core::record sample = sample_record();
  for (auto _ : state) {
    std::vector<core::produce_record> prs;
    prs.reserve(static_cast<std::size_t>(batch));
    for (int i = 0; i < batch; ++i) prs.push_back({0, sample});
    must(b.topics().produce("bench", std::move(prs)).has_value(), "produce");
    must(b.sync().has_value(), "sync");
  }
  state.SetLabel(std::string(store::to_string(mode)));
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch * static_cast<int64_t>(value_size));
}

void batches_and_modes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"batch", "durability"});
  for (auto mode : {store::durability::normal, store::durability::full})
    for (int batch : {1, 100, 1000}) b->Args({batch, static_cast<int64_t>(mode)});
  b->Unit(benchmark::kMillisecond)->UseRealTime();  // fsync waits are not CPU time
}

BENCHMARK(BM_raw_insert)->Apply(batches_and_modes);
BENCHMARK(BM_store_append_commit)->Apply(batches_and_modes);
BENCHMARK(BM_journal_append_commit)->Apply(batches_and_modes);
BENCHMARK(BM_journal_move)
    ->ArgNames({"durability"})
    ->Arg(static_cast<int64_t>(store::durability::normal))
    ->Arg(static_cast<int64_t>(store::durability::full))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_broker_produce_sync)->Apply(batches_and_modes);
BENCHMARK(BM_raw_insert_without_rowid)
    ->ArgNames({"batch", "durability"})
    ->Args({100, static_cast<int64_t>(store::durability::normal)})
    ->Args({1000, static_cast<int64_t>(store::durability::normal)})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
