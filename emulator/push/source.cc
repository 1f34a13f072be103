#include "emulator/push/source.h"

#include "emulator/push/envelope_scan.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace eventfabric::push {

namespace {

using json = nlohmann::json;

constexpr int64_t kHeartbeatEveryMs = 1000;
constexpr int64_t kSessionTimeoutMs = 30'000;

std::string string_at(const json& obj, const char* field) {
  auto it = obj.find(field);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

class topic_source final : public source {
 public:
  topic_source(core::broker& b, definition d) : b_(b), d_(std::move(d)) {}

  core::result<void> join() {
    core::join_request r;
    r.group = d_.group;
    r.member_id = member_;
    r.client_id = "push:" + d_.name;
    r.topics = {d_.source};
    r.session_timeout_ms = kSessionTimeoutMs;
    auto a = b_.groups().join(r);
    if (!a && !member_.empty()) {  // forgotten (a reload, an expired session): join afresh
      member_.clear();
      r.member_id.clear();
      a = b_.groups().join(r);
    }
    if (!a) return std::unexpected(a.error());
    member_ = a->member_id;
    generation_ = a->generation;
    rejoin_ = false;
    last_heartbeat_ = b_.clk().now_ms();
    std::map<int32_t, part> kept;
    const auto reset = d_.start_earliest ? core::offset_reset::earliest : core::offset_reset::latest;
    for (const auto& tp : a->partitions) {
      if (tp.topic != d_.source) continue;
      if (auto it = parts_.find(tp.partition); it != parts_.end()) {
        kept.emplace(tp.partition, std::move(it->second));
        continue;
      }
      auto pos = b_.groups().position(d_.group, d_.source, tp.partition, reset);
      if (!pos) return std::unexpected(pos.error());
      part p;
      p.next = *pos;
      auto committed = b_.groups().committed(d_.group, d_.source, tp.partition);
      if (committed && *committed && **committed == *pos) {
        p.committed = *pos;
      } else {
        // Commit the start, so that a restart resumes here rather than at "latest" again.
        (void)b_.groups().commit(d_.group, member_, generation_, d_.source, tp.partition, *pos);
        p.committed = *pos;
      }
      kept.emplace(tp.partition, std::move(p));
    }
    parts_ = std::move(kept);
    return {};
  }

  std::size_t fill(delivery::subscription& sub, std::size_t room) override {
    if (rejoin_ && !join()) return 0;
    std::size_t added = 0;
    for (auto& [partition, p] : parts_) {
      if (added >= room) break;
      core::fetch_limits limits;
      limits.max_records = room - added;
      auto records = b_.topics().fetch(d_.source, partition, p.next, limits);
      if (!records) {
        if (records.error().code == core::errc::offset_out_of_range) {
          // Retention removed what we were about to read: restart at the log start.
          if (auto pos = b_.groups().position(d_.group, d_.source, partition, core::offset_reset::earliest))
            p.next = std::max(p.next, *pos);
        }
        continue;
      }
      for (auto& r : *records) {
        delivery::message m = message_from_body(delivery::source_kind::topic, d_.source, std::move(r.value));
        m.partition = partition;
        m.offset = r.offset;
        if (r.key) m.key = std::move(r.key);
        m.source_headers = std::move(r.headers);
        if (m.envelope_id.empty())
          m.envelope_id = d_.source + "-" + std::to_string(partition) + "-" + std::to_string(r.offset);
        p.outstanding.insert(r.offset);
        p.next = r.offset + 1;
        sub.enqueue(std::move(m));
        ++added;
      }
    }
    return added;
  }

  void done(const delivery::message& m) override {
    auto it = parts_.find(m.partition);
    if (it == parts_.end()) return;  // lost in a rebalance: the new owner commits
    part& p = it->second;
    p.outstanding.erase(m.offset);
    const int64_t upto = p.outstanding.empty() ? p.next : *p.outstanding.begin();
    if (upto <= p.committed) return;
    auto ok = b_.groups().commit(d_.group, member_, generation_, d_.source, m.partition, upto);
    if (ok)
      p.committed = upto;
    else
      rejoin_ = true;  // stale generation or forgotten member: re-join, commit again later
  }

  void tick() override {
    const int64_t now = b_.clk().now_ms();
    if (!rejoin_ && now - last_heartbeat_ < kHeartbeatEveryMs) return;
    last_heartbeat_ = now;
    if (!rejoin_ && b_.groups().heartbeat(d_.group, member_, generation_)) return;
    (void)join();
    // Commit what finished while the generation was stale.
    for (auto& [partition, p] : parts_) {
      const int64_t upto = p.outstanding.empty() ? p.next : *p.outstanding.begin();
      if (upto > p.committed && b_.groups().commit(d_.group, member_, generation_, d_.source, partition, upto))
        p.committed = upto;
    }
  }

  void close() override {
    if (member_.empty()) return;
    (void)b_.groups().leave(d_.group, member_);
    member_.clear();
    parts_.clear();
  }

 private:
  struct part {
    int64_t next = 0;                // next offset to read
    std::set<int64_t> outstanding;  // read, not finished
    int64_t committed = -1;
  };
  core::broker& b_;
  definition d_;
  std::string member_;
  int32_t generation_ = 0;
  bool rejoin_ = false;
  int64_t last_heartbeat_ = 0;
  std::map<int32_t, part> parts_;
};

class queue_source final : public source {
 public:
  queue_source(core::broker& b, definition d) : b_(b), d_(std::move(d)), tag_("push:" + d_.name) {}

  std::size_t fill(delivery::subscription& sub, std::size_t room) override {
    if (closed_) return 0;
    auto got = b_.queues().receive(d_.source, tag_, room, 0);
    if (!got) return 0;
    for (auto& d : *got) {
      delivery::message m = message_from_body(delivery::source_kind::queue, d_.source, std::move(d.msg.body));
      m.queue_id = d.msg.id;
      m.source_headers = std::move(d.msg.headers);
      m.source_message_id = d.msg.message_id;
      if (m.envelope_id.empty())
        m.envelope_id = d.msg.message_id.empty() ? d_.source + "-" + std::to_string(d.msg.id) : d.msg.message_id;
      held_[d.msg.id] = d.delivery_tag;
      sub.enqueue(std::move(m));
    }
    return got->size();
  }

  void done(const delivery::message& m) override {
    auto it = held_.find(m.queue_id);
    if (it == held_.end()) return;  // an injected duplicate, or redriven after its ack
    (void)b_.queues().ack(d_.source, it->second);
    held_.erase(it);
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    (void)b_.queues().cancel(d_.source, tag_);  // requeues what is unacked
    held_.clear();
  }

 private:
  core::broker& b_;
  definition d_;
  std::string tag_;
  bool closed_ = false;
  std::map<uint64_t, uint64_t> held_;  // message id -> delivery tag
};

}  // namespace

delivery::message message_from_body(delivery::source_kind kind, std::string source, std::string body) {
  delivery::message m;
  m.kind = kind;
  m.source = std::move(source);
  if (envelope_fields f; scan_envelope(body, f)) {
    m.envelope_id = std::move(f.id);
    m.type = std::move(f.type);
    m.trace_id = std::move(f.trace_id);
    m.key = std::move(f.partition_key);
    m.body = std::move(body);
    return m;
  }
  const json j = json::parse(body, nullptr, false);  // escapes, or not an object
  if (!j.is_discarded() && j.is_object()) {
    m.envelope_id = string_at(j, "id");
    m.type = string_at(j, "type");
    m.trace_id = string_at(j, "trace_id");
    if (auto md = j.find("metadata"); md != j.end() && md->is_object())
      if (auto key = string_at(*md, "partition_key"); !key.empty()) m.key = std::move(key);
  }
  m.body = std::move(body);
  return m;
}

core::result<std::unique_ptr<source>> open_source(core::broker& b, const definition& d) {
  if (d.kind == delivery::source_kind::queue) {
    if (!b.queues().queue_info(d.source))
      return core::fail(core::errc::not_found, "unknown queue '" + d.source + "'", {{"field", "queue"}});
    return std::make_unique<queue_source>(b, d);
  }
  if (!b.topics().exists(d.source))
    return core::fail(core::errc::not_found, "unknown topic '" + d.source + "'", {{"field", "topic"}});
  auto s = std::make_unique<topic_source>(b, d);
  if (auto ok = s->join(); !ok) return std::unexpected(ok.error());
  return s;
}

}  // namespace eventfabric::push
