#pragma once
// Our own valijson constraints for "$ef_type", "$ef_format",
// "$ef_multipleOf" and "$ef_pattern" (see schema_bundle.h). Internal to
// emulator/schema. They fix valijson 1.0 gaps: 1.0 is an integer; format
// ignores non-strings (and does not build a std::regex per call); multipleOf
// of tiny decimals; patterns are compiled once and long strings are matched
// without overflowing the stack (schema_stack.h).

namespace valijson {
class SchemaParser;
}

namespace eventfabric::schema::detail {

// Error messages of these constraints start with "[<keyword>] ".
void register_constraints(valijson::SchemaParser& parser);

}  // namespace eventfabric::schema::detail
