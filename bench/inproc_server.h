#pragma once
// eventfabric's HTTP server in the benchmark's own process, on a free port,
// in memory or over SQLite in a temporary folder. `setup` runs on the broker
// before the server thread starts (the broker is not shared across threads).
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include "emulator/core/broker.h"
#include "emulator/server/app.h"
#include "emulator/server/http_server.h"
#include "emulator/store/store.h"

namespace eventfabric::bench {

struct inproc_server {
  std::filesystem::path dir;
  std::unique_ptr<core::storage> store;
  std::unique_ptr<core::broker> broker;
  std::unique_ptr<server::app> app;
  std::unique_ptr<server::http_server> srv;
  std::thread thread;

  inproc_server(bool persistent, const std::function<void(core::broker&)>& setup) {
    if (persistent) {
      dir = std::filesystem::temp_directory_path() / ("ef-bench-http-" + std::to_string(getpid()));
      std::filesystem::remove_all(dir);
      store::store_options o;
      o.data_dir = dir;
      store = std::move(*store::open_store(o));
    }
    broker = std::make_unique<core::broker>(core::broker_options{.clk = nullptr, .seed = 1, .store = store.get()});
    (void)broker->recover();
    if (setup) setup(*broker);
    (void)broker->sync();
    app = std::make_unique<server::app>(*broker, server::app_options{});
    server::server_options so;
    so.port = 0;
    srv = std::make_unique<server::http_server>(*app, so);
    (void)srv->listen();
    thread = std::thread([this] { srv->run(false); });
  }
  ~inproc_server() {
    srv->stop();
    thread.join();
    srv.reset();
    app.reset();
    broker.reset();
    store.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  uint16_t port() const { return srv->port(); }
};

}  // namespace eventfabric::bench
