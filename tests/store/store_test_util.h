#pragma once
// Shared helpers of the store tests: a self-removing temp folder, a loader
// that captures load() as a comparable event list, record builders and a
// seeded generator of random write batches.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "emulator/core/storage.h"
#include "emulator/store/journaled_store.h"
#include "emulator/store/memory_store.h"
#include "emulator/store/sqlite_store.h"

namespace eventfabric::store::testing {

using namespace std::string_literals;

// A fresh folder under the system temp dir, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ef_store_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// One callback of load(), in the order it came.
struct event {
  bool is_record = false;
  std::string space_or_topic;
  std::string key;    // value key (values only)
  std::string value;  // value bytes (values only)
  int32_t partition = 0;
  core::record rec;
  bool operator==(const event&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const event& e) {
  auto bytes = [&os](const std::string& s) {
    os << '"';
    for (unsigned char c : s) {
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
        os << c;
      else
        os << "\\x"
           << "0123456789abcdef"[c >> 4] << "0123456789abcdef"[c & 15];
    }
    os << '"';
  };
  if (!e.is_record) {
    os << "value(";
    bytes(e.space_or_topic);
    os << ", ";
    bytes(e.key);
    os << ", " << e.value.size() << " bytes)";
    return os;
  }
  os << "record(";
  bytes(e.space_or_topic);
  os << "/" << e.partition << "@" << e.rec.offset << " ts=" << e.rec.timestamp_ms << " key=";
  if (e.rec.key)
    bytes(*e.rec.key);
  else
    os << "null";
  os << " value=" << e.rec.value.size() << " bytes, " << e.rec.headers.size() << " headers)";
  return os;
}

class capture final : public core::storage_loader {
 public:
  void on_value(std::string_view space, std::string_view key, std::string_view value) override {
    events.push_back(event{false, std::string(space), std::string(key), std::string(value), 0, {}});
  }
  void on_record(std::string_view topic, int32_t partition, core::record&& r) override {
    events.push_back(event{true, std::string(topic), {}, {}, partition, std::move(r)});
  }
  std::vector<event> events;
};

// load() into a fresh capture; a failed load is a test failure.
inline std::vector<event> load_all(core::storage& s) {
  capture c;
  auto r = s.load(c);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return std::move(c.events);
}

inline core::record make_record(int64_t offset, std::string value,
                                std::optional<std::string> key = std::nullopt,
                                std::vector<core::header> headers = {}, int64_t ts = 1000) {
  core::record r;
  r.offset = offset;
  r.timestamp_ms = ts;
  r.key = std::move(key);
  r.value = std::move(value);
  r.headers = std::move(headers);
  return r;
}

inline event value_event(std::string space, std::string key, std::string value) {
  return event{false, std::move(space), std::move(key), std::move(value), 0, {}};
}
inline event record_event(std::string topic, int32_t partition, core::record r) {
  return event{true, std::move(topic), {}, {}, partition, std::move(r)};
}

inline std::unique_ptr<sqlite_store> open_sqlite(const std::filesystem::path& dir,
                                                 durability mode = durability::normal) {
  auto s = sqlite_store::open(dir, mode);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return s ? std::move(*s) : nullptr;
}

inline std::unique_ptr<journaled_store> open_journaled(
    const std::filesystem::path& dir, std::size_t apply_bytes = journaled_store::default_apply_bytes,
    durability mode = durability::normal, bool background_moves = true) {
  auto s = journaled_store::open(dir, mode, apply_bytes, background_moves);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return s ? std::move(*s) : nullptr;
}

// A write to apply identically to several stores.
using write_op = std::function<void(core::storage&)>;

// A random batch of 1..8 writes over small domains, so writes collide,
// replace and erase each other. Keys use \0, 0xFF and empty strings.
inline std::vector<write_op> random_batch(std::mt19937_64& rng) {
  auto pick = [&rng](auto n) { return static_cast<decltype(n)>(rng() % n); };
  const std::vector<std::string> topics = {"a", "ab", "b"};
  const std::vector<std::string> spaces = {"topic", "qmsg"};
  const std::vector<std::string> keys = {""s,          "a"s,  "a\0"s, "a\0b"s, "a\xFF"s,
                                         "a\xFF\xFF"s, "ab"s, "b"s,   "\xFF"s, "\xFF\x00"s};
  auto bytes = [&](std::size_t max) {
    std::string s(pick(max + 1), '\0');
    for (auto& c : s) c = static_cast<char>(pick(256u));
    return s;
  };
  std::vector<write_op> ops;
  const int n = 1 + pick(8);
  for (int i = 0; i < n; ++i) {
    const std::string topic = topics[pick(topics.size())];
    const int32_t partition = pick(3);
    const std::string space = spaces[pick(spaces.size())];
    const std::string key = keys[pick(keys.size())];
    switch (pick(8)) {
      case 0:
      case 1: {
        std::vector<core::record> batch;
        for (int k = 1 + pick(4); k > 0; --k) {
          std::optional<std::string> rkey;
          if (pick(2)) rkey = bytes(4);
          std::vector<core::header> hs;
          for (int h = pick(3); h > 0; --h) hs.push_back({bytes(3), bytes(3)});
          batch.push_back(make_record(pick(16), bytes(40), rkey, hs, static_cast<int64_t>(rng())));
        }
        ops.push_back([topic, partition, batch](core::storage& s) { s.append(topic, partition, batch); });
        break;
      }
      case 2: {
        std::vector<int64_t> offs = {int64_t(pick(16)), int64_t(pick(16))};
        ops.push_back([=](core::storage& s) { s.erase_records(topic, partition, offs); });
        break;
      }
      case 3: {
        const int64_t before = pick(16);
        ops.push_back([=](core::storage& s) { s.truncate(topic, partition, before); });
        break;
      }
      case 4:
        if (pick(4) == 0) ops.push_back([=](core::storage& s) { s.drop_records(topic); });
        break;
      case 5:
      case 6: {
        const std::string value = bytes(30);
        ops.push_back([=](core::storage& s) { s.put(space, key, value); });
        break;
      }
      default:
        if (pick(2)) {
          ops.push_back([=](core::storage& s) { s.erase(space, key); });
        } else {
          const std::string prefix = key.substr(0, pick(3u));
          ops.push_back([=](core::storage& s) { s.erase_prefix(space, prefix); });
        }
        break;
    }
  }
  return ops;
}

inline void apply_ops(const std::vector<write_op>& ops, core::storage& s) {
  for (const auto& op : ops) op(s);
}

}  // namespace eventfabric::store::testing
