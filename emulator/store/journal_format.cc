#include "emulator/store/journal_format.h"

#include <zlib.h>

#include <cstring>
#include <vector>

#include "emulator/core/codec.h"
#include "emulator/store/sqlite_batches.h"

namespace eventfabric::store::journal {

namespace {

enum class op : uint8_t { append = 1, erase_records, truncate, drop_records, put, erase, erase_prefix };

template <class T>
T get_raw(std::string_view data, std::size_t at) {
  T v;
  std::memcpy(&v, data.data() + at, sizeof v);
  return v;
}

uint32_t checksum(std::string_view payload) {
  // zlib's crc32 takes a uInt length; frames are far below 4 GiB, but stay exact.
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!payload.empty()) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(payload.size(), 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), n);
    payload.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace

void frame_builder::clear() {
  buf_.clear();
  buf_.resize(kHeaderSize, '\0');
}

void frame_builder::append(std::string_view topic, int32_t partition, std::span<const core::record> records) {
  buf_.push_back(static_cast<char>(op::append));
  core::append_str(buf_, topic);
  core::append_fixed(buf_, partition);
  const std::size_t len_at = buf_.size();
  core::append_fixed(buf_, uint32_t{0});
  for (const auto& r : records) sqlite::encode_record(r, buf_);
  const auto len = static_cast<uint32_t>(buf_.size() - len_at - sizeof(uint32_t));
  std::memcpy(buf_.data() + len_at, &len, sizeof len);
}

void frame_builder::erase_records(std::string_view topic, int32_t partition, std::span<const int64_t> offsets) {
  buf_.push_back(static_cast<char>(op::erase_records));
  core::append_str(buf_, topic);
  core::append_fixed(buf_, partition);
  core::append_fixed(buf_, static_cast<uint32_t>(offsets.size()));
  for (int64_t o : offsets) core::append_fixed(buf_, o);
}

void frame_builder::truncate(std::string_view topic, int32_t partition, int64_t before) {
  buf_.push_back(static_cast<char>(op::truncate));
  core::append_str(buf_, topic);
  core::append_fixed(buf_, partition);
  core::append_fixed(buf_, before);
}

void frame_builder::drop_records(std::string_view topic) {
  buf_.push_back(static_cast<char>(op::drop_records));
  core::append_str(buf_, topic);
}

void frame_builder::put(std::string_view space, std::string_view key, std::string_view value) {
  buf_.push_back(static_cast<char>(op::put));
  core::append_str(buf_, space);
  core::append_str(buf_, key);
  core::append_str(buf_, value);
}

void frame_builder::erase(std::string_view space, std::string_view key) {
  buf_.push_back(static_cast<char>(op::erase));
  core::append_str(buf_, space);
  core::append_str(buf_, key);
}

void frame_builder::erase_prefix(std::string_view space, std::string_view prefix) {
  buf_.push_back(static_cast<char>(op::erase_prefix));
  core::append_str(buf_, space);
  core::append_str(buf_, prefix);
}

std::string_view frame_builder::seal() {
  const std::string_view payload = std::string_view(buf_).substr(kHeaderSize);
  const uint32_t header[3] = {kMagic, static_cast<uint32_t>(payload.size()), checksum(payload)};
  std::memcpy(buf_.data(), header, sizeof header);
  return buf_;
}

bool apply_payload(std::string_view payload, core::storage& to) {
  core::byte_reader in(payload);
  std::vector<core::record> records;
  std::vector<int64_t> offsets;
  while (in.ok() && !in.done()) {
    const auto code = static_cast<op>(in.u8());
    switch (code) {
      case op::append: {
        const std::string topic = in.str();
        const int32_t partition = in.i32();
        const std::string blob = in.str();
        if (!in.ok()) return false;
        records.clear();
        if (!sqlite::decode_batch(blob, [&records](core::record&& r) { records.push_back(std::move(r)); }))
          return false;
        to.append(topic, partition, records);
        break;
      }
      case op::erase_records: {
        const std::string topic = in.str();
        const int32_t partition = in.i32();
        const uint32_t n = in.u32();
        if (!in.ok() || n > payload.size() / sizeof(int64_t)) return false;
        offsets.clear();
        for (uint32_t i = 0; i < n; ++i) offsets.push_back(in.i64());
        if (!in.ok()) return false;
        to.erase_records(topic, partition, offsets);
        break;
      }
      case op::truncate: {
        const std::string topic = in.str();
        const int32_t partition = in.i32();
        const int64_t before = in.i64();
        if (!in.ok()) return false;
        to.truncate(topic, partition, before);
        break;
      }
      case op::drop_records: {
        const std::string topic = in.str();
        if (!in.ok()) return false;
        to.drop_records(topic);
        break;
      }
      case op::put: {
        const std::string space = in.str();
        const std::string key = in.str();
        const std::string value = in.str();
        if (!in.ok()) return false;
        to.put(space, key, value);
        break;
      }
      case op::erase: {
        const std::string space = in.str();
        const std::string key = in.str();
        if (!in.ok()) return false;
        to.erase(space, key);
        break;
      }
      case op::erase_prefix: {
        const std::string space = in.str();
        const std::string prefix = in.str();
        if (!in.ok()) return false;
        to.erase_prefix(space, prefix);
        break;
      }
      default:
        return false;
    }
  }
  return in.ok();
}

scan_result scan_frames(std::string_view data, const std::function<bool(std::string_view)>& fn) {
  scan_result out;
  std::size_t at = 0;
  while (data.size() - at >= kHeaderSize) {
    if (get_raw<uint32_t>(data, at) != kMagic) break;
    const uint32_t len = get_raw<uint32_t>(data, at + 4);
    if (len > data.size() - at - kHeaderSize) break;
    const std::string_view payload = data.substr(at + kHeaderSize, len);
    if (checksum(payload) != get_raw<uint32_t>(data, at + 8)) break;
    if (!fn(payload)) {
      out.rejected = true;
      break;
    }
    at += kHeaderSize + len;
    ++out.frames;
    out.valid_bytes = at;
  }
  return out;
}

}  // namespace eventfabric::store::journal
