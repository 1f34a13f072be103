// eventfabric replay: publishes fixture files into a running emulator, topic
// messages in REST-proxy produce batches and queue messages one by one,
// keeping the order per partition and per queue and the recorded timing
// scaled by --speed. Every file is validated first: one bad line and nothing
// is replayed, unless --continue-on-error.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include "cli/client_util.h"
#include "cli/fixtures_cmds.h"
#include "emulator/fixtures/replay_plan.h"

namespace eventfabric::cli {
namespace {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;
constexpr const char* kV2Json = "application/vnd.kafka.json.v2+json";

volatile std::sig_atomic_t g_interrupted = 0;
void on_sigint(int) { g_interrupted = 1; }

struct replay_opts {
  std::vector<std::string> files, map_topic, only_type;
  std::string url;
  double speed = 1.0;
  bool max_speed = false, dry_run = false, continue_on_error = false, by_key = false, no_create = false;
  std::size_t batch = 500;
};

// FILE:LINE of a message, for errors after validation.
struct locator {
  const std::vector<fixtures::fixture>& files;
  std::string operator()(const fixtures::message* m) const {
    for (const auto& f : files)
      if (!f.messages.empty() && m >= &f.messages.front() && m <= &f.messages.back())
        return f.name + ":" + std::to_string(m->line);
    return "?";
  }
};

// Topics and queues exist (created unless --no-create) with enough partitions.
bool prepare(http_connection& c, const fixtures::replay_plan& plan, const replay_opts& o, io s, int& exit_code) {
  for (const auto& [topic, needed] : plan.topics) {
    auto r = c.call("GET", "/admin/topics/" + topic);
    if (!r) {
      s.err << "eventfabric replay: " << r.error().message << "\n";
      exit_code = 2;
      return false;
    }
    if (r->status == 404 && !o.no_create) {
      json body = {{"name", topic}, {"partitions", needed}};
      if (!call_json(c, "replay", s, exit_code, "POST", "/admin/topics", line(body))) return false;
      s.err << "eventfabric replay: created topic " << topic << " with " << needed << " partition(s)\n";
      continue;
    }
    if (r->status != 200) {
      s.err << "eventfabric replay: topic " << topic << ": HTTP " << r->status << " " << r->body << "\n";
      exit_code = r->status < 500 ? 1 : 2;
      return false;
    }
    const auto have = json::parse(r->body, nullptr, false).value("partitions", 0);
    if (!o.by_key && have < needed) {
      s.err << "eventfabric replay: topic " << topic << " has " << have << " partition(s) but the fixture uses partition "
            << needed - 1 << "; nothing was replayed (--by-key lets the server partition by key)\n";
      exit_code = 1;
      return false;
    }
  }
  for (const auto& [queue, n] : plan.per_queue) {
    auto r = c.call("GET", "/queues/" + queue);
    if (!r) {
      s.err << "eventfabric replay: " << r.error().message << "\n";
      exit_code = 2;
      return false;
    }
    if (r->status == 404 && !o.no_create) {
      if (!call_json(c, "replay", s, exit_code, "PUT", "/queues/" + queue, "{}")) return false;
      s.err << "eventfabric replay: created queue " << queue << "\n";
    } else if (r->status != 200) {
      s.err << "eventfabric replay: queue " << queue << ": HTTP " << r->status << " " << r->body << "\n";
      exit_code = r->status < 500 ? 1 : 2;
      return false;
    }
  }
  return true;
}

// Sends one step; on an error names the message at fault.
bool send(http_connection& c, const fixtures::replay_step& step, const replay_opts& o, const locator& where, io s) {
  auto r = step.topic ? c.call("POST", "/topics/" + *step.topic, fixtures::produce_body(step, o.by_key), kV2Json)
                      : c.call("POST", "/queues/" + *step.queue + "/messages", fixtures::publish_body(*step.messages[0]));
  if (!r) {
    s.err << "eventfabric replay: " << r.error().message << "\n";
    return false;
  }
  if (r->status >= 200 && r->status < 300) return true;
  const json j = json::parse(r->body, nullptr, false);
  std::size_t index = 0;
  std::string message = r->body;
  if (!j.is_discarded() && j.contains("error") && j["error"].is_object()) {
    const json& e = j["error"];
    message = e.value("code", "") + ": " + e.value("message", "");
    if (e.contains("details") && e["details"].is_object() && e["details"].contains("index"))
      index = std::stoul(e["details"]["index"].get<std::string>());
  }
  s.err << "eventfabric replay: " << where(step.messages[std::min(index, step.messages.size() - 1)]) << ": HTTP "
        << r->status << " " << message << "\n";
  return false;
}

// Topic batches on two connections at once: partition p always on lane
// p % 2, each lane in order, so the order per partition holds while the
// server takes one batch and the next is being sent. The calling thread
// sends lane 0; a helper thread sends lane 1 (at most two batches queued).
class two_lanes {
 public:
  two_lanes(http_connection& first, std::unique_ptr<http_connection> second, const replay_opts& o, const locator& where,
            io s)
      : first_(first), second_(std::move(second)), o_(o), where_(where), s_(s), helper_([this] { run(); }) {}
  ~two_lanes() { finish(); }

  // Sends `step`'s lane-0 part now and queues its lane-1 part; false once a
  // refusal stops the replay (unless --continue-on-error).
  bool send(const fixtures::replay_step& step) {
    fixtures::replay_step part[2] = {step, step};
    for (int lane = 0; lane < 2; ++lane)
      std::erase_if(part[lane].messages, [&](const fixtures::message* m) { return *m->partition % 2 != lane; });
    if (!part[1].messages.empty()) {
      std::unique_lock lock(mu_);
      room_.wait(lock, [&] { return queue_.size() < 2; });
      queue_.push_back(std::move(part[1]));
      ready_.notify_one();
    }
    if (!part[0].messages.empty()) deliver(first_, part[0]);
    return !stop_;
  }

  void finish() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    ready_.notify_one();
    if (helper_.joinable()) helper_.join();
  }

  std::atomic<std::size_t> sent{0}, failed{0};

 private:
  void run() {
    for (;;) {
      fixtures::replay_step step;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) return;
        step = std::move(queue_.front());
        queue_.pop_front();
      }
      room_.notify_one();
      deliver(*second_, step);
    }
  }

  void deliver(http_connection& c, const fixtures::replay_step& step) {
    if (stop_ || g_interrupted) return;
    std::ostringstream err;
    std::istringstream in;
    if (::eventfabric::cli::send(c, step, o_, where_, {in, err, err})) {
      sent += step.messages.size();
      return;
    }
    failed += step.messages.size();
    if (!o_.continue_on_error) stop_ = true;
    std::lock_guard lock(err_mu_);
    s_.err << err.str();
  }

  http_connection& first_;
  std::unique_ptr<http_connection> second_;
  const replay_opts& o_;
  const locator& where_;
  io s_;
  std::mutex mu_, err_mu_;
  std::condition_variable ready_, room_;
  std::deque<fixtures::replay_step> queue_;
  bool closed_ = false;
  std::atomic<bool> stop_{false};
  std::thread helper_;
};

// Two lanes need unlimited speed, recorded partitions on every message, and
// no queue messages (those are sent one by one in file order).
bool lanes_fit(const fixtures::replay_plan& plan, const fixtures::replay_options& ro, const replay_opts& o) {
  if (ro.speed || o.by_key || !plan.per_queue.empty()) return false;
  for (const auto& step : plan.steps)
    for (const auto* m : step.messages)
      if (!m->partition) return false;
  return true;
}

int replay(const replay_opts& o, io s) {
  fixtures::replay_options ro;
  ro.max_batch = o.batch;
  if (!o.max_speed) ro.speed = o.speed;
  else ro.speed.reset();
  for (const auto& m : o.map_topic) {
    auto kv = fixtures::parse_mapping(m);
    if (!kv) {
      s.err << "eventfabric replay: --map-topic wants OLD=NEW, got '" << m << "'\n";
      return 2;
    }
    ro.map_topic.insert(*kv);
  }
  ro.only_types.insert(o.only_type.begin(), o.only_type.end());

  // 1. Validate everything before sending anything.
  std::vector<fixtures::fixture> files;
  std::size_t bad = 0;
  for (const auto& path : o.files) {
    auto r = fixtures::read_file_all(path);
    for (const auto& e : r.errors) {
      s.err << "eventfabric replay: " << e.message << "\n";
      if (e.code == core::errc::not_found || e.code == core::errc::storage_error) return 2;
    }
    bad += r.errors.size();
    files.push_back(std::move(r.value));
  }
  if (bad && !o.continue_on_error) {
    s.err << "eventfabric replay: " << bad << " bad line(s); nothing was replayed (--continue-on-error replays the valid lines)\n";
    return 1;
  }
  std::vector<const fixtures::fixture*> ptrs;
  for (const auto& f : files) ptrs.push_back(&f);
  const auto plan = fixtures::plan_replay(ptrs, ro);
  const locator where{files};

  if (o.dry_run) {
    for (const auto& [t, n] : plan.per_topic) s.out << "topic " << t << ": " << n << "\n";
    for (const auto& [q, n] : plan.per_queue) s.out << "queue " << q << ": " << n << "\n";
    s.out << "would replay " << plan.messages << " message(s) in " << plan.steps.size() << " request(s)";
    if (ro.speed && !plan.steps.empty()) s.out << " over " << plan.steps.back().at_ms / 1000.0 << " s";
    s.out << (plan.skipped_by_type ? ", " + std::to_string(plan.skipped_by_type) + " left out by --only-type" : "") << "\n";
    return bad ? 1 : 0;
  }

  // 2. Destinations, then the steps in order.
  auto c = connect_or_report(o.url, "replay", s);
  if (!c) return 2;
  int exit_code = 0;
  if (!prepare(*c, plan, o, s, exit_code)) return exit_code;
  progress prog(s, "replay");
  std::size_t sent = 0, failed = 0;
  g_interrupted = 0;
  auto old = std::signal(SIGINT, on_sigint);
  const auto start = steady::now();
  std::unique_ptr<http_connection> second;
  if (lanes_fit(plan, ro, o))
    if (auto c2 = http_connection::open(o.url)) second = std::move(*c2);
  if (second) {
    two_lanes lanes(*c, std::move(second), o, where, s);
    for (const auto& step : plan.steps) {
      if (g_interrupted || !lanes.send(step)) break;
      prog.tick(lanes.sent, plan.messages);
    }
    lanes.finish();
    sent = lanes.sent;
    failed = lanes.failed;
  } else {
    for (const auto& step : plan.steps) {
      if (ro.speed) {
        const auto due = start + std::chrono::milliseconds(step.at_ms);
        while (!g_interrupted && steady::now() < due)
          std::this_thread::sleep_for(std::min<steady::duration>(due - steady::now(), std::chrono::milliseconds(50)));
      }
      if (g_interrupted) break;
      if (send(*c, step, o, where, s)) {
        sent += step.messages.size();
      } else {
        failed += step.messages.size();
        if (!o.continue_on_error) break;
      }
      prog.tick(sent, plan.messages);
    }
  }
  std::signal(SIGINT, old);
  const double secs = std::chrono::duration<double>(steady::now() - start).count();
  prog.finish();
  std::string parts;
  for (const auto& [t, n] : plan.per_topic) parts += (parts.empty() ? ": " : ", ") + t + " " + std::to_string(n);
  for (const auto& [q, n] : plan.per_queue) parts += (parts.empty() ? ": " : ", ") + q + " " + std::to_string(n);
  s.out << "replayed " << sent << " of " << plan.messages << " message(s)" << parts;
  s.out << " in " << secs << " s" << (g_interrupted ? " (interrupted)" : "") << "\n";
  if (failed) s.err << "eventfabric replay: " << failed << " message(s) were refused\n";
  return (failed || bad || g_interrupted) ? 1 : 0;
}

}  // namespace

void add_replay(CLI::App& app, io streams, int& exit_code) {
  auto o = std::make_shared<replay_opts>();
  auto* cmd = app.add_subcommand(
      "replay",
      "Publish fixture files into a running emulator: topics through REST-proxy produce\n"
      "batches, queues through publish, in file order per partition and per queue, with\n"
      "the recorded timing scaled by --speed. Every file is checked first; a bad line means\n"
      "nothing is replayed unless --continue-on-error. Missing topics and queues are created.");
  cmd->add_option("FILE", o->files, "Fixture files, replayed one after another")->required()->check(CLI::ExistingFile);
  add_url_option(cmd, o->url);
  auto* speed = cmd->add_option("--speed", o->speed, "Timing factor: 2 is twice as fast as recorded")
                    ->capture_default_str()
                    ->check(CLI::PositiveNumber);
  cmd->add_flag("--max-speed", o->max_speed, "Ignore the recorded timing")->excludes(speed);
  cmd->add_option("--map-topic", o->map_topic, "Publish topic OLD as NEW (OLD=NEW, repeatable)");
  cmd->add_option("--only-type", o->only_type, "Replay only this event type (repeatable)");
  cmd->add_flag("--dry-run", o->dry_run, "Validate and print what would be sent; send nothing");
  cmd->add_flag("--continue-on-error", o->continue_on_error, "Skip bad lines and refused messages instead of stopping");
  cmd->add_flag("--by-key", o->by_key, "Let the server partition by key instead of using the recorded partitions");
  cmd->add_flag("--no-create", o->no_create, "Do not create missing topics and queues");
  cmd->add_option("--batch", o->batch, "Records per produce request")->capture_default_str()->check(CLI::Range(1, 10'000));
  cmd->callback([o, streams, &exit_code] { exit_code = replay(*o, streams); });
}

}  // namespace eventfabric::cli
