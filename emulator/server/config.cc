#include "emulator/server/config.h"
#include "emulator/core/text.h"

#include "emulator/faults/rule.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "emulator/core/queue.h"
#include "emulator/push/manager.h"
#include "emulator/server/declare.h"
#include "emulator/server/handler_util.h"

namespace eventfabric::server {
namespace {

constexpr std::string_view kTopLevel[] = {"contracts", "topics", "exchanges", "queues", "bindings", "subscriptions",
                                          "faults"};
constexpr std::string_view kName[] = {"name"};

std::string join(std::span<const std::string_view> a, std::span<const std::string_view> b) {
  std::string out;
  for (auto part : {a, b})
    for (auto k : part) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

core::result<void> check_keys(const json& obj, const std::string& at, std::span<const std::string_view> extra,
                              std::span<const std::string_view> allowed) {
  for (const auto& [key, _] : obj.items()) {
    if (key == "$comment" || std::ranges::find(extra, key) != extra.end() ||
        std::ranges::find(allowed, key) != allowed.end())
      continue;
    return core::fail_at(at + "/" + core::escape_pointer_token(key), "unknown key \"" + key + "\"; known keys here: " + join(extra, allowed));
  }
  return {};
}

// A decoder's or validator's error about `field` of the entry at `at`.
std::unexpected<core::error> at_field(const core::error& e, const std::string& at) {
  const std::string field(e.detail("field"));
  return core::fail_at(field.empty() ? at : at + "/" + core::escape_pointer_token(field), e.message, e.code);
}

template <class T, class Decode>
core::result<void> section(const json& doc, std::string_view key, std::span<const std::string_view> allowed,
                           bool named, Decode decode, std::vector<T>& out) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return {};
  const std::string at = "/" + std::string(key);
  if (!it->is_array()) return core::fail_at(at, std::string(key) + " must be an array of objects");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string item = at + "/" + std::to_string(i);
    const json& e = (*it)[i];
    if (!e.is_object()) return core::fail_at(item, "must be an object");
    if (auto ok = check_keys(e, item, named ? std::span<const std::string_view>(kName) : std::span<const std::string_view>(),
                             allowed);
        !ok)
      return ok;
    std::string name;
    if (named) {
      auto n = get_string(e, "name");
      if (!n) return at_field(n.error(), item);
      if (n->empty()) return core::fail_at(item + "/name", "name must not be empty");
      name = std::move(*n);
    }
    auto d = decode(e, std::move(name));
    if (!d) return at_field(d.error(), item);
    out.push_back(std::move(*d));
  }
  return {};
}

std::string topic_text(const core::topic_config& c) {
  return "partitions " + std::to_string(c.partitions) + ", retention_ms " + std::to_string(c.retention_ms) +
         ", retention_records " + std::to_string(c.retention_records) + ", cleanup_policy " +
         (c.cleanup == core::cleanup_policy::compact ? "compact" : "delete") + ", max_message_bytes " +
         std::to_string(c.max_message_bytes);
}

std::string queue_text(const core::queue_config& c) {
  auto opt = [](const auto& v) { return v ? std::to_string(*v) : std::string("unset"); };
  return "message_ttl_ms " + opt(c.message_ttl_ms) + ", max_length " + opt(c.max_length) + ", overflow " +
         std::string(core::to_string(c.overflow)) + ", max_priority " +
         (c.max_priority ? std::to_string(*c.max_priority) : std::string("unset")) + ", delivery_limit " +
         opt(c.delivery_limit) + ", dead_letter_exchange \"" + c.dead_letter_exchange +
         "\", dead_letter_routing_key " +
         (c.dead_letter_routing_key ? "\"" + *c.dead_letter_routing_key + "\"" : std::string("unset"));
}

std::string topic_conflict(const core::topic_config& have, const core::topic_config& want) {
  std::string msg = "topic \"" + want.name + "\" already exists with ";
  if (have.partitions != want.partitions)
    return msg + std::to_string(have.partitions) + " partitions; the config declares " +
           std::to_string(want.partitions) +
           " (start-up declarations never change a topic: delete it with DELETE /admin/topics/{topic}, or use " +
           std::to_string(have.partitions) + ")";
  return msg + topic_text(have) + "; the config declares " + topic_text(want);
}

// Remembers where each name was declared, to refuse duplicates.
core::result<void> once(std::map<std::string, std::string>& seen, const std::string& what, const std::string& name,
                        const std::string& at) {
  auto [it, fresh] = seen.emplace(name, at);
  if (!fresh) return core::fail_at(at, what + " \"" + name + "\" is declared twice (also at " + it->second + ")");
  return {};
}

}  // namespace

core::result<startup_config> parse_config(std::string_view text, const std::filesystem::path& base_dir) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    auto err = core::fail_at("", std::string("not valid JSON: ") + e.what());
    err.error().details.emplace_back("position", std::to_string(e.byte));
    return err;
  }
  if (!doc.is_object()) return core::fail_at("", "the configuration must be a JSON object");
  if (auto ok = check_keys(doc, "", {}, kTopLevel); !ok) return std::unexpected(ok.error());

  startup_config c;
  if (auto it = doc.find("faults"); it != doc.end() && !it->is_null() && !(it->is_array() && it->empty()) &&
                                    !(it->is_object() && it->empty())) {
    auto rules = faults::config_from_json(it->dump());
    if (!rules) {
      const std::string inner(rules.error().detail("pointer"));
      std::string message = rules.error().message;
      if (!inner.empty() && message.starts_with(inner + ": ")) message = message.substr(inner.size() + 2);
      return core::fail_at("/faults" + inner, message);
    }
    c.faults = std::move(*rules);
  }
  if (auto it = doc.find("contracts"); it != doc.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>().empty())
      return core::fail_at("/contracts", "contracts must be a non-empty string (a folder of <type>.json schemas)");
    std::filesystem::path p = it->get<std::string>();
    c.contracts = p.is_relative() && !base_dir.empty() ? base_dir / p : p;
  }
  auto topic = [](const json& j, std::string name) { return decode_topic(j, std::move(name)); };
  auto exchange = [](const json& j, std::string name) { return decode_exchange(j, std::move(name)); };
  auto queue = [](const json& j, std::string name) { return decode_queue(j, std::move(name)); };
  auto binding = [](const json& j, std::string) { return decode_binding(j); };
  if (auto ok = section(doc, "topics", topic_fields(), true, topic, c.topics); !ok) return std::unexpected(ok.error());
  if (auto ok = section(doc, "exchanges", exchange_fields(), true, exchange, c.exchanges); !ok)
    return std::unexpected(ok.error());
  if (auto ok = section(doc, "queues", queue_fields(), true, queue, c.queues); !ok) return std::unexpected(ok.error());
  if (auto ok = section(doc, "bindings", binding_fields(), false, binding, c.bindings); !ok)
    return std::unexpected(ok.error());
  if (auto it = doc.find("subscriptions"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) return core::fail_at("/subscriptions", "subscriptions must be an array of objects");
    std::map<std::string, std::string> seen;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string item = "/subscriptions/" + std::to_string(i);
      if (!(*it)[i].is_object()) return core::fail_at(item, "must be an object");
      auto d = push::parse_definition((*it)[i].dump());
      if (!d) return at_field(d.error(), item);
      if (auto ok = once(seen, "subscription", d->name, item); !ok) return std::unexpected(ok.error());
      c.subscriptions.push_back(std::move(*d));
    }
  }
  return c;
}

core::result<apply_summary> apply_subscriptions(push::manager& m, const startup_config& c) {
  for (std::size_t i = 0; i < c.subscriptions.size(); ++i) {
    const auto& d = c.subscriptions[i];
    if (const auto* have = m.find(d.name); have && !(have->def == d))
      return core::fail_at("/subscriptions/" + std::to_string(i),
                           "subscription \"" + d.name + "\" already exists with " + push::to_json(have->def) +
                               "; delete it (DELETE /subscriptions/" + d.name + ") or use the same definition",
                           core::errc::already_exists);
  }
  apply_summary sum;
  for (std::size_t i = 0; i < c.subscriptions.size(); ++i) {
    auto created = m.create(c.subscriptions[i]);
    if (!created) return at_field(created.error(), "/subscriptions/" + std::to_string(i));
    ++(*created ? sum.created : sum.unchanged);
  }
  return sum;
}

core::result<apply_summary> apply_config(core::broker& b, const startup_config& c) {
  const bool strict = b.strict_names();
  auto& qs = b.queues();
  auto& ts = b.topics();

  // Check everything first, so that a bad entry changes nothing.
  std::map<std::string, core::exchange_type> exchanges;  // existing, then declared
  for (const auto& e : qs.list_exchanges()) exchanges[e.name] = e.type;
  std::map<std::string, std::string> seen;
  for (std::size_t i = 0; i < c.exchanges.size(); ++i) {
    const auto& e = c.exchanges[i];
    const std::string at = "/exchanges/" + std::to_string(i);
    if (auto ok = once(seen, "exchange", e.name, at); !ok) return std::unexpected(ok.error());
    if (auto ok = core::check_exchange_name(e.name); !ok) return at_field(ok.error(), at);
    if (e.name.starts_with("amq.") && !exchanges.contains(e.name))
      return core::fail_at(at + "/name", "exchange names starting with amq. are reserved", core::errc::invalid_name);
    if (auto it = exchanges.find(e.name); it != exchanges.end() && it->second != e.type)
      return core::fail_at(at, "exchange \"" + e.name + "\" already exists with type " + std::string(core::to_string(it->second)) +
                         "; the config declares " + std::string(core::to_string(e.type)),
                 core::errc::already_exists);
    exchanges[e.name] = e.type;
  }
  seen.clear();
  std::map<std::string, bool> queues;
  for (const auto& q : qs.list_queues()) queues[q] = true;
  for (std::size_t i = 0; i < c.queues.size(); ++i) {
    const auto& q = c.queues[i];
    const std::string at = "/queues/" + std::to_string(i);
    if (auto ok = once(seen, "queue", q.name, at); !ok) return std::unexpected(ok.error());
    if (auto ok = core::check_queue_config(q, strict); !ok) return at_field(ok.error(), at);
    if (auto have = qs.queue_info(q.name); have && *have != q)
      return core::fail_at(at, "queue \"" + q.name + "\" already exists with " + queue_text(*have) + "; the config declares " +
                         queue_text(q),
                 core::errc::already_exists);
    queues[q.name] = true;
  }
  for (std::size_t i = 0; i < c.bindings.size(); ++i) {
    const auto& bd = c.bindings[i];
    const std::string at = "/bindings/" + std::to_string(i);
    if (bd.exchange.empty()) return core::fail_at(at + "/exchange", "the default exchange \"\" cannot be bound");
    if (!exchanges.contains(bd.exchange))
      return core::fail_at(at + "/exchange", "exchange \"" + bd.exchange + "\" is not declared here and does not exist",
                 core::errc::not_found);
    if (!queues.contains(bd.queue))
      return core::fail_at(at + "/queue", "queue \"" + bd.queue + "\" is not declared here and does not exist",
                 core::errc::not_found);
  }
  seen.clear();
  for (std::size_t i = 0; i < c.topics.size(); ++i) {
    const auto& t = c.topics[i];
    const std::string at = "/topics/" + std::to_string(i);
    if (auto ok = once(seen, "topic", t.name, at); !ok) return std::unexpected(ok.error());
    if (auto ok = core::validate_topic_config(t, strict); !ok) return at_field(ok.error(), at);
    if (auto have = ts.describe(t.name); have && have->config != t)
      return core::fail_at(at, topic_conflict(have->config, t), core::errc::already_exists);
  }

  // Then declare. The core calls are idempotent for identical settings.
  apply_summary sum;
  auto count = [&sum](bool existed) { ++(existed ? sum.unchanged : sum.created); };
  for (std::size_t i = 0; i < c.exchanges.size(); ++i) {
    bool existed = false;
    for (const auto& e : qs.list_exchanges()) existed = existed || e.name == c.exchanges[i].name;
    if (auto ok = qs.declare_exchange(c.exchanges[i]); !ok) return at_field(ok.error(), "/exchanges/" + std::to_string(i));
    count(existed);
  }
  for (std::size_t i = 0; i < c.queues.size(); ++i) {
    const bool existed = qs.queue_info(c.queues[i].name).has_value();
    if (auto ok = qs.declare_queue(c.queues[i]); !ok) return at_field(ok.error(), "/queues/" + std::to_string(i));
    count(existed);
  }
  const auto bound = qs.list_bindings();
  for (std::size_t i = 0; i < c.bindings.size(); ++i) {
    const bool existed = std::ranges::binary_search(bound, c.bindings[i]);
    if (auto ok = qs.bind(c.bindings[i]); !ok) return at_field(ok.error(), "/bindings/" + std::to_string(i));
    count(existed);
  }
  for (std::size_t i = 0; i < c.topics.size(); ++i) {
    const bool existed = ts.exists(c.topics[i].name);
    if (auto ok = ts.create(c.topics[i]); !ok) return at_field(ok.error(), "/topics/" + std::to_string(i));
    count(existed);
  }
  return sum;
}

}  // namespace eventfabric::server
