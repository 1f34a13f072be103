#pragma once
// A consumer process under test: started with posix_spawn in its own process
// group (so killing it takes its children too), stdin from /dev/null, stdout
// and stderr appended to a log file, extra environment variables set.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/error.h"

namespace eventfabric::harness_http {

class child {
 public:
  child() = default;
  ~child() { kill(); }
  child(child&& o) noexcept : pid_(std::exchange(o.pid_, -1)), log_(std::move(o.log_)) {}
  child& operator=(child&& o) noexcept;

  // argv[0] is looked up on PATH. Errors name the program.
  static core::result<child> spawn(const std::vector<std::string>& argv,
                                   const std::vector<std::pair<std::string, std::string>>& env,
                                   const std::filesystem::path& log);
  bool running();
  // SIGKILL to the process group, then reaps it. Idempotent.
  void kill();
  int pid() const { return pid_; }
  // The last `max_bytes` of the log, for error messages.
  std::string log_tail(std::size_t max_bytes = 2000) const;

 private:
  int pid_ = -1;
  std::filesystem::path log_;
};

// A free TCP port on 127.0.0.1 (bound, read and released).
core::result<int> free_port();

}  // namespace eventfabric::harness_http
