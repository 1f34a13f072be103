#pragma once
// record, replay, fixtures check | stats: the fixture commands
// (emulator/fixtures; format in fixtures/README.md).

#include "cli/commands.h"

namespace eventfabric::cli {

void add_record(CLI::App& app, io streams, int& exit_code);
void add_replay(CLI::App& app, io streams, int& exit_code);
void add_fixtures(CLI::App& app, io streams, int& exit_code);

// A line of progress on stderr at most once a second (record and replay).
class progress {
 public:
  progress(io streams, const char* command) : streams_(streams), command_(command) {}
  void tick(std::size_t done, std::size_t total = 0);  // total 0: unknown
  void finish();                                        // ends the progress line, if one was printed

 private:
  io streams_;
  const char* command_;
  long long last_ms_ = 0, start_ms_ = -1;
  bool printed_ = false;
};

}  // namespace eventfabric::cli
