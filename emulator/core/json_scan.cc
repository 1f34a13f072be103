#include "emulator/core/json_scan.h"

#include <cstring>
#include <nlohmann/json.hpp>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace eventfabric::core {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// True when none of the 8 bytes at `p` is '"', '\\', below 0x20 or above 0x7F
// (the word-at-a-time tests of "Bit Twiddling Hacks": a zero byte of x is
// (x - 0x01..) & ~x & 0x80.., a byte below n is (x - n..) & ~x & 0x80..).
bool plain8(const char* p) noexcept {
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  uint64_t x;
  std::memcpy(&x, p, 8);
  const uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
  const uint64_t special = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | (x - ones * 0x20) | x;
  return (special & highs) == 0;
}
bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

// From `i`, skips plain bytes (as plain8) sixteen at a time while sixteen
// are left, stopping at the first special one; returns the new position.
std::size_t skip_plain(std::string_view s, std::size_t i) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
  while (s.size() - i >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // Signed compare: bytes below 0x20 and bytes from 0x80 up (negative) are both "less than 0x20".
    const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                         _mm_cmplt_epi8(x, space));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
    i += 16;
  }
#endif
  while (s.size() - i >= 8 && plain8(s.data() + i)) i += 8;
  return i;
}

// Which containers are open, one bit per level (1 = object).
class open_stack {
 public:
  bool push(bool object) noexcept {
    if (depth_ >= json_cursor::kMaxDepth) return false;
    const auto bit = uint64_t{1} << (depth_ % 64);
    bits_[depth_ / 64] = object ? (bits_[depth_ / 64] | bit) : (bits_[depth_ / 64] & ~bit);
    ++depth_;
    return true;
  }
  void pop() noexcept { --depth_; }
  bool empty() const noexcept { return depth_ == 0; }
  bool object() const noexcept { return (bits_[(depth_ - 1) / 64] >> ((depth_ - 1) % 64)) & 1; }

 private:
  uint64_t bits_[json_cursor::kMaxDepth / 64] = {};
  int depth_ = 0;
};

}  // namespace

std::size_t utf8_sequence(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  const unsigned c = p[0];
  if (c < 0xC2) return 0;
  if (c < 0xE0) return n >= 2 && is_cont(p[1]) ? 2 : 0;
  if (c < 0xF0) {
    if (n < 3 || !is_cont(p[2])) return 0;
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return p[1] >= lo && p[1] <= hi ? 3 : 0;
  }
  if (c < 0xF5) {
    if (n < 4 || !is_cont(p[2]) || !is_cont(p[3])) return 0;
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return p[1] >= lo && p[1] <= hi ? 4 : 0;
  }
  return 0;
}

bool json_cursor::hex4(uint32_t& cp) noexcept {
  if (s_.size() - i_ < 4) return false;
  cp = 0;
  for (int k = 0; k < 4; ++k) {
    const char c = s_[i_++];
    cp <<= 4;
    if (c >= '0' && c <= '9') cp |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') cp |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') cp |= static_cast<uint32_t>(c - 'A' + 10);
    else return false;
  }
  return true;
}

// After the backslash. A \u escape of a high surrogate must be followed by
// one of a low surrogate, and a low surrogate may not stand alone (as
// nlohmann requires).
bool json_cursor::escape() noexcept {
  if (i_ >= s_.size()) return false;
  switch (s_[i_++]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
      return true;
    case 'u': {
      uint32_t cp = 0;
      if (!hex4(cp)) return false;
      if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
      if (cp < 0xD800 || cp > 0xDBFF) return true;
      if (s_.size() - i_ < 2 || s_[i_] != '\\' || s_[i_ + 1] != 'u') return false;
      i_ += 2;
      return hex4(cp) && cp >= 0xDC00 && cp <= 0xDFFF;
    }
    default:
      return false;
  }
}

bool json_cursor::string(std::string_view& raw, bool& escaped) noexcept {
  if (!eat('"')) return false;
  const std::size_t start = i_;
  escaped = false;
  while (i_ < s_.size()) {
    // Plain bytes (no quote, backslash, control or non-ASCII byte) sixteen
    // or eight at a time: strings are most of what is scanned.
    i_ = skip_plain(s_, i_);
    if (i_ >= s_.size()) break;
    const auto c = static_cast<unsigned char>(s_[i_]);
    if (c == '"') {
      raw = s_.substr(start, i_ - start);
      ++i_;
      return true;
    }
    if (c == '\\') {
      escaped = true;
      ++i_;
      if (!escape()) return false;
    } else if (c < 0x20) {
      return false;
    } else if (c < 0x80) {
      ++i_;
    } else {
      const std::size_t n = utf8_sequence(s_.substr(i_));
      if (n == 0) return false;
      i_ += n;
    }
  }
  return false;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  A magnitude that may reach
// a double's limit (1.8e308) makes the verdict unsure: nlohmann rejects an
// overflow, and only a conversion can tell exactly.
bool json_cursor::number() noexcept {
  if (i_ < s_.size() && s_[i_] == '-') ++i_;
  if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
  const std::size_t int_start = i_;
  if (s_[i_] == '0') ++i_;
  else
    while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
  const auto int_digits = static_cast<int64_t>(i_ - int_start);
  if (i_ < s_.size() && s_[i_] == '.') {
    ++i_;
    if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
    while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
  }
  int64_t exp = 0;
  if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
    ++i_;
    bool negative = false;
    if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) negative = s_[i_++] == '-';
    if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
    while (i_ < s_.size() && is_digit(s_[i_])) {
      if (exp < 1'000'000) exp = exp * 10 + (s_[i_] - '0');
      ++i_;
    }
    if (negative) exp = -exp;
  }
  if (int_digits + exp > 300) unsure_ = true;
  return true;
}

bool json_cursor::literal(std::string_view word) noexcept {
  if (s_.substr(i_, word.size()) != word) return false;
  i_ += word.size();
  return true;
}

bool json_cursor::value(std::string_view* slice) noexcept {
  open_stack open;
  ws();
  const std::size_t start = i_;
  for (;;) {
    // A value is expected here.
    ws();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      if (!open.push(c == '{')) {
        unsure_ = true;
        return false;
      }
      ++i_;
      if (eat(c == '{' ? '}' : ']')) {
        open.pop();
      } else if (c == '{') {
        std::string_view key;
        bool escaped = false;
        if (!string(key, escaped) || !eat(':')) return false;
        continue;
      } else {
        continue;
      }
    } else if (c == '"') {
      std::string_view raw;
      bool escaped = false;
      if (!string(raw, escaped)) return false;
    } else if (c == 't') {
      if (!literal("true")) return false;
    } else if (c == 'f') {
      if (!literal("false")) return false;
    } else if (c == 'n') {
      if (!literal("null")) return false;
    } else if (!number()) {
      return false;
    }
    // After a complete value: close containers or move to the next element.
    for (;;) {
      if (open.empty()) {
        if (slice) *slice = s_.substr(start, i_ - start);
        return true;
      }
      const bool obj = open.object();
      if (eat(',')) {
        if (obj) {
          std::string_view key;
          bool escaped = false;
          if (!string(key, escaped) || !eat(':')) return false;
        }
        break;
      }
      if (!eat(obj ? '}' : ']')) return false;
      open.pop();
    }
  }
}

json_verdict scan_json(std::string_view text, std::string_view* slice) noexcept {
  if (text.starts_with("\xEF\xBB\xBF")) return json_verdict::unsure;  // nlohmann skips a BOM
  json_cursor c(text);
  const bool ok = c.value(slice);
  if (c.unsure()) return json_verdict::unsure;
  if (!ok) return json_verdict::invalid;
  if (c.at_end()) return json_verdict::valid;
  // nlohmann stops at a NUL byte as at the end of the input.
  return text[c.position()] == '\0' ? json_verdict::unsure : json_verdict::invalid;
}

bool is_json(std::string_view text) {
  switch (scan_json(text)) {
    case json_verdict::valid: return true;
    case json_verdict::invalid: return false;
    case json_verdict::unsure: break;
  }
  return nlohmann::json::accept(text);
}

}  // namespace eventfabric::core
