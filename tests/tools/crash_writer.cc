// ef_crash_writer DATA_DIR DURABILITY
// The child of the crash test: recovers a broker from DATA_DIR, then loops
// forever producing to a topic and publishing to a queue, consuming and
// acking some queue messages, and syncing. It reports on stdout, one line
// per iteration:
//   "recv <seq>..."            before sync: queue messages it is about to ack
//   "ack <last_seq> <seq>..."  after sync: everything up to last_seq is durable,
//                              and the listed queue messages are durably acked
// The parent SIGKILLs it at random moments and checks the store.
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <string>

#include "emulator/core/broker.h"
#include "emulator/store/store.h"

using namespace eventfabric;

namespace {
constexpr const char* kTopic = "crash.record.written.v1";
constexpr const char* kQueue = "crash.test.normal";

int64_t next_seq(core::broker& b) {
  int64_t next = 0;
  for (int32_t p = 0; p < 3; ++p) {
    auto info = b.topics().partition(kTopic, p);
    if (!info || info->high_watermark == 0) continue;
    auto last = b.topics().fetch(kTopic, p, info->high_watermark - 1);
    next = std::max<int64_t>(next, std::stoll(last->front().value) + 1);
  }
  return next;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: ef_crash_writer DATA_DIR DURABILITY SEED\n");
    return 2;
  }
  store::store_options opts;
  opts.data_dir = argv[1];
  opts.mode = *store::parse_durability(argv[2]);
  auto st = store::open_store(opts);
  if (!st) {
    std::fprintf(stderr, "open: %s\n", st.error().message.c_str());
    return 2;
  }
  core::broker b({.clk = nullptr, .seed = std::strtoull(argv[3], nullptr, 10), .store = st->get()});
  if (auto ok = b.recover(); !ok) {
    std::fprintf(stderr, "recover: %s\n", ok.error().message.c_str());
    return 2;
  }
  if (!b.topics().create({kTopic, 3}) || !b.queues().declare_queue({.name = kQueue}) || !b.sync()) return 2;
  int64_t seq = next_seq(b);
  core::random rng(std::strtoull(argv[3], nullptr, 10));
  for (;;) {
    const int n = static_cast<int>(rng.between(1, 5));
    std::vector<core::produce_record> batch;
    for (int i = 0; i < n; ++i) {
      core::record r;
      r.key = "k" + std::to_string((seq + i) % 7);
      r.value = std::to_string(seq + i);
      batch.push_back({std::nullopt, std::move(r)});
      core::publish_request pub;
      pub.routing_key = kQueue;
      pub.body = std::to_string(seq + i);
      if (!b.queues().publish(pub)) return 3;
    }
    if (!b.topics().produce(kTopic, std::move(batch))) return 3;
    seq += n;
    auto got = b.queues().receive(kQueue, "writer", static_cast<std::size_t>(rng.between(0, 4)), 0);
    if (!got) return 3;
    std::string recv = "recv", acked;
    for (const auto& d : *got) {
      recv += " " + d.msg.body;
      acked += " " + d.msg.body;
      if (!b.queues().ack(kQueue, d.delivery_tag)) return 3;
    }
    std::printf("%s\n", recv.c_str());
    std::fflush(stdout);
    if (!b.sync()) return 4;
    std::printf("ack %lld%s\n", static_cast<long long>(seq - 1), acked.c_str());
    std::fflush(stdout);
  }
}
