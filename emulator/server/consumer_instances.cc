#include "emulator/server/consumer_instances.h"

#include <algorithm>

#include "emulator/core/names.h"

namespace eventfabric::server {

using core::errc;
using core::fail;

core::result<consumer_instances::instance*> consumer_instances::find(const std::string& group,
                                                                      const std::string& name) {
  auto it = instances_.find({group, name});
  if (it == instances_.end())
    return fail(errc::not_found, "consumer instance '" + name + "' of group '" + group + "' not found",
                {{"group", group}, {"instance", name}});
  it->second.last_used_ms = broker_.clk().now_ms();
  return &it->second;
}

core::result<std::string> consumer_instances::create(const std::string& group, std::string name,
                                                     consumer_config cfg) {
  if (auto ok = core::check_group_name(group); !ok) return std::unexpected(ok.error());
  if (name.empty()) name = "rest-consumer-" + std::to_string(next_name_++);
  if (auto ok = core::check_group_name(name); !ok)
    return fail(errc::invalid_name, "invalid consumer instance name '" + name + "'", {{"field", "name"}});
  if (instances_.contains({group, name}))
    return fail(errc::already_exists, "consumer instance '" + name + "' already exists in group '" + group + "'",
                {{"instance", name}});
  instance in;
  in.cfg = cfg;
  in.last_used_ms = broker_.clk().now_ms();
  instances_.emplace(std::make_pair(group, name), std::move(in));
  return name;
}

core::result<void> consumer_instances::remove(const std::string& group, const std::string& name) {
  auto in = find(group, name);
  if (!in) return std::unexpected(in.error());
  if (!(*in)->member_id.empty()) (void)broker_.groups().leave(group, (*in)->member_id);
  instances_.erase({group, name});
  return {};
}

core::result<void> consumer_instances::subscribe(const std::string& group, const std::string& name,
                                                 std::vector<std::string> topics) {
  auto in = find(group, name);
  if (!in) return std::unexpected(in.error());
  core::join_request req;
  req.group = group;
  req.member_id = (*in)->member_id;
  req.client_id = std::string(kRestClientPrefix) + name;
  req.topics = std::move(topics);
  req.session_timeout_ms = std::clamp<int64_t>((*in)->cfg.instance_timeout_ms, 1'000, 3'600'000);
  auto joined = broker_.groups().join(req);
  if (!joined) return std::unexpected(joined.error());
  (*in)->topics = req.topics;
  (*in)->member_id = joined->member_id;
  (*in)->generation = -1;  // forces refresh() to adopt the assignment
  return refresh(group, **in);
}

core::result<void> consumer_instances::unsubscribe(const std::string& group, const std::string& name) {
  auto in = find(group, name);
  if (!in) return std::unexpected(in.error());
  if (!(*in)->member_id.empty()) (void)broker_.groups().leave(group, (*in)->member_id);
  (*in)->member_id.clear();
  (*in)->topics.clear();
  (*in)->assigned.clear();
  (*in)->positions.clear();
  return {};
}

core::result<std::vector<std::string>> consumer_instances::subscription(const std::string& group,
                                                                        const std::string& name) {
  auto in = find(group, name);
  if (!in) return std::unexpected(in.error());
  return (*in)->topics;
}

core::result<std::vector<core::topic_partition>> consumer_instances::assignment(const std::string& group,
                                                                                const std::string& name) {
  auto in = find(group, name);
  if (!in) return std::unexpected(in.error());
  if (auto ok = refresh(group, **in); !ok) return std::unexpected(ok.error());
  return (*in)->assigned;
}

core::result<void> consumer_instances::refresh(const std::string& group, instance& in) {
  if (in.member_id.empty()) return {};
  auto hb = broker_.groups().heartbeat(group, in.member_id, in.generation);
  if (hb) return {};
  if (hb.error().code == errc::unknown_member) in.member_id.clear();  // expired: join afresh
  core::join_request req;
  req.group = group;
  req.member_id = in.member_id;
  req.client_id = std::string(kRestClientPrefix) + "instance";
  req.topics = in.topics;
  req.session_timeout_ms = std::clamp<int64_t>(in.cfg.instance_timeout_ms, 1'000, 3'600'000);
  auto joined = broker_.groups().join(req);
  if (!joined) return std::unexpected(joined.error());
  in.member_id = joined->member_id;
  in.generation = joined->generation;
  in.assigned = joined->partitions;
  std::map<core::topic_partition, int64_t> positions;
  for (const auto& tp : in.assigned) {
    auto kept = in.positions.find(tp);
    if (kept != in.positions.end()) {
      positions[tp] = kept->second;
      continue;
    }
    auto pos = broker_.groups().position(group, tp.topic, tp.partition, in.cfg.reset);
    if (!pos) return std::unexpected(pos.error());
    positions[tp] = *pos;
  }
  in.positions = std::move(positions);
  return {};
}

core::result<void> consumer_instances::commit_positions(const std::string& group, instance& in) {
  for (const auto& [tp, pos] : in.positions)
    if (auto ok = broker_.groups().commit(group, in.member_id, in.generation, tp.topic, tp.partition, pos); !ok)
      return ok;
  return {};
}

core::result<std::vector<fetched_record>> consumer_instances::fetch(const std::string& group, const std::string& name,
                                                                    std::size_t max_bytes) {
  auto found = find(group, name);
  if (!found) return std::unexpected(found.error());
  instance& in = **found;
  if (in.member_id.empty())
    return fail(errc::precondition_failed, "consumer instance '" + name + "' is not subscribed to any topic");
  if (auto ok = refresh(group, in); !ok) return std::unexpected(ok.error());
  // Kafka's auto-commit: what the previous fetch returned counts as processed.
  if (in.cfg.auto_commit)
    if (auto ok = commit_positions(group, in); !ok) return std::unexpected(ok.error());
  std::vector<fetched_record> out;
  std::size_t bytes = 0;
  for (auto& [tp, pos] : in.positions) {
    if (bytes >= max_bytes && !out.empty()) break;
    auto info = broker_.topics().partition(tp.topic, tp.partition);
    if (!info) continue;
    if (pos < info->log_start) pos = info->log_start;  // retention passed us by
    const std::size_t budget = max_bytes > bytes ? max_bytes - bytes : 1;
    auto recs = broker_.topics().fetch(tp.topic, tp.partition, pos, {500, budget});
    if (!recs) continue;
    for (auto& r : *recs) {
      if (!out.empty() && bytes + r.size_bytes() > max_bytes) break;
      bytes += r.size_bytes();
      pos = r.offset + 1;
      out.push_back({tp.topic, tp.partition, std::move(r)});
    }
  }
  return out;
}

core::result<void> consumer_instances::commit(const std::string& group, const std::string& name,
                                              const std::vector<std::pair<core::topic_partition, int64_t>>& offsets) {
  auto found = find(group, name);
  if (!found) return std::unexpected(found.error());
  instance& in = **found;
  if (auto ok = refresh(group, in); !ok) return ok;
  if (offsets.empty()) return commit_positions(group, in);
  for (const auto& [tp, off] : offsets)
    if (auto ok = broker_.groups().commit(group, in.member_id, in.generation, tp.topic, tp.partition, off); !ok)
      return ok;
  return {};
}

core::result<void> consumer_instances::seek(const std::string& group, const std::string& name,
                                            const core::topic_partition& tp, int64_t offset) {
  auto found = find(group, name);
  if (!found) return std::unexpected(found.error());
  auto it = (*found)->positions.find(tp);
  if (it == (*found)->positions.end())
    return fail(errc::precondition_failed,
                tp.topic + "/" + std::to_string(tp.partition) + " is not assigned to instance '" + name + "'");
  it->second = offset;
  return {};
}

void consumer_instances::evict_orphans() {
  for (const auto& group : broker_.groups().list()) {
    auto info = broker_.groups().describe(group);
    if (!info) continue;
    for (const auto& m : info->members)
      if (m.client_id.rfind(kRestClientPrefix, 0) == 0) (void)broker_.groups().leave(group, m.member_id);
  }
}

void consumer_instances::expire() {
  const int64_t now = broker_.clk().now_ms();
  for (auto it = instances_.begin(); it != instances_.end();) {
    if (now - it->second.last_used_ms > it->second.cfg.instance_timeout_ms) {
      if (!it->second.member_id.empty()) (void)broker_.groups().leave(it->first.first, it->second.member_id);
      it = instances_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace eventfabric::server
