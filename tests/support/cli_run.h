#pragma once
// Runs `eventfabric ARGS...` in-process through cli::run with injected
// streams, for the CLI tests.

#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace eventfabric::testing {

struct cli_outcome {
  int code;
  std::string out, err;
};

inline cli_outcome run_cli(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), "eventfabric");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::istringstream in(input);
  std::ostringstream out, err;
  const int code = cli::run(static_cast<int>(argv.size()), argv.data(), {in, out, err});
  return {code, out.str(), err.str()};
}

}  // namespace eventfabric::testing
