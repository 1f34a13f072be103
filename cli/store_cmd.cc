#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands.h"
#include "emulator/core/broker.h"
#include "emulator/store/store.h"

namespace eventfabric::cli {
namespace {

using json = nlohmann::json;

json describe_topics(core::broker& b) {
  json out = json::array();
  for (const auto& name : b.topics().list()) {
    auto info = b.topics().describe(name);
    json parts = json::array();
    for (const auto& p : info->partitions)
      parts.push_back({{"partition", p.partition},
                       {"log_start", p.log_start},
                       {"high_watermark", p.high_watermark},
                       {"records", p.records}});
    out.push_back({{"name", name}, {"partitions", std::move(parts)}});
  }
  return out;
}

json describe_groups(core::broker& b) {
  json out = json::array();
  for (const auto& name : b.groups().list()) {
    auto info = b.groups().describe(name);
    json offsets = json::array();
    if (auto lag = b.groups().lag(name))
      for (const auto& l : *lag)
        offsets.push_back({{"topic", l.tp.topic},
                           {"partition", l.tp.partition},
                           {"committed", l.committed ? json(*l.committed) : json(nullptr)},
                           {"lag", l.lag}});
    out.push_back({{"group", name},
                   {"generation", info->generation},
                   {"members", info->members.size()},
                   {"offsets", std::move(offsets)}});
  }
  return out;
}

json describe_queues(core::broker& b) {
  json out = json::array();
  for (const auto& name : b.queues().list_queues()) {
    auto s = b.queues().stats(name);
    out.push_back({{"name", name}, {"ready", s->ready}, {"unacked", s->unacked}, {"dead", s->dead}});
  }
  return out;
}

}  // namespace

void add_store(CLI::App& app, io streams, int& exit_code) {
  auto* group = app.add_subcommand("store", "Inspect a data folder (stop the server first).");
  group->require_subcommand(1);
  auto* info = group->add_subcommand(
      "info",
      "Open a data folder, recover it, and print what it holds as JSON: store schema\n"
      "version, topics with offsets, groups with committed offsets and lag, queues with\n"
      "message counts. Exit 0 on success, 2 when the folder cannot be opened.");
  auto data_dir = std::make_shared<std::string>(".eventfabric");
  info->add_option("--data-dir", *data_dir, "Data folder")->capture_default_str();
  info->callback([streams, data_dir, &exit_code] {
    store::store_options opts;
    opts.data_dir = *data_dir;
    auto st = store::open_store(opts);
    if (!st) {
      streams.err << "eventfabric store info: " << st.error().message << "\n";
      exit_code = 2;
      return;
    }
    core::broker b({.clk = nullptr, .seed = 0, .store = st->get(), .strict_names = false});
    if (auto ok = b.recover(); !ok) {
      streams.err << "eventfabric store info: " << ok.error().message << "\n";
      exit_code = 2;
      return;
    }
    const auto d = store::describe(**st);
    json out = {{"backend", d.backend},
                {"path", d.path},
                {"schema_version", d.schema_version},
                {"topics", describe_topics(b)},
                {"groups", describe_groups(b)},
                {"queues", describe_queues(b)}};
    streams.out << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  });
}

}  // namespace eventfabric::cli
