#pragma once
// Shared fixture for the queues module tests: a manual clock, a non-persisted
// module with strict names, and terse helpers that fail the test on error.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emulator/core/clock.h"
#include "emulator/core/queues.h"

namespace eventfabric::core::testutil {

inline queue_config qcfg(std::string name) {
  queue_config c;
  c.name = std::move(name);
  return c;
}

inline std::vector<uint64_t> ids_of(const std::vector<message>& ms) {
  std::vector<uint64_t> out;
  for (const auto& m : ms) out.push_back(m.id);
  return out;
}

inline std::vector<std::string> bodies_of(const std::vector<message>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.body);
  return out;
}

class QueuesTest : public ::testing::Test {
 protected:
  manual_clock clk{1'000'000};
  queues qs{clk, nullptr};

  void declare(const queue_config& c) {
    ASSERT_TRUE(qs.declare_queue(c)) << qs.declare_queue(c).error().message;
  }
  void declare(const std::string& name) { declare(qcfg(name)); }

  // Publishes through the default exchange; returns the id of the copy.
  uint64_t pub(const std::string& q, const std::string& body = "b", uint8_t priority = 0,
               std::optional<int64_t> expiration = std::nullopt) {
    auto r = qs.publish(
        {.exchange = "", .routing_key = q, .body = body, .priority = priority, .expiration_ms = expiration});
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    if (!r || r->ids.empty()) return 0;
    return r->ids.front();
  }

  std::vector<delivery> recv(const std::string& q, std::size_t n = 1, const std::string& consumer = "c",
                             int64_t lease_ms = 0) {
    auto r = qs.receive(q, consumer, n, lease_ms);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : std::vector<delivery>{};
  }

  std::vector<uint64_t> ready(const std::string& q) { return ids_of(qs.peek(q, 1000).value()); }
  std::vector<message> dead(const std::string& q) { return qs.dead_letters(q, 1000).value(); }
  queue_stats st(const std::string& q) { return qs.stats(q).value(); }
};

}  // namespace eventfabric::core::testutil
