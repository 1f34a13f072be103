// eventfabric record: copies what topics and queues hold or receive into a
// fixture file without consuming or committing anything (GET
// /admin/topics/{t}/partitions/{p}/records and GET /queues/{q}/messages),
// redacting PII with the contracts' x-pii classification.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <thread>

#include "cli/client_util.h"
#include "cli/fixtures_cmds.h"
#include "emulator/fixtures/recorder.h"
#include "emulator/schema/contracts.h"

namespace eventfabric::cli {
namespace {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

volatile std::sig_atomic_t g_interrupted = 0;
void on_sigint(int) { g_interrupted = 1; }

struct record_opts {
  std::string url, out, contracts = "contracts", salt;
  std::vector<std::string> topics, queues;
  bool from_beginning = false, no_follow = false, keep_pii = false;
  int64_t count = -1;
  double duration = -1;
  int64_t max_per_request = 10'000;
};

struct partition_cursor {
  std::string topic;
  int32_t partition = 0;
  int64_t next = 0;
};

struct queue_cursor {
  std::string queue;
  uint64_t after = 0;  // the highest message id recorded (or skipped at the start)
};

std::string now_rfc3339() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string random_salt() {
  std::random_device rd;
  std::string s;
  for (int i = 0; i < 32; ++i) s.push_back(static_cast<char>(rd() & 0xFF));
  return s;
}

// The redactor (contracts) for this recording; nullptr with --keep-pii and no contracts.
std::optional<std::shared_ptr<const fixtures::redactor>> load_schemas(const record_opts& o, io s) {
  auto c = schema::load_contracts(o.contracts);
  if (!c) {
    if (o.keep_pii) return std::shared_ptr<const fixtures::redactor>();
    s.err << "eventfabric record: PII redaction needs the contracts (" << c.error().message
          << "); give --contracts DIR, or --keep-pii to record personal data as it is\n";
    return std::nullopt;
  }
  auto shared = std::make_shared<const schema::contracts>(std::move(*c));
  return std::make_shared<const fixtures::redactor>(shared, o.salt.empty() ? random_salt() : o.salt);
}

class session {
 public:
  // `ahead` (may be null): a second connection to fetch the next page on while this one is written.
  session(const record_opts& o, io s, http_connection& c, http_connection* ahead, fixtures::recorder& rec,
          std::ofstream& out)
      : o_(o), s_(s), c_(c), ahead_(ahead), rec_(rec), out_(out), progress_(s, "record") {}

  // Positions every topic partition and queue; false (with a message) when one is unknown.
  bool start() {
    for (const auto& t : o_.topics) {
      auto info = call_json(c_, "record", s_, exit_code, "GET", "/admin/topics/" + t);
      if (!info) return false;
      for (const auto& p : (*info)["partition_info"])
        cursors_.push_back({t, p["partition"].get<int32_t>(),
                            (o_.from_beginning ? p["log_start"] : p["high_watermark"]).get<int64_t>()});
    }
    for (const auto& q : o_.queues) {
      if (!call_json(c_, "record", s_, exit_code, "GET", "/queues/" + q)) return false;
      queue_cursor qc{q, 0};
      // Without --from-beginning, skip what the queue holds now: page to its end.
      for (bool more = !o_.from_beginning; more;) {
        auto held = peek(q, qc.after);
        if (!held) return false;
        more = !held->empty();
        for (const auto& m : *held) qc.after = std::max(qc.after, m["id"].get<uint64_t>());
      }
      queues_.push_back(qc);
    }
    return true;
  }

  // Polls until --count, --duration, Ctrl-C, or (with --no-follow) caught up.
  void run() {
    const auto deadline = o_.duration >= 0 ? steady::now() + std::chrono::milliseconds(static_cast<int64_t>(o_.duration * 1000))
                                           : steady::time_point::max();
    while (!done() && steady::now() < deadline) {
      bool any = false;
      for (std::size_t i = 0; i < cursors_.size(); ++i) {
        if (done() || !poll(i, any)) return;
      }
      for (auto& q : queues_) {
        if (done() || !poll(q, any)) return;
      }
      progress_.tick(rec_.recorded(), o_.count > 0 ? static_cast<std::size_t>(o_.count) : 0);
      if (!any) {
        if (o_.no_follow) return;
        for (int i = 0; i < 5 && !g_interrupted && steady::now() < deadline; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }

  void finish() { progress_.finish(); }

  int exit_code = 0;
  std::size_t gaps = 0;  // records dropped by retention before they were read

 private:
  bool done() const { return g_interrupted || (o_.count >= 0 && static_cast<int64_t>(rec_.recorded()) >= o_.count); }

  int64_t room() const {
    if (o_.count < 0) return o_.max_per_request;
    return std::clamp<int64_t>(o_.count - static_cast<int64_t>(rec_.recorded()), 1, o_.max_per_request);
  }

  void write(const std::optional<std::string>& line) {
    if (!line) return;
    out_ << *line << '\n';
  }

  std::string records_target(const partition_cursor& cur) const {
    return "/admin/topics/" + cur.topic + "/partitions/" + std::to_string(cur.partition) +
           "/records?offset=" + std::to_string(cur.next) + "&max=" + std::to_string(room());
  }

  // The page of cursor `i`: fetched ahead while the one before it was written, or now.
  std::optional<std::string> page(std::size_t i) {
    if (ahead_page_.valid()) {
      auto r = ahead_page_.get();
      if (ahead_for_ == i && ahead_offset_ == cursors_[i].next) return text_of(std::move(r), "record", s_, exit_code);
    }
    return call_text(c_, "record", s_, exit_code, "GET", records_target(cursors_[i]));
  }

  // While catching up on topics only, fetch the next cursor's page on the
  // second connection while this one is written (the server and the
  // recorder then work at the same time).
  void fetch_ahead(std::size_t i) {
    if (!ahead_ || !queues_.empty() || done()) return;
    const std::size_t next = (i + 1) % cursors_.size();
    ahead_for_ = next;
    ahead_offset_ = cursors_[next].next;
    ahead_page_ = std::async(std::launch::async, [c = ahead_, target = records_target(cursors_[next])] {
      return c->call("GET", target);
    });
  }

  bool poll(std::size_t i, bool& any) {
    partition_cursor& cur = cursors_[i];
    auto body = page(i);
    if (!body) return false;
    // Scanned without a DOM when the page has its usual shape; parsed otherwise.
    if (auto pg = fixtures::scan_records_page(*body)) {
      skip_gap(cur, pg->log_start);
      if (!pg->records.empty()) {
        cur.next = pg->records.back().offset + 1;  // as after writing them all
        fetch_ahead(i);
      }
      for (auto& item : pg->records) {
        cur.next = item.offset + 1;
        write(rec_.topic_record_item(item, cur.topic, cur.partition));
        any = true;
        if (done()) break;
      }
    } else {
      json r = json::parse(*body, nullptr, false);
      if (!r.is_object()) r = json::object();
      skip_gap(cur, r.value("log_start", int64_t{0}));
      for (auto& rec : r.value("records", json::array())) {
        cur.next = rec["offset"].get<int64_t>() + 1;
        write(rec_.topic_record(rec, cur.topic, cur.partition));
        any = true;
        if (done()) break;
      }
    }
    out_.flush();
    return true;
  }

  void skip_gap(partition_cursor& cur, int64_t log_start) {
    if (log_start > cur.next) {
      gaps += static_cast<std::size_t>(log_start - cur.next);
      cur.next = log_start;
    }
  }

  // The next page of what the queue holds (ready, unacked or dead) with ids
  // above `after`, in id order: a message a consumer holds unacked is still
  // recorded, and priorities cannot reorder a page past the cursor.
  std::optional<json> peek(const std::string& q, uint64_t after) {
    return call_json(c_, "record", s_, exit_code, "GET",
                     "/queues/" + q + "/messages?held=all&max=" + std::to_string(o_.max_per_request) +
                         "&after=" + std::to_string(after));
  }

  bool poll(queue_cursor& q, bool& any) {
    auto held = peek(q.queue, q.after);
    if (!held) return false;
    for (auto& m : *held) {
      const uint64_t id = m["id"].get<uint64_t>();
      if (id <= q.after) continue;
      q.after = id;
      write(rec_.queue_message(m, q.queue));
      any = true;
      if (done()) break;
    }
    out_.flush();
    return true;
  }

  const record_opts& o_;
  io s_;
  http_connection& c_;
  http_connection* ahead_;
  std::future<core::result<http_result>> ahead_page_;  // the next page, when fetched ahead
  std::size_t ahead_for_ = 0;
  int64_t ahead_offset_ = 0;
  fixtures::recorder& rec_;
  std::ofstream& out_;
  progress progress_;
  std::vector<partition_cursor> cursors_;
  std::vector<queue_cursor> queues_;
};

// Writes `head` then the whole of `body` into a new file `to`. The lines are
// copied inside the kernel (copy_file_range), not through this process;
// false on any failure.
bool write_with_header(const fs::path& to, const std::string& head, const fs::path& body) {
  const int in = ::open(body.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return false;
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    ::close(in);
    return false;
  }
  bool ok = true;
  for (std::string_view rest = head; ok && !rest.empty();) {
    const ssize_t n = ::write(out, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) rest.remove_prefix(static_cast<std::size_t>(n));
  }
  while (ok) {
    const ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, std::size_t{1} << 30, 0);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
  }
  ::close(in);
  return ::close(out) == 0 && ok;
}

// Writes OUT = header + the lines recorded in PARTIAL, then removes PARTIAL.
bool finish_file(const record_opts& o, const fs::path& partial, const fixtures::header& h, io s) {
  const fs::path tmp = o.out + ".tmp";
  if (!write_with_header(tmp, fixtures::header_line(h) + '\n', partial)) {
    s.err << "eventfabric record: cannot write " << tmp.string() << "\n";
    return false;
  }
  std::error_code ec;
  fs::rename(tmp, o.out, ec);
  if (ec) {
    s.err << "eventfabric record: cannot move " << tmp.string() << " to " << o.out << ": " << ec.message() << "\n";
    return false;
  }
  fs::remove(partial, ec);
  return true;
}

int record(const record_opts& o, io s) {
  if (o.topics.empty() && o.queues.empty()) {
    s.err << "eventfabric record: name at least one --topic or --queue\n";
    return 2;
  }
  auto schemas = load_schemas(o, s);
  if (!schemas) return 2;
  if (o.keep_pii)
    s.err << "eventfabric record: warning: --keep-pii: personal data is written to " << o.out
          << " as it is; do not commit or share this file\n";
  auto c = connect_or_report(o.url, "record", s);
  if (!c) return 2;
  const fs::path partial = o.out + ".partial";
  std::vector<char> out_buffer(std::size_t{1} << 20);  // few large writes instead of many 8 KiB ones
  std::ofstream out;
  out.rdbuf()->pubsetbuf(out_buffer.data(), static_cast<std::streamsize>(out_buffer.size()));
  out.open(partial, std::ios::binary | std::ios::trunc);
  if (!out) {
    s.err << "eventfabric record: cannot write " << partial.string() << "\n";
    return 2;
  }
  fixtures::recorder rec(*schemas, !o.keep_pii);
  auto ahead = http_connection::open(o.url);  // optional: without it, pages are fetched in turn
  session sess(o, s, *c, ahead ? ahead->get() : nullptr, rec, out);
  const std::string started = now_rfc3339();
  g_interrupted = 0;
  auto old = std::signal(SIGINT, on_sigint);
  const bool started_ok = sess.start();
  if (started_ok) sess.run();
  std::signal(SIGINT, old);
  sess.finish();
  out.close();
  if (!started_ok) {  // an unknown topic or queue: no file at all
    std::error_code ec;
    fs::remove(partial, ec);
    return sess.exit_code;
  }
  if (!finish_file(o, partial, rec.make_header(started, o.url), s)) return 2;
  s.err << "eventfabric record: " << rec.recorded() << " messages written to " << o.out
        << (g_interrupted ? " (interrupted)" : "") << "\n";
  for (const auto& [why, n] : rec.skipped()) s.err << "eventfabric record: skipped " << n << ": " << why << "\n";
  if (sess.gaps) s.err << "eventfabric record: " << sess.gaps << " records were removed by retention before they could be read\n";
  return sess.exit_code;
}

}  // namespace

void progress::tick(std::size_t done, std::size_t total) {
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now().time_since_epoch()).count();
  if (start_ms_ < 0) start_ms_ = last_ms_ = now;
  if (now - last_ms_ < 1000) return;
  last_ms_ = now;
  const double rate = static_cast<double>(done) * 1000.0 / static_cast<double>(std::max(1LL, now - start_ms_));
  streams_.err << "\r" << command_ << ": " << done;
  if (total) streams_.err << "/" << total;
  streams_.err << " messages (" << static_cast<long long>(rate) << "/s)" << std::flush;
  printed_ = true;
}

void progress::finish() {
  if (printed_) streams_.err << "\n";
  printed_ = false;
}

void add_record(CLI::App& app, io streams, int& exit_code) {
  auto o = std::make_shared<record_opts>();
  auto* cmd = app.add_subcommand(
      "record",
      "Record what topics and queues hold or receive into a fixture file, without consuming\n"
      "or committing anything. PII (x-pii: true in the contracts) is redacted with salt-keyed,\n"
      "format-keeping pseudonyms. Stops at --count, after --duration, on Ctrl-C, or (--no-follow)\n"
      "when caught up; the file is always complete and valid.");
  add_url_option(cmd, o->url);
  cmd->add_option("--out,-o", o->out, "Fixture file to write (JSON Lines)")->required();
  cmd->add_option("--topic", o->topics, "Topic to record (repeatable)");
  cmd->add_option("--queue", o->queues, "Queue to record (repeatable; peeks, consumes nothing)");
  cmd->add_flag("--from-beginning", o->from_beginning, "Start with what is already held (default: only new messages)");
  auto* count = cmd->add_option("--count", o->count, "Stop after this many messages")->check(CLI::NonNegativeNumber);
  cmd->add_option("--duration", o->duration, "Stop after this many seconds")->check(CLI::NonNegativeNumber)->excludes(count);
  cmd->add_flag("--no-follow", o->no_follow, "Stop when caught up");
  cmd->add_flag("--keep-pii", o->keep_pii, "Do not redact personal data (prints a warning)");
  cmd->add_option("--contracts", o->contracts, "Contracts folder with the x-pii classification")->capture_default_str();
  cmd->add_option("--salt", o->salt, "Pseudonym key (default: random per recording; the same salt gives the same pseudonyms)");
  cmd->add_option("--max-per-request", o->max_per_request, "Records per read")->capture_default_str()->check(CLI::Range(1, 10'000));
  cmd->callback([o, streams, &exit_code] { exit_code = record(*o, streams); });
}

}  // namespace eventfabric::cli
