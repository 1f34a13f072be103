#pragma once
// Internal to the `eventfabric schema` commands (schema_cmds.cc, schema_check.cc).

#include <optional>
#include <string>

#include "cli/commands.h"

namespace CLI {
class App;
}

namespace eventfabric::cli {

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::string& path);

// `eventfabric schema check`: the CI schema-diff gate.
void add_schema_check(CLI::App& group, io streams, int& exit_code);

}  // namespace eventfabric::cli
