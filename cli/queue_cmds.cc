// Client commands for queues: queues, publish, receive.
#include <fstream>
#include <istream>
#include <ostream>

#include "cli/client_util.h"

namespace eventfabric::cli {
namespace {

using json = nlohmann::json;

struct publish_opts {
  std::string url, queue, exchange, routing_key, file = "-";
  int priority = 0;
};

// Publishes each line as one message (JSON bodies stay JSON, other text is a string).
int publish(const publish_opts& o, io streams) {
  if (o.queue.empty() == o.exchange.empty()) {
    streams.err << "eventfabric publish: give either QUEUE or --exchange (with --routing-key)\n";
    return 2;
  }
  auto c = connect_or_report(o.url, "publish", streams);
  if (!c) return 2;
  std::ifstream file;
  if (o.file != "-") {
    file.open(o.file);
    if (!file) {
      streams.err << "eventfabric publish: cannot read '" << o.file << "'\n";
      return 2;
    }
  }
  std::istream& in = o.file == "-" ? streams.in : file;
  const std::string target = o.queue.empty() ? "/exchanges/" + o.exchange + "/publish" : "/queues/" + o.queue + "/messages";
  int exit_code = 0;
  std::string text;
  while (std::getline(in, text)) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json body = json::parse(text, nullptr, false);
    json msg = {{"body", body.is_discarded() ? json(text) : body}, {"priority", o.priority}};
    if (!o.routing_key.empty()) msg["routing_key"] = o.routing_key;
    auto r = call_json(*c, "publish", streams, exit_code, "POST", target, line(msg));
    if (!r) return exit_code;
    streams.out << line(*r) << "\n";
  }
  return 0;
}

struct receive_opts {
  std::string url, queue, settle = "ack", consumer = "cli";
  int max = 1, wait_ms = 0;
  int64_t lease_ms = 30'000;
};

int receive(const receive_opts& o, io streams) {
  auto c = connect_or_report(o.url, "receive", streams);
  if (!c) return 2;
  int exit_code = 0;
  json req = {{"max", o.max}, {"timeout_ms", o.wait_ms}, {"lease_ms", o.lease_ms}, {"consumer", o.consumer}};
  auto got = call_json(*c, "receive", streams, exit_code, "POST", "/queues/" + o.queue + "/receive", line(req),
                       "application/json", long_poll_timeout(o.wait_ms));
  if (!got) return exit_code;
  for (const auto& d : *got) {
    streams.out << line(d) << "\n";
    if (o.settle == "none") continue;
    json body = {{"delivery_tag", d["delivery_tag"]}};
    if (o.settle == "nack") body["requeue"] = true;
    if (!call_json(*c, "receive", streams, exit_code, "POST", "/queues/" + o.queue + "/" + o.settle, line(body)))
      return exit_code;
  }
  return 0;
}

void add_queues_admin(CLI::App& app, io streams, int& exit_code) {
  auto* queues = app.add_subcommand("queues", "List, declare, purge and delete queues on a running server.");
  auto url = std::make_shared<std::string>();
  add_url_option(queues, *url);
  queues->callback([queues, url, streams, &exit_code] {
    if (!queues->get_subcommands().empty()) return;
    auto c = connect_or_report(*url, "queues", streams);
    if (!c) {
      exit_code = 2;
      return;
    }
    if (auto list = call_json(*c, "queues", streams, exit_code, "GET", "/queues"))
      for (const auto& q : *list) streams.out << line(q) << "\n";
  });
  auto* declare = queues->add_subcommand("declare", "Declare a queue (idempotent when the arguments are the same).");
  auto name = std::make_shared<std::string>();
  auto args = std::make_shared<json>(json::object());
  auto ttl = std::make_shared<int64_t>(-1), max_length = std::make_shared<int64_t>(-1);
  auto max_priority = std::make_shared<int>(0), delivery_limit = std::make_shared<int>(-1);
  auto overflow = std::make_shared<std::string>(), dlx = std::make_shared<std::string>(), dlrk = std::make_shared<std::string>();
  declare->add_option("NAME", *name, "Queue name (service.action.priority)")->required();
  declare->add_option("--message-ttl-ms", *ttl, "Per-queue message TTL");
  declare->add_option("--max-length", *max_length, "Most ready messages");
  declare->add_option("--overflow", *overflow, "drop-head or reject-publish")->check(CLI::IsMember({"drop-head", "reject-publish"}));
  declare->add_option("--max-priority", *max_priority, "Enable priorities 0..N")->check(CLI::Range(1, 255));
  declare->add_option("--delivery-limit", *delivery_limit, "Dead-letter after this many deliveries");
  declare->add_option("--dead-letter-exchange", *dlx, "Exchange that receives dead letters");
  declare->add_option("--dead-letter-routing-key", *dlrk, "Routing key for dead letters");
  declare->callback([=, &exit_code] {
    json body = json::object();
    if (*ttl >= 0) body["message_ttl_ms"] = *ttl;
    if (*max_length >= 0) body["max_length"] = *max_length;
    if (!overflow->empty()) body["overflow"] = *overflow;
    if (*max_priority > 0) body["max_priority"] = *max_priority;
    if (*delivery_limit >= 0) body["delivery_limit"] = *delivery_limit;
    if (!dlx->empty()) body["dead_letter_exchange"] = *dlx;
    if (!dlrk->empty()) body["dead_letter_routing_key"] = *dlrk;
    auto c = connect_or_report(*url, "queues declare", streams);
    if (!c) {
      exit_code = 2;
      return;
    }
    if (auto r = call_json(*c, "queues declare", streams, exit_code, "PUT", "/queues/" + *name, line(body)))
      streams.out << line(*r) << "\n";
  });
  for (const char* verb : {"purge", "delete"}) {
    auto* cmd = queues->add_subcommand(verb, std::string(verb) == "purge" ? "Remove every ready message." : "Delete a queue.");
    auto qname = std::make_shared<std::string>();
    cmd->add_option("NAME", *qname, "Queue name")->required();
    cmd->callback([=, v = std::string(verb), &exit_code] {
      auto c = connect_or_report(*url, "queues", streams);
      if (!c) {
        exit_code = 2;
        return;
      }
      auto r = v == "purge" ? call_json(*c, "queues purge", streams, exit_code, "POST", "/queues/" + *qname + "/purge")
                            : call_json(*c, "queues delete", streams, exit_code, "DELETE", "/queues/" + *qname);
      if (r && v == "purge") streams.out << line(*r) << "\n";
    });
  }
}

}  // namespace

void add_queue_clients(CLI::App& app, io streams, int& exit_code) {
  add_queues_admin(app, streams, exit_code);

  auto po = std::make_shared<publish_opts>();
  auto* pub = app.add_subcommand("publish",
                                 "Publish one message per input line to a queue (default exchange) or to an\n"
                                 "exchange with a routing key. JSON lines stay JSON; other lines are strings.");
  add_url_option(pub, po->url);
  pub->add_option("QUEUE", po->queue, "Queue (omit with --exchange)");
  pub->add_option("--exchange", po->exchange, "Exchange to publish to");
  pub->add_option("--routing-key", po->routing_key, "Routing key (with --exchange)");
  pub->add_option("--file", po->file, "Input file, or - for standard input")->capture_default_str();
  pub->add_option("--priority", po->priority, "Message priority")->check(CLI::Range(0, 255));
  pub->callback([po, streams, &exit_code] { exit_code = publish(*po, streams); });

  auto ro = std::make_shared<receive_opts>();
  auto* rcv = app.add_subcommand("receive",
                                 "Receive messages from a queue, print one JSON line per delivery, and settle\n"
                                 "each one (ack by default).");
  add_url_option(rcv, ro->url);
  rcv->add_option("QUEUE", ro->queue, "Queue")->required();
  rcv->add_option("--max", ro->max, "Most messages")->capture_default_str()->check(CLI::Range(1, 10000));
  rcv->add_option("--wait-ms", ro->wait_ms, "Long-poll this long when the queue is empty")->capture_default_str();
  rcv->add_option("--lease-ms", ro->lease_ms, "Unsettled messages return to the queue after this")->capture_default_str();
  rcv->add_option("--settle", ro->settle, "ack, nack (requeue), reject (dead-letter) or none")
      ->capture_default_str()
      ->check(CLI::IsMember({"ack", "nack", "reject", "none"}));
  rcv->add_option("--consumer", ro->consumer, "Consumer tag")->capture_default_str();
  rcv->callback([ro, streams, &exit_code] { exit_code = receive(*ro, streams); });
}

}  // namespace eventfabric::cli
