#include "emulator/push/envelope_scan.h"

namespace eventfabric::push {

namespace {

constexpr int kMaxDepth = 64;

class scanner {
 public:
  explicit scanner(std::string_view s) : s_(s) {}

  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool eat(char c) {
    ws();
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool peek(char c) {
    ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool at_end() {
    ws();
    return i_ == s_.size();
  }
  // A string at the cursor; `raw` is its text between the quotes, `escaped`
  // whether it contains a backslash escape.
  bool string(std::string_view& raw, bool& escaped) {
    if (!eat('"')) return false;
    const std::size_t start = i_;
    escaped = false;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '"') {
        raw = s_.substr(start, i_ - start);
        ++i_;
        return true;
      }
      if (c == '\\') {
        escaped = true;
        i_ += 2;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      ++i_;
    }
    return false;
  }
  // Skips one value of any kind.
  bool skip() {
    ws();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '"') {
      std::string_view raw;
      bool escaped = false;
      return string(raw, escaped);
    }
    if (c == '{' || c == '[') return skip_nested();
    // A number or a literal: up to the next delimiter.
    const std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' && s_[i_] != '\n' &&
           s_[i_] != '\r' && s_[i_] != '\t')
      ++i_;
    return i_ > start;
  }

 private:
  // An object or array, by bracket depth (strings honoured).
  bool skip_nested() {
    int depth = 0;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '"') {
        std::string_view raw;
        bool escaped = false;
        if (!string(raw, escaped)) return false;
        continue;
      }
      if (c == '{' || c == '[') {
        if (++depth > kMaxDepth) return false;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++i_;
          return true;
        }
      }
      ++i_;
    }
    return false;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Reads an object's members, handing each key to `member` (which must
// consume the value). False on malformed text or when `member` gives up.
template <class Member>
bool members(scanner& sc, Member member) {
  if (!sc.eat('{')) return false;
  if (sc.eat('}')) return true;
  for (;;) {
    std::string_view key;
    bool escaped = false;
    if (!sc.string(key, escaped) || escaped || !sc.eat(':')) return false;
    if (!member(key)) return false;
    if (sc.eat(',')) continue;
    return sc.eat('}');
  }
}

// A wanted string value: a plain (escape-free) string, else give up; a value
// of another type is skipped and leaves `out` alone (as a full parse would).
bool wanted(scanner& sc, std::string& out) {
  if (!sc.peek('"')) return sc.skip();
  std::string_view raw;
  bool escaped = false;
  if (!sc.string(raw, escaped) || escaped) return false;
  out.assign(raw);
  return true;
}

}  // namespace

bool scan_envelope(std::string_view body, envelope_fields& out) {
  scanner sc(body);
  const bool ok = members(sc, [&](std::string_view key) {
    if (key == "id") return wanted(sc, out.id);
    if (key == "type") return wanted(sc, out.type);
    if (key == "trace_id") return wanted(sc, out.trace_id);
    if (key == "metadata" && sc.peek('{')) {
      return members(sc, [&](std::string_view k) {
        if (k != "partition_key") return sc.skip();
        std::string v;
        if (!wanted(sc, v)) return false;
        if (!v.empty()) out.partition_key = std::move(v);
        return true;
      });
    }
    return sc.skip();
  });
  return ok && sc.at_end();
}

}  // namespace eventfabric::push
