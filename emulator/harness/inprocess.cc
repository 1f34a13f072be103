#include "emulator/harness/inprocess.h"

#include <exception>

#include "emulator/core/text.h"

namespace eventfabric::harness {

std::string_view request::header(std::string_view name) const {
  for (const auto& h : headers)
    if (core::iequals(h.key, name)) return h.value;
  return {};
}

core::result<void> inprocess_consumer::reset() {
  pub_.out_.clear();
  try {
    h_.reset();
  } catch (const std::exception& e) {
    return core::fail(core::errc::internal, std::string("the handler's reset threw: ") + e.what());
  }
  return {};
}

delivery::outcome inprocess_consumer::deliver(const delivery::delivery& d) {
  const request r{d.msg.body, d.headers, d.attempt};
  try {
    response resp = h_.handle(r, pub_);
    return delivery::outcome::from_status(resp.status, std::move(resp.body));
  } catch (const std::exception& e) {
    // A handler that throws is a crashed consumer: the connection breaks.
    return delivery::outcome::connection_error(std::string("the handler threw: ") + e.what());
  }
}

core::result<std::string> inprocess_consumer::state() {
  try {
    return h_.state();
  } catch (const std::exception& e) {
    return core::fail(core::errc::internal, std::string("the handler's state threw: ") + e.what());
  }
}

core::result<void> inprocess_consumer::restart() {
  if (!h_.restart) return core::fail(core::errc::precondition_failed, "the handler has no restart");
  h_.restart();
  return {};
}

}  // namespace eventfabric::harness
