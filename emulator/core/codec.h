#pragma once
// A small, versionless binary codec for values the core stores (queue
// messages, configs, group state). Little-endian fixed-width integers and
// length-prefixed strings. The reader never reads past its input: on any
// short read it latches !ok() and returns zero values, so a corrupt value is a
// reported error, never undefined behaviour.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace eventfabric::core {

// The encoding, appended to any string (for writers that build their bytes
// in place, such as the store's row blobs and journal frames): a fixed-width
// value as the host lays it out, and a u32 length followed by the bytes.
template <class T>
void append_fixed(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
inline void append_str(std::string& out, std::string_view s) {
  append_fixed(out, static_cast<uint32_t>(s.size()));
  out.append(s.data(), s.size());
}

class byte_writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { append_fixed(out_, v); }
  void i32(int32_t v) { append_fixed(out_, v); }
  void u64(uint64_t v) { append_fixed(out_, v); }
  void i64(int64_t v) { append_fixed(out_, v); }
  void f64(double v) { append_fixed(out_, v); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void str(std::string_view s) { append_str(out_, s); }
  std::string take() { return std::move(out_); }
  const std::string& view() const { return out_; }

 private:
  std::string out_;
};

class byte_reader {
 public:
  explicit byte_reader(std::string_view in) : in_(in) {}
  uint8_t u8() { uint8_t v = 0; raw(&v, 1); return v; }
  uint32_t u32() { uint32_t v = 0; raw(&v, sizeof v); return v; }
  int32_t i32() { int32_t v = 0; raw(&v, sizeof v); return v; }
  uint64_t u64() { uint64_t v = 0; raw(&v, sizeof v); return v; }
  int64_t i64() { int64_t v = 0; raw(&v, sizeof v); return v; }
  double f64() { double v = 0; raw(&v, sizeof v); return v; }
  bool boolean() { return u8() != 0; }
  std::string str() {
    const uint32_t n = u32();
    if (!ok_ || n > in_.size() - pos_) { ok_ = false; return {}; }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  void raw(void* p, std::size_t n) {
    if (!ok_ || n > in_.size() - pos_) { ok_ = false; return; }
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace eventfabric::core
