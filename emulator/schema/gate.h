#pragma once
// The CI schema-diff gate (`eventfabric schema check`) as a pure function over
// the files of a contracts folder and, optionally, of a base (the folder on
// main, or a git ref). No I/O: the caller reads the files.
//
// The rules (ARCHITECTURE.md, "Schema governance"):
//   - Every file loads: envelope.schema.json is present, every other *.json is
//     named <type>.json where <type> passes core::check_event_type (dotted lower
//     case ending in .vN, e.g. domain.entity.event.v1), is valid JSON and compiles
//     (unsupported keywords rejected). Each failure is an error.
//   - A type X.vN present in the base must stay compatible with the base's
//     version(s) of X.vN under `mode` (BACKWARD_TRANSITIVE by default). When it
//     breaks, the error names every change and says to publish it as X.v(N+1).
//     The envelope is checked the same way. A file identical to the base's
//     latest version is "unchanged" and not re-checked (its history may predate the gate).
//   - A type present in the base but not in the folder is an error: consumers
//     may still depend on it.
//   - A new X.vN with N > 1 is compared with X.v(N-1) (from the folder, else the
//     base) for information only: a new major version is allowed to break.
//   - PII: a personal-looking property without "x-pii" (or with a non-boolean
//     x-pii) is a warning, an error when `strict`.
// Without a base only the load, naming and PII rules apply.

#include <optional>
#include <string>
#include <vector>

#include "emulator/schema/compat.h"

namespace eventfabric::schema {

struct contract_file {
  std::string name;  // file name inside the contracts folder, e.g. "billing.payment.captured.v1.json"
  std::string text;  // its content
};

struct gate_options {
  compat_mode mode = compat_mode::backward_transitive;
  bool strict = false;   // unclassified PII is an error instead of a warning
  bool lenient = false;  // Confluent's lenient compatible set
};

// One finding. Codes: LOAD_FAILED, BAD_NAME, MISSING_ENVELOPE, INCOMPATIBLE_CHANGE,
// TYPE_REMOVED, PII_UNCLASSIFIED, BASE_UNREADABLE, NEW_VERSION_CHANGES, VERSION_GAP.
struct gate_finding {
  std::string code;
  std::string file;     // file name in the folder (or the base, for removed types)
  std::string type;     // event type ("envelope" for the envelope), "" when the name is bad
  std::string pointer;  // schema pointer where it applies ("#/properties/x", "/properties/email"), else ""
  std::string message;  // one or more plain sentences
};

struct gate_type {
  std::string type;  // event type, or "envelope"
  std::string file;
  // "new" (not in the base, or no base), "unchanged", "changed", "removed", "invalid" (does not load).
  std::string status;
  // Against the base: null when not compared (new, removed, invalid), else the verdict.
  std::optional<bool> compatible;
  std::vector<std::string> changes;  // the breaking changes, "TYPE #/pointer"
  int base_versions = 0;             // how many base versions it was checked against
};

struct gate_report {
  std::vector<gate_finding> errors;
  std::vector<gate_finding> warnings;
  std::vector<gate_finding> info;
  std::vector<gate_type> types;  // sorted by type, the envelope first
  bool ok() const { return errors.empty(); }
};

// `current`: the files of the contracts folder (*.json at its top level).
// `base`: the base's files, or nullopt for no base. A name may appear more than
// once in `base`: those are successive versions of that file, oldest first
// (e.g. its git history); the last one is the base's current version, and the
// *_TRANSITIVE modes check against all of them. Never throws.
gate_report run_gate(const std::vector<contract_file>& current,
                     const std::optional<std::vector<contract_file>>& base, const gate_options& options = {});

}  // namespace eventfabric::schema
