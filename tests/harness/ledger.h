#pragma once
// Test consumers for the harness: an in-process ledger over
// billing.payment.captured.v1 envelopes, idempotent or naive, and a builder
// of fixture messages.

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "emulator/harness/inprocess.h"
#include "emulator/harness/inputs.h"

namespace eventfabric::harness::testing {

inline std::string uuid_for(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", i);
  return buf;
}

inline std::string payment(int i, const std::string& customer, int amount) {
  nlohmann::json e = {
      {"id", uuid_for(i)},
      {"type", "billing.payment.captured.v1"},
      {"occurred_at", "2026-11-27T10:00:00Z"},
      {"source", "payments"},
      {"correlation_id", "corr-" + std::to_string(i)},
      {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
      {"payload",
       {{"payment_id", "pay-" + std::to_string(i)},
        {"invoice_id", "inv-" + std::to_string(i)},
        {"amount", amount},
        {"currency", "EUR"},
        {"method", {{"kind", "card"}}},
        {"payer", {{"customer_id", customer}, {"name", "Ada"}, {"email", "ada@example.com"}}},
        {"captured_at", "2026-11-27T10:00:00Z"}}},
      {"metadata", {{"partition_key", customer}}}};
  return e.dump();
}

// n payments over a few customers, on one topic.
inline std::vector<delivery::message> payments(int n, int customers = 4) {
  std::vector<input> in;
  for (int i = 1; i <= n; ++i) {
    input x;
    x.name = "billing.payment.captured.v1";
    x.envelope = payment(i, "cust-" + std::to_string(i % customers), 100 + i);
    in.push_back(std::move(x));
  }
  return *to_messages(in);
}

// The ledger: balance per customer, and the order in which each key's
// payments arrived (per-key order violations are counted).
struct ledger {
  bool idempotent = true;
  bool publish = true;
  std::string published_type = "billing.ledger.entry.posted.v1";
  std::map<std::string, int64_t> balances;
  std::map<std::string, int> last_seen;  // customer -> last payment number
  int order_violations = 0;
  std::set<std::string> processed;

  harness::handler handler() {
    harness::handler h;
    h.handle = [this](const request& r, publisher& out) -> response {
      const auto e = nlohmann::json::parse(r.envelope);
      const std::string id = e["id"];
      if (idempotent && processed.contains(id)) return {200, {}};
      const auto& p = e["payload"];
      const std::string customer = p["payer"]["customer_id"];
      const int number = std::stoi(p["payment_id"].get<std::string>().substr(4));
      if (auto it = last_seen.find(customer); it != last_seen.end() && it->second > number) ++order_violations;
      last_seen[customer] = number;
      balances[customer] += p["amount"].get<int64_t>();
      processed.insert(id);
      if (publish) {
        nlohmann::json entry = {
            {"id", uuid_for(100000 + number)},
            {"type", published_type},
            {"occurred_at", "2026-11-27T10:00:01Z"},
            {"source", "ledger"},
            {"correlation_id", e["correlation_id"]},
            {"trace_id", e["trace_id"]},
            {"payload",
             {{"entry_id", "entry-" + std::to_string(number)},
              {"journal_id", "journal-" + customer},
              {"posted_at", "2026-11-27T10:00:01Z"},
              {"currency", "EUR"},
              {"lines",
               {{{"account", "cash"}, {"direction", "debit"}, {"amount", p["amount"]}},
                {{"account", "receivable"}, {"direction", "credit"}, {"amount", p["amount"]}}}}}},
            {"metadata", {{"partition_key", customer}}}};
        out.publish("billing.ledger.entry.posted.v1", entry.dump());
      }
      return {200, {}};
    };
    h.state = [this] {
      nlohmann::json s = {{"balances", balances}, {"order_violations", order_violations}};
      return s.dump();
    };
    h.reset = [this] {
      balances.clear();
      last_seen.clear();
      processed.clear();
      order_violations = 0;
    };
    h.restart = [] {};  // the state is "on disk": it survives
    return h;
  }
};

}  // namespace eventfabric::harness::testing
