#pragma once
// The produce_error fault on the produce routes: asks the fault engine (if
// the server has one) about one produce request, and builds the retriable
// error the producer sees. Implemented in fault_handlers.cc.

#include <optional>
#include <string_view>

#include "emulator/faults/fault.h"
#include "emulator/server/http_types.h"

namespace eventfabric::server {

class app;

// The produce_error to inject into this produce, if any (recorded in the
// realised schedule by the engine).
std::optional<faults::fault> produce_fault(app& a, faults::target_type type, std::string_view name,
                                           std::string_view message_id);
// 503 FAULT_INJECTED; `appended` says whether the records were kept anyway
// (after_append: retrying produces the classic producer-side duplicate).
response produce_fault_response(const faults::fault& f, bool appended);

}  // namespace eventfabric::server
