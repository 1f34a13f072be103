#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <ostream>

#include "cli/commands.h"
#include <filesystem>
#include <fstream>
#include <sstream>

#include "emulator/core/broker.h"
#include "emulator/delivery/idempotency_store.h"
#include "emulator/faults/engine.h"
#include "emulator/push/manager.h"
#include "emulator/schema/registry.h"
#include "emulator/server/app.h"
#include "emulator/server/config.h"
#include "emulator/server/http_server.h"
#include "emulator/store/store.h"
#include "eventfabric_version.h"

namespace eventfabric::cli {
namespace {

struct serve_options {
  int port = 8095;
  std::string data_dir = ".eventfabric";
  bool in_memory = false;
  uint64_t seed = 0;
  std::string log_format = "text";
  std::string durability = "normal";
  bool relaxed_names = false;
  std::size_t max_body = 8 << 20;
  int64_t request_timeout_ms = 15'000;
  int64_t idle_timeout_ms = 60'000;
  std::size_t max_connections = 512;
  std::size_t tail_max_behind = 10'000;
  std::string contracts;
  std::string config;
};

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// --config FILE: parses it and declares what it lists (staged; the caller
// syncs). Returns the contracts folder it names, if any; nullopt after
// printing the error.
std::optional<std::string> apply_config_file(core::broker& b, faults::engine& fe, push::manager& subs,
                                             const std::string& path, io streams) {
  auto text = read_file(path);
  if (!text) {
    streams.err << "eventfabric serve: --config " << path << ": cannot read the file\n";
    return std::nullopt;
  }
  auto cfg = server::parse_config(*text, std::filesystem::path(path).parent_path());
  if (!cfg) {
    streams.err << "eventfabric serve: --config " << path << ": " << cfg.error().message << "\n";
    return std::nullopt;
  }
  auto applied = server::apply_config(b, *cfg);
  if (!applied) {
    streams.err << "eventfabric serve: --config " << path << ": " << applied.error().message << "\n";
    return std::nullopt;
  }
  spdlog::info("--config {}: {} declared, {} already there with the same settings", path, applied->created,
               applied->unchanged);
  if (!cfg->subscriptions.empty()) {
    auto created = server::apply_subscriptions(subs, *cfg);
    if (!created) {
      streams.err << "eventfabric serve: --config " << path << ": " << created.error().message << "\n";
      return std::nullopt;
    }
    spdlog::info("--config {}: {} subscriptions created, {} already there", path, created->created, created->unchanged);
  }
  if (cfg->faults) {
    if (cfg->faults->seed) fe = faults::engine(*cfg->faults->seed, b.clk());
    if (auto ok = fe.set_rules(cfg->faults->rules); !ok) {
      streams.err << "eventfabric serve: --config " << path << ": /faults: " << ok.error().message << "\n";
      return std::nullopt;
    }
    spdlog::info("--config {}: {} fault rules, seed {}", path, fe.rules().size(), fe.seed());
  }
  return cfg->contracts ? cfg->contracts->string() : std::string();
}

// Registers every contracts/<type>.json under the subject "<type>-value"
// (Confluent's TopicNameStrategy, since platform topics are named after their
// event type). Returns false after printing the first failure.
bool register_contracts(schema::registry& reg, const std::string& dir, io streams) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    streams.err << "eventfabric serve: contracts folder " << dir << " is not a folder\n";
    return false;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".json" && e.path().filename() != "envelope.schema.json")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    const std::string subject = f.stem().string() + "-value";
    auto r = reg.register_schema(subject, text.str());
    if (!r) {
      streams.err << "eventfabric serve: cannot register " << f.string() << " as " << subject << ": " << r.error().message << "\n";
      return false;
    }
    spdlog::info("registered {} as {} version {} (id {})", f.filename().string(), subject, r->version, r->id);
  }
  return true;
}

void setup_logging(const std::string& format) {
  auto logger = spdlog::stderr_color_mt("eventfabric");
  if (format == "json")
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%v"})");
  else
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(logger);
}

int serve(const serve_options& o, io streams) {
  const auto started = std::chrono::steady_clock::now();
  setup_logging(o.log_format);
  store::store_options so;
  so.data_dir = o.data_dir;
  so.in_memory = o.in_memory;
  so.mode = *store::parse_durability(o.durability);
  std::unique_ptr<core::storage> st;
  if (!o.in_memory) {
    auto opened = store::open_store(so);
    if (!opened) {
      streams.err << "eventfabric serve: " << opened.error().message << "\n";
      return 2;
    }
    st = std::move(*opened);
  }
  core::broker b({.clk = nullptr, .seed = o.seed, .store = st.get(), .strict_names = !o.relaxed_names});
  schema::registry reg(st.get());
  b.attach(reg);
  delivery::idempotency_store idempotency(b.clk(), st.get());
  b.attach(idempotency);
  faults::engine fault_engine(o.seed, b.clk());
  push::manager subscriptions(b, st.get(), &fault_engine, o.seed);
  b.attach(subscriptions);
  if (auto ok = b.recover(); !ok) {
    streams.err << "eventfabric serve: cannot recover " << o.data_dir << ": " << ok.error().message << "\n";
    return 2;
  }
  std::string contracts = o.contracts;
  if (!o.config.empty()) {
    auto from_config = apply_config_file(b, fault_engine, subscriptions, o.config, streams);
    if (!from_config) return 2;  // nothing was committed
    if (contracts.empty())
      contracts = *from_config;
    else if (!from_config->empty())
      spdlog::info("--contracts {} overrides the contracts folder {} of {}", contracts, *from_config, o.config);
  }
  if (!contracts.empty() && !register_contracts(reg, contracts, streams)) return 2;
  if (!o.config.empty() || !contracts.empty()) {
    if (auto ok = b.sync(); !ok) {
      streams.err << "eventfabric serve: " << ok.error().message << "\n";
      return 2;
    }
  }
  server::server_options sopts;
  sopts.port = static_cast<uint16_t>(o.port);
  sopts.max_body_bytes = o.max_body;
  sopts.request_timeout = std::chrono::milliseconds(o.request_timeout_ms);
  sopts.idle_timeout = std::chrono::milliseconds(o.idle_timeout_ms);
  sopts.max_connections = o.max_connections;
  sopts.tail_max_behind = o.tail_max_behind;
  server::app_options aopts;
  aopts.base_url = "http://127.0.0.1:" + std::to_string(o.port);
  aopts.max_body_bytes = o.max_body;
  aopts.version = EVENTFABRIC_VERSION;
  aopts.registry = &reg;
  aopts.idempotency = &idempotency;
  aopts.faults = &fault_engine;
  aopts.subscriptions = &subscriptions;
  server::app a(b, aopts);
  server::http_server srv(a, sopts);
  if (auto ok = srv.listen(); !ok) {
    streams.err << "eventfabric serve: " << ok.error().message << "\n";
    return 2;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  spdlog::info("eventfabric {} listening on http://127.0.0.1:{} ({}, seed {}) ready in {} ms", EVENTFABRIC_VERSION,
               srv.port(), o.in_memory ? "in memory, nothing persisted" : "data in " + o.data_dir + ", durability " + o.durability,
               o.seed, ms.count());
  srv.run(true);
  spdlog::info("stopped: in-flight requests finished, state flushed");
  spdlog::shutdown();
  return 0;
}

}  // namespace

void add_serve(CLI::App& app, io streams, int& exit_code) {
  auto* cmd = app.add_subcommand("serve", "Start the emulator: every HTTP API on one port, on 127.0.0.1.");
  auto o = std::make_shared<serve_options>();
  cmd->add_option("--port", o->port, "Port to listen on (0 = any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--data-dir", o->data_dir, "Data folder (SQLite, WAL)")->capture_default_str();
  cmd->add_flag("--in-memory", o->in_memory, "Keep everything in memory; nothing is persisted");
  cmd->add_option("--seed", o->seed, "Seed for every random choice (member ids, jitter, faults)")->capture_default_str();
  cmd->add_option("--log-format", o->log_format, "Log format")->capture_default_str()->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--durability", o->durability,
                  "full: fsync every commit; normal: survives kill -9, may lose the last commits on power loss; "
                  "off: no fsync")
      ->capture_default_str()
      ->check(CLI::IsMember({"full", "normal", "off"}));
  cmd->add_flag("--relaxed-names", o->relaxed_names,
                "Accept any Kafka-legal topic and queue name instead of the platform naming rules");
  cmd->add_option("--max-body", o->max_body, "Largest request body in bytes (413 above)")->capture_default_str();
  cmd->add_option("--request-timeout-ms", o->request_timeout_ms, "Time a client has to send one whole request")
      ->capture_default_str()->check(CLI::Range(int64_t{100}, int64_t{3'600'000}));
  cmd->add_option("--idle-timeout-ms", o->idle_timeout_ms, "Keep-alive connections idle longer are closed")
      ->capture_default_str()->check(CLI::Range(int64_t{100}, int64_t{3'600'000}));
  cmd->add_option("--max-connections", o->max_connections, "Connections above this get 503")->capture_default_str();
  cmd->add_option("--tail-max-behind", o->tail_max_behind,
                  "A WebSocket tail more than this many records behind is closed (code 1008)")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  cmd->add_option("--contracts", o->contracts,
                  "Register every <type>.json schema of this folder at start (subject <type>-value)");
  cmd->add_option("--config", o->config,
                  "JSON file declaring topics, exchanges, queues, bindings, subscriptions, fault rules and the contracts folder at start "
                  "(see examples/eventfabric.config.json); --contracts wins over its contracts folder")
      ->check(CLI::ExistingFile);
  cmd->callback([o, streams, &exit_code] { exit_code = serve(*o, streams); });
}

}  // namespace eventfabric::cli
