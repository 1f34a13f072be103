#include "emulator/store/sqlite_batches.h"

#include "emulator/core/codec.h"

namespace eventfabric::store::sqlite {

void encode_record(const core::record& r, std::string& blob) {
  core::append_fixed(blob, r.offset);
  core::append_fixed(blob, r.timestamp_ms);
  core::append_fixed(blob, static_cast<uint8_t>(r.key ? 1 : 0));
  if (r.key) core::append_str(blob, *r.key);
  core::append_str(blob, r.value);
  core::append_fixed(blob, static_cast<uint32_t>(r.headers.size()));
  for (const auto& h : r.headers) {
    core::append_str(blob, h.key);
    core::append_str(blob, h.value);
  }
}

bool decode_batch(std::string_view blob, const std::function<void(core::record&&)>& fn) {
  core::byte_reader in(blob);
  while (in.ok() && !in.done()) {
    core::record r;
    r.offset = in.i64();
    r.timestamp_ms = in.i64();
    if (in.u8() != 0) r.key = in.str();
    r.value = in.str();
    const uint32_t n = in.u32();
    if (!in.ok() || n > blob.size() / 8) return false;  // each header takes >= 8 bytes
    r.headers.reserve(n);
    for (uint32_t i = 0; i < n && in.ok(); ++i) {
      std::string key = in.str();
      r.headers.push_back(core::header{std::move(key), in.str()});
    }
    if (!in.ok()) return false;
    fn(std::move(r));
  }
  return in.ok();
}

}  // namespace eventfabric::store::sqlite
