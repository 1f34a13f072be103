#include "emulator/push/redrive.h"

namespace eventfabric::push {

namespace {

using delivery::source_kind;

// Whether `m` can be republished to its source now.
core::result<void> check_source(core::broker& b, const delivery::parked_message& p) {
  const delivery::message& m = p.msg;
  const std::string id = std::to_string(p.id);
  if (m.kind == source_kind::queue) {
    if (!b.queues().queue_info(m.source))
      return core::fail(core::errc::precondition_failed,
                        "the source queue '" + m.source + "' of entry " + id + " no longer exists; nothing was redriven",
                        {{"queue", m.source}, {"id", id}});
    return {};
  }
  auto partitions = b.topics().partition_count(m.source);
  if (!partitions)
    return core::fail(core::errc::precondition_failed,
                      "the source topic '" + m.source + "' of entry " + id + " no longer exists; nothing was redriven",
                      {{"topic", m.source}, {"id", id}});
  if (m.partition < 0 || m.partition >= *partitions)
    return core::fail(core::errc::precondition_failed,
                      "the source partition " + std::to_string(m.partition) + " of topic '" + m.source +
                          "' (entry " + id + ") no longer exists; nothing was redriven",
                      {{"topic", m.source}, {"partition", std::to_string(m.partition)}, {"id", id}});
  return {};
}

core::result<void> republish(core::broker& b, const delivery::message& m) {
  if (m.kind == source_kind::queue) {
    core::publish_request req;
    req.routing_key = m.source;  // the default exchange: straight to the queue
    req.body = m.body;
    req.message_id = m.source_message_id;
    req.headers = m.source_headers;
    auto res = b.queues().publish(req);
    if (!res) return std::unexpected(res.error());
    return {};
  }
  core::produce_record pr;
  pr.partition = m.partition;
  pr.rec.key = m.key;
  pr.rec.value = m.body;
  pr.rec.headers = m.source_headers;
  std::vector<core::produce_record> batch;
  batch.push_back(std::move(pr));
  auto res = b.topics().produce(m.source, std::move(batch));
  if (!res) return std::unexpected(res.error());
  return {};
}

}  // namespace

std::optional<redrive_target> parse_redrive_target(std::string_view s) {
  if (s == "source") return redrive_target::source;
  if (s == "subscription") return redrive_target::subscription;
  return std::nullopt;
}

core::result<std::vector<delivery::message>> redrive(core::broker& b, live& l, delivery::parking where,
                                                     const delivery::redrive_filter& f, redrive_target to) {
  if (to == redrive_target::subscription) return l.sub.redrive(where, f);
  std::vector<uint64_t> ids;
  for (const auto& p : l.sub.list(where)) {
    if (!f.matches(p)) continue;
    if (auto ok = check_source(b, p); !ok) return std::unexpected(ok.error());
    ids.push_back(p.id);
  }
  std::vector<delivery::message> out;
  for (uint64_t id : ids) {
    const auto* p = l.sub.find(where, id);
    if (auto ok = republish(b, p->msg); !ok) {
      core::error e = ok.error();
      e.message = "entry " + std::to_string(id) + " could not be republished: " + e.message + " (" +
                  std::to_string(out.size()) + " redriven before it; it stays where it was)";
      e.details.emplace_back("redriven", std::to_string(out.size()));
      e.details.emplace_back("id", std::to_string(id));
      return std::unexpected(std::move(e));
    }
    out.push_back(l.sub.take(where, id)->msg);  // erased from the store in the same transaction
  }
  return out;
}

}  // namespace eventfabric::push
