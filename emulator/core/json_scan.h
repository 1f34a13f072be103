#pragma once
// A validating JSON scanner that builds nothing and allocates nothing: a
// cursor over the text that reads strings as slices and skips whole values,
// checking them against the JSON grammar (RFC 8259) and UTF-8 as nlohmann's
// parser does. The hot paths use it to slice values out of request bodies,
// to decide whether stored text can be spliced into a response as JSON, and
// to read envelope fields, without a DOM (a DOM parse of a 1 KiB envelope
// costs ~10 µs; this scan well under 1 µs).
//
// Two things only a full parser can judge are reported as `unsure()` instead:
// nesting deeper than kMaxDepth (the scan fails) and a number whose magnitude
// may overflow a double (nlohmann rejects those; the scan accepts them).
// is_json() resolves both with nlohmann, so it agrees with json::accept.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace eventfabric::core {

class json_cursor {
 public:
  static constexpr int kMaxDepth = 512;

  explicit json_cursor(std::string_view text) noexcept : s_(text) {}

  void ws() noexcept {
    if (i_ < s_.size() && static_cast<unsigned char>(s_[i_]) > ' ') return;  // the usual case: none
    const std::size_t from = i_;
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    if (i_ != from) ++space_runs_;
  }
  // After whitespace: consumes `c` if it is next.
  bool eat(char c) noexcept {
    ws();
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool peek(char c) noexcept {
    ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  // Only whitespace is left.
  bool at_end() noexcept {
    ws();
    return i_ == s_.size();
  }
  // A string after whitespace: `raw` is its text between the quotes (escapes
  // not decoded), `escaped` whether it holds any backslash escape.
  bool string(std::string_view& raw, bool& escaped) noexcept;
  // One complete value after whitespace, validated; `slice` (if given) gets
  // its text.
  bool value(std::string_view* slice = nullptr) noexcept;
  // value(), also telling whether its text is compact: no whitespace between
  // its tokens (as a compact dump writes it), found without another pass.
  bool compact_value(std::string_view& slice, bool& compact) noexcept {
    ws();
    const std::size_t before = space_runs_;
    if (!value(&slice)) return false;
    compact = space_runs_ == before;
    return true;
  }

  bool unsure() const noexcept { return unsure_; }
  std::size_t position() const noexcept { return i_; }
  // The text being read.
  std::string_view text() const noexcept { return s_; }
  // How many runs of whitespace between tokens were skipped so far: unchanged
  // over a value means the value is compact (no whitespace outside strings),
  // so its text is already what append_compact_json would write.
  std::size_t space_runs() const noexcept { return space_runs_; }

 private:
  bool number() noexcept;
  bool literal(std::string_view word) noexcept;
  bool escape() noexcept;
  bool hex4(uint32_t& cp) noexcept;

  std::string_view s_;
  std::size_t i_ = 0;
  std::size_t space_runs_ = 0;
  bool unsure_ = false;
};

// Reads an object's members after whitespace, handing each key (raw, and
// whether it has escapes) to `member`, which must consume the value. False on
// malformed text or when `member` gives up.
template <class Member>
bool json_members(json_cursor& c, Member member) {
  if (!c.eat('{')) return false;
  if (c.eat('}')) return true;
  for (;;) {
    std::string_view key;
    bool escaped = false;
    if (!c.string(key, escaped) || !c.eat(':')) return false;
    if (!member(key, escaped)) return false;
    if (c.eat(',')) continue;
    return c.eat('}');
  }
}

// The length of the well-formed UTF-8 sequence at the start of `s` (whose
// first byte is >= 0x80), or 0 if it is not one (RFC 3629).
std::size_t utf8_sequence(std::string_view s) noexcept;

// One scan of `text` as a whole document: `valid` when it is exactly one
// JSON value with optional whitespace around it, `unsure` when only a full
// parser can tell (see above; also a leading BOM or a NUL byte after the
// value, which nlohmann accepts). `slice`, if given, gets the value's text
// without the whitespace around it.
enum class json_verdict { valid, invalid, unsure };
json_verdict scan_json(std::string_view text, std::string_view* slice = nullptr) noexcept;

// Whether `text` is exactly one JSON value with optional whitespace around
// it: the same verdict as nlohmann::json::accept(text).
bool is_json(std::string_view text);

}  // namespace eventfabric::core
