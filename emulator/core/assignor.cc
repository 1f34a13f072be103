#include "emulator/core/assignor.h"

#include <algorithm>
#include <set>

namespace eventfabric::core {
namespace {

bool subscribes(const member_subscription& m, const std::string& topic) {
  return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

void assign_range(const std::vector<const member_subscription*>& members,
                  const std::map<std::string, int32_t>& partitions,
                  std::map<std::string, std::vector<topic_partition>>& out) {
  for (const auto& [topic, count] : partitions) {
    std::vector<const member_subscription*> subs;
    for (const auto* m : members)
      if (subscribes(*m, topic)) subs.push_back(m);
    if (subs.empty()) continue;
    const int32_t n = static_cast<int32_t>(subs.size());
    const int32_t per = count / n, extra = count % n;
    for (int32_t i = 0; i < n; ++i) {
      const int32_t start = per * i + std::min(i, extra);
      const int32_t len = per + (i < extra ? 1 : 0);
      for (int32_t p = start; p < start + len; ++p) out[subs[i]->member_id].push_back({topic, p});
    }
  }
}

void assign_round_robin(const std::vector<const member_subscription*>& members,
                        const std::map<std::string, int32_t>& partitions,
                        std::map<std::string, std::vector<topic_partition>>& out) {
  std::size_t next = 0;
  for (const auto& [topic, count] : partitions) {
    for (int32_t p = 0; p < count; ++p) {
      // Deal to the next member (circularly) that subscribes to this topic.
      for (std::size_t tries = 0; tries < members.size(); ++tries) {
        const auto* m = members[next++ % members.size()];
        if (subscribes(*m, topic)) {
          out[m->member_id].push_back({topic, p});
          break;
        }
      }
    }
  }
}

}  // namespace

std::map<std::string, std::vector<topic_partition>> assign(assignment_strategy strategy,
                                                           const std::vector<member_subscription>& members,
                                                           const std::map<std::string, int32_t>& partitions) {
  std::vector<const member_subscription*> sorted;
  for (const auto& m : members) sorted.push_back(&m);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->member_id < b->member_id; });
  std::map<std::string, std::vector<topic_partition>> out;
  for (const auto* m : sorted) out[m->member_id];
  if (sorted.empty()) return out;
  // Only topics someone subscribes to take part.
  std::map<std::string, int32_t> wanted;
  for (const auto* m : sorted)
    for (const auto& t : m->topics)
      if (auto it = partitions.find(t); it != partitions.end()) wanted.emplace(t, it->second);
  if (strategy == assignment_strategy::range)
    assign_range(sorted, wanted, out);
  else
    assign_round_robin(sorted, wanted, out);
  for (auto& [_, tps] : out) std::sort(tps.begin(), tps.end());
  return out;
}

}  // namespace eventfabric::core
