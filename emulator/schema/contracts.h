#pragma once
// The platform's contracts folder (contracts/ in the repo):
//   envelope.schema.json   the envelope, JSON Schema draft-07
//   <type>.json            one payload schema per event type, e.g.
//                          workflow.instance.started.v1.json
// Other files (README.md) and sub-folders (consumers/) are not schemas.
//
// load_contracts() reads and compiles every schema once; the result is
// immutable and safe to share between threads.

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/schema/validator.h"

namespace eventfabric::schema {

class contracts {
 public:
  // The compiled envelope schema.
  const compiled_schema& envelope() const { return *envelope_; }
  // The compiled payload schema of `type`, or nullptr when there is no contracts/<type>.json.
  const compiled_schema* find(std::string_view type) const;
  // The schema document of `type` ("envelope" for the envelope), or nullptr; lives as long as this object.
  const nlohmann::json* document(std::string_view type) const;
  // The event types with a payload schema, sorted.
  std::vector<std::string> types() const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  friend core::result<contracts> load_contracts(const std::filesystem::path&, const compile_options&);
  struct entry {
    compiled_schema schema;
    std::shared_ptr<const nlohmann::json> document;
  };
  std::filesystem::path dir_;
  std::optional<compiled_schema> envelope_;
  std::shared_ptr<const nlohmann::json> envelope_document_;
  std::map<std::string, entry, std::less<>> types_;
};

// Reads `dir`: envelope.schema.json (required) and every other *.json as
// <type>.json, where <type> must pass core::check_event_type. Errors name the
// file (details "file"): a missing folder or envelope (errc::not_found), a bad
// file name (errc::invalid_name), invalid JSON or a schema that does not
// compile (errc::invalid_argument). `options` apply to every schema
// (unsupported keywords are rejected by default).
core::result<contracts> load_contracts(const std::filesystem::path& dir, const compile_options& options = {});

}  // namespace eventfabric::schema
