#pragma once
// The `eventfabric` command line: one function per subcommand group, each
// registering its CLI11 subcommand and its handler. run() parses and
// dispatches; it returns the process exit code and never throws.
//
// Exit codes (all subcommands): 0 success, 1 a check found problems (invalid
// input data), 2 usage, I/O or configuration error, 3 not available in this build.

#include <iosfwd>

namespace CLI {
class App;
}

namespace eventfabric::cli {

// Streams are injected so tests can run commands in-process.
struct io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

int run(int argc, char** argv, io streams);

void add_serve(CLI::App& app, io streams, int& exit_code);
void add_envelope(CLI::App& app, io streams, int& exit_code);
void add_store(CLI::App& app, io streams, int& exit_code);
// schema validate | compat | check | register (schema_cmds.cc, schema_check.cc).
void add_schema(CLI::App& app, io streams, int& exit_code);
// test: the contract-test harness (test_cmd.cc).
void add_test(CLI::App& app, io streams, int& exit_code);

}  // namespace eventfabric::cli
