#include <CLI/CLI.hpp>
#include <fstream>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands.h"
#include "emulator/core/envelope.h"

namespace eventfabric::cli {
namespace {

// Checks every non-empty line; returns 0 all valid, 1 some invalid.
int check_lines(std::istream& in, std::ostream& out) {
  std::string line;
  std::size_t number = 0;
  int code = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto check = core::check_envelope(line);
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& v : check.violations) errors.push_back({{"field", v.field}, {"message", v.message}});
    nlohmann::json row = {{"line", number}, {"valid", check.ok()}, {"errors", std::move(errors)}};
    out << row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    if (!check.ok()) code = 1;
  }
  return code;
}

}  // namespace

void add_envelope(CLI::App& app, io streams, int& exit_code) {
  auto* group = app.add_subcommand("envelope", "Work with platform envelopes.");
  group->require_subcommand(1);
  auto* check = group->add_subcommand(
      "check",
      "Validate envelopes, one JSON object per line (JSON Lines).\n"
      "Prints one JSON line per input line: {\"line\":N,\"valid\":bool,\"errors\":[{\"field\",\"message\"}]}.\n"
      "Exit 0 when all are valid, 1 when any is invalid, 2 when the input cannot be read.");
  auto file = std::make_shared<std::string>("-");
  check->add_option("FILE", *file, "File of envelopes, or - for standard input")->capture_default_str();
  check->callback([streams, file, &exit_code] {
    if (*file == "-") {
      exit_code = check_lines(streams.in, streams.out);
      return;
    }
    std::ifstream in(*file);
    if (!in) {
      streams.err << "eventfabric envelope check: cannot read '" << *file << "'\n";
      exit_code = 2;
      return;
    }
    exit_code = check_lines(in, streams.out);
  });
}

}  // namespace eventfabric::cli
