#include "emulator/harness/inputs.h"

#include <map>
#include <utility>

#include "emulator/core/envelope.h"
#include "emulator/core/partitioner.h"

namespace eventfabric::harness {

core::result<std::vector<delivery::message>> to_messages(const std::vector<input>& inputs) {
  std::vector<delivery::message> out;
  out.reserve(inputs.size());
  std::map<std::pair<std::string, int32_t>, int64_t> next_offset;
  uint64_t next_queue_id = 1;
  for (const auto& in : inputs) {
    auto env = core::parse_envelope(in.envelope);
    if (!env) {
      auto e = env.error();
      e.message = (in.origin.empty() ? std::string("message") : in.origin) + ": " + e.message;
      return std::unexpected(std::move(e));
    }
    delivery::message m;
    m.kind = in.topic ? delivery::source_kind::topic : delivery::source_kind::queue;
    m.source = in.name;
    m.key = in.key ? in.key : env->partition_key;
    m.envelope_id = env->id;
    m.type = env->type;
    m.trace_id = env->trace_id;
    m.body = in.envelope;
    if (in.topic) {
      m.partition = in.partition ? *in.partition
                    : m.key      ? core::partition_for_key(*m.key, kDefaultPartitions)
                                 : 0;
      int64_t& next = next_offset[{in.name, m.partition}];
      m.offset = in.offset ? *in.offset : next;
      next = m.offset + 1;
    } else {
      m.queue_id = next_queue_id++;
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace eventfabric::harness
