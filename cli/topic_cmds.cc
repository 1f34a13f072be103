// Client commands for topics, like kcat: topics, produce, consume, tail.
#include <csignal>
#include <fstream>
#include <istream>
#include <ostream>
#include <thread>

#include "cli/client_util.h"

namespace eventfabric::cli {
namespace {

using json = nlohmann::json;
constexpr const char* kV2Json = "application/vnd.kafka.json.v2+json";
constexpr const char* kV2 = "application/vnd.kafka.v2+json";

volatile std::sig_atomic_t g_interrupted = 0;
void on_sigint(int) { g_interrupted = 1; }

struct produce_opts {
  std::string url, topic, file = "-", key;
  int partition = -1;
  std::size_t batch = 100;
};

// Produces JSON values read one per line; prints {"partition","offset"} per record.
int produce(const produce_opts& o, io streams) {
  auto c = connect_or_report(o.url, "produce", streams);
  if (!c) return 2;
  std::ifstream file;
  if (o.file != "-") {
    file.open(o.file);
    if (!file) {
      streams.err << "eventfabric produce: cannot read '" << o.file << "'\n";
      return 2;
    }
  }
  std::istream& in = o.file == "-" ? streams.in : file;
  const std::string target = o.partition >= 0 ? "/topics/" + o.topic + "/partitions/" + std::to_string(o.partition)
                                               : "/topics/" + o.topic;
  int exit_code = 0;
  std::size_t line_no = 0;
  json records = json::array();
  auto flush = [&]() -> bool {
    if (records.empty()) return true;
    auto r = call_json(*c, "produce", streams, exit_code, "POST", target, line(json{{"records", records}}), kV2Json);
    records = json::array();
    if (!r) return false;
    for (const auto& off : (*r)["offsets"]) streams.out << line({{"partition", off["partition"]}, {"offset", off["offset"]}}) << "\n";
    return true;
  };
  std::string text;
  while (std::getline(in, text)) {
    ++line_no;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json value = json::parse(text, nullptr, false);
    if (value.is_discarded()) {
      streams.err << "eventfabric produce: line " << line_no << " is not valid JSON\n";
      return 1;
    }
    json rec = {{"value", value}};
    if (!o.key.empty()) rec["key"] = o.key;
    records.push_back(std::move(rec));
    if (records.size() >= o.batch && !flush()) return exit_code;
  }
  if (!flush()) return exit_code;
  return 0;
}

struct consume_opts {
  std::string url, topic, group;
  bool from_beginning = false, follow = false, commit = true;
  int64_t max = -1;
  int timeout_ms = 1000;
};

// Through a consumer group (REST Proxy instance), or without one (tail).
int consume(const consume_opts& o, io streams) {
  auto c = connect_or_report(o.url, "consume", streams);
  if (!c) return 2;
  int exit_code = 0;
  const std::string instance = "cli-" + std::to_string(::getpid());
  json cfg = {{"name", instance}, {"auto.offset.reset", o.from_beginning ? "earliest" : "latest"},
              {"auto.commit.enable", "false"}};
  if (!call_json(*c, "consume", streams, exit_code, "POST", "/consumers/" + o.group, line(cfg), kV2)) return exit_code;
  const std::string base = "/consumers/" + o.group + "/instances/" + instance;
  int64_t printed = 0;
  if (call_json(*c, "consume", streams, exit_code, "POST", base + "/subscription", line({{"topics", {o.topic}}}), kV2)) {
    auto old = std::signal(SIGINT, on_sigint);
    while (!g_interrupted && (o.max < 0 || printed < o.max)) {
      auto recs = call_json(*c, "consume", streams, exit_code, "GET",
                            base + "/records?timeout=" + std::to_string(o.timeout_ms), "", "application/json",
                            long_poll_timeout(o.timeout_ms));
      if (!recs) break;
      for (const auto& r : *recs) {
        streams.out << line(r) << "\n";
        if (++printed == o.max) break;
      }
      streams.out.flush();
      if (o.commit && !recs->empty())
        if (!call_json(*c, "consume", streams, exit_code, "POST", base + "/offsets", "", kV2)) break;
      if (recs->empty() && !o.follow) break;
    }
    std::signal(SIGINT, old);
  }
  int ignored = 0;
  (void)call_json(*c, "consume", streams, ignored, "DELETE", base);
  return exit_code;
}

// Follows every partition without a group: nothing is consumed or committed.
int tail(const consume_opts& o, io streams) {
  auto c = connect_or_report(o.url, "tail", streams);
  if (!c) return 2;
  int exit_code = 0;
  auto topic = call_json(*c, "tail", streams, exit_code, "GET", "/admin/topics/" + o.topic);
  if (!topic) return exit_code;
  std::vector<int64_t> next;
  for (const auto& p : (*topic)["partition_info"])
    next.push_back(o.from_beginning ? p["log_start"].get<int64_t>() : p["high_watermark"].get<int64_t>());
  auto old = std::signal(SIGINT, on_sigint);
  int64_t printed = 0;
  while (!g_interrupted && (o.max < 0 || printed < o.max)) {
    bool any = false;
    for (std::size_t p = 0; p < next.size(); ++p) {
      auto r = call_json(*c, "tail", streams, exit_code, "GET",
                         "/admin/topics/" + o.topic + "/partitions/" + std::to_string(p) +
                             "/records?offset=" + std::to_string(next[p]) + "&max=500");
      if (!r) {
        std::signal(SIGINT, old);
        return exit_code;
      }
      for (auto rec : (*r)["records"]) {
        next[p] = rec["offset"].get<int64_t>() + 1;
        rec["partition"] = p;
        rec["topic"] = o.topic;
        streams.out << line(rec) << "\n";
        any = true;
        if (++printed == o.max) break;
      }
      if ((*r)["log_start"].get<int64_t>() > next[p]) next[p] = (*r)["log_start"].get<int64_t>();
    }
    streams.out.flush();
    if (!any) {
      if (!o.follow) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  std::signal(SIGINT, old);
  return exit_code;
}

void add_topics_admin(CLI::App& app, io streams, int& exit_code) {
  auto* topics = app.add_subcommand("topics", "List, create and delete topics on a running server.");
  auto url = std::make_shared<std::string>();
  add_url_option(topics, *url);
  topics->callback([topics, url, streams, &exit_code] {
    if (!topics->get_subcommands().empty()) return;
    auto c = connect_or_report(*url, "topics", streams);
    if (!c) {
      exit_code = 2;
      return;
    }
    if (auto list = call_json(*c, "topics", streams, exit_code, "GET", "/admin/topics"))
      for (const auto& t : *list) streams.out << line(t) << "\n";
  });
  auto* create = topics->add_subcommand("create", "Create a topic (idempotent when the configuration is the same).");
  auto cfg = std::make_shared<json>(json::object());
  auto name = std::make_shared<std::string>();
  auto partitions = std::make_shared<int>(1);
  auto retention_ms = std::make_shared<int64_t>(-1);
  auto retention_records = std::make_shared<int64_t>(-1);
  auto compact = std::make_shared<bool>(false);
  create->add_option("NAME", *name, "Topic name (domain.entity.event.vN)")->required();
  create->add_option("--partitions", *partitions, "Partition count")->capture_default_str();
  create->add_option("--retention-ms", *retention_ms, "Keep records this long (-1: forever)")->capture_default_str();
  create->add_option("--retention-records", *retention_records, "Keep at most this many per partition (-1: all)")->capture_default_str();
  create->add_flag("--compact", *compact, "Compact by key instead of deleting by retention");
  create->callback([=, &exit_code] {
    auto c = connect_or_report(*url, "topics create", streams);
    if (!c) {
      exit_code = 2;
      return;
    }
    json body = {{"name", *name}, {"partitions", *partitions}, {"retention_ms", *retention_ms},
                 {"retention_records", *retention_records}, {"cleanup_policy", *compact ? "compact" : "delete"}};
    if (auto r = call_json(*c, "topics create", streams, exit_code, "POST", "/admin/topics", line(body)))
      streams.out << line(*r) << "\n";
  });
  auto* del = topics->add_subcommand("delete", "Delete a topic and its records.");
  auto del_name = std::make_shared<std::string>();
  del->add_option("NAME", *del_name, "Topic name")->required();
  del->callback([=, &exit_code] {
    auto c = connect_or_report(*url, "topics delete", streams);
    if (!c) {
      exit_code = 2;
      return;
    }
    (void)call_json(*c, "topics delete", streams, exit_code, "DELETE", "/admin/topics/" + *del_name);
  });
}

}  // namespace

void add_topic_clients(CLI::App& app, io streams, int& exit_code) {
  add_topics_admin(app, streams, exit_code);

  auto po = std::make_shared<produce_opts>();
  auto* prod = app.add_subcommand("produce",
                                  "Produce JSON values, one per line, to a topic. Envelopes are validated and\n"
                                  "keyed by metadata.partition_key. Prints {\"partition\",\"offset\"} per record.");
  add_url_option(prod, po->url);
  prod->add_option("TOPIC", po->topic, "Topic")->required();
  prod->add_option("FILE", po->file, "JSON Lines file, or - for standard input")->capture_default_str();
  prod->add_option("--key", po->key, "Key for every record (default: the envelope's partition_key)");
  prod->add_option("--partition", po->partition, "Force a partition");
  prod->add_option("--batch", po->batch, "Records per request")->capture_default_str()->check(CLI::Range(1, 10000));
  prod->callback([po, streams, &exit_code] { exit_code = produce(*po, streams); });

  auto co = std::make_shared<consume_opts>();
  auto* cons = app.add_subcommand("consume",
                                  "Consume a topic through a consumer group, printing one JSON line per record\n"
                                  "and committing what was printed. Stops when caught up unless --follow.");
  add_url_option(cons, co->url);
  cons->add_option("TOPIC", co->topic, "Topic")->required();
  cons->add_option("--group", co->group, "Consumer group")->required();
  cons->add_flag("--from-beginning", co->from_beginning, "Start at the log start when the group has no commit");
  cons->add_flag("--follow,-f", co->follow, "Keep waiting for new records (Ctrl-C to stop)");
  cons->add_flag("!--no-commit", co->commit, "Do not commit offsets");
  cons->add_option("--max", co->max, "Stop after this many records");
  cons->add_option("--timeout-ms", co->timeout_ms, "Long-poll time per request")->capture_default_str();
  cons->callback([co, streams, &exit_code] { exit_code = consume(*co, streams); });

  auto to = std::make_shared<consume_opts>();
  auto* tl = app.add_subcommand("tail",
                                "Follow a topic without a consumer group (nothing is consumed or committed),\n"
                                "printing one JSON line per record. Ctrl-C to stop.");
  add_url_option(tl, to->url);
  tl->add_option("TOPIC", to->topic, "Topic")->required();
  tl->add_flag("--from-beginning", to->from_beginning, "Print what is already there first");
  tl->add_flag("!--no-follow", to->follow, "Stop when caught up");
  to->follow = true;
  tl->add_option("--max", to->max, "Stop after this many records");
  tl->callback([to, streams, &exit_code] { exit_code = tail(*to, streams); });
}

}  // namespace eventfabric::cli
