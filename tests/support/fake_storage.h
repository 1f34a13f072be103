#pragma once
// A tiny map-based core::storage for unit tests: staged writes become visible
// to load() only after commit(), like the real stores. Records are kept too,
// but only the value API is meant to be exercised through it.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/storage.h"

namespace eventfabric::testing {

class fake_storage final : public core::storage {
 public:
  void append(std::string_view topic, int32_t partition, std::span<const core::record> records) override {
    for (const auto& r : records) staged_records_.push_back({std::string(topic), partition, r});
  }
  void erase_records(std::string_view, int32_t, std::span<const int64_t>) override {}
  void truncate(std::string_view, int32_t, int64_t) override {}
  void drop_records(std::string_view) override {}

  void put(std::string_view space, std::string_view key, std::string_view value) override {
    staged_.push_back({op::put, std::string(space), std::string(key), std::string(value)});
  }
  void erase(std::string_view space, std::string_view key) override {
    staged_.push_back({op::erase, std::string(space), std::string(key), {}});
  }
  void erase_prefix(std::string_view space, std::string_view prefix) override {
    staged_.push_back({op::erase_prefix, std::string(space), std::string(prefix), {}});
  }

  core::result<void> commit() override {
    if (fail_next_commit_) {
      fail_next_commit_ = false;
      return core::fail(core::errc::storage_error, "injected commit failure");
    }
    for (auto& s : staged_) apply(s);
    staged_.clear();
    for (auto& r : staged_records_) records_.push_back(std::move(r));
    staged_records_.clear();
    ++commits_;
    return {};
  }
  void rollback() override {
    staged_.clear();
    staged_records_.clear();
  }
  core::result<void> load(core::storage_loader& out) override {
    for (const auto& [sk, value] : values_) out.on_value(sk.first, sk.second, value);
    for (auto& r : records_) out.on_record(r.topic, r.partition, core::record(r.rec));
    return {};
  }

  // Test helpers.
  const std::map<std::pair<std::string, std::string>, std::string>& values() const { return values_; }
  std::size_t staged() const { return staged_.size(); }
  std::size_t commits() const { return commits_; }
  void fail_next_commit() { fail_next_commit_ = true; }
  // Overwrites a committed value directly (corruption tests).
  void poke(std::string space, std::string key, std::string value) {
    values_[{std::move(space), std::move(key)}] = std::move(value);
  }

 private:
  enum class op { put, erase, erase_prefix };
  struct staged_op {
    op kind;
    std::string space, key, value;
  };
  struct stored_record {
    std::string topic;
    int32_t partition;
    core::record rec;
  };

  void apply(const staged_op& s) {
    switch (s.kind) {
      case op::put:
        values_[{s.space, s.key}] = s.value;
        break;
      case op::erase:
        values_.erase({s.space, s.key});
        break;
      case op::erase_prefix:
        for (auto it = values_.lower_bound({s.space, s.key});
             it != values_.end() && it->first.first == s.space && it->first.second.starts_with(s.key);)
          it = values_.erase(it);
        break;
    }
  }

  std::vector<staged_op> staged_;
  std::vector<stored_record> staged_records_;
  std::vector<stored_record> records_;
  std::map<std::pair<std::string, std::string>, std::string> values_;
  std::size_t commits_ = 0;
  bool fail_next_commit_ = false;
};

}  // namespace eventfabric::testing
