#include "emulator/schema/schema_regex.h"

#include <algorithm>
#include <string_view>

namespace eventfabric::schema::detail {
namespace {

using node = fast_regex::node;
using sequence = fast_regex::sequence;
using byte_set = std::bitset<256>;

constexpr int max_group_depth = 32;
constexpr int max_count = 1000;  // larger {n,m} bounds are left to std::regex

byte_set range(int lo, int hi) {
  byte_set s;
  for (int c = lo; c <= hi; ++c) s.set(static_cast<std::size_t>(c));
  return s;
}
byte_set digit_set() { return range('0', '9'); }
byte_set word_set() { return range('a', 'z') | range('A', 'Z') | digit_set() | range('_', '_'); }
byte_set space_set() {
  return range('\t', '\r') | range(' ', ' ');
}  // \t \n \v \f \r and space, as std::regex

bool is_syntax_char(char c) {
  return std::string_view("^$\\.*+?()[]{}|/-").find(c) != std::string_view::npos;
}

class parser {
 public:
  explicit parser(std::string_view p) : p_(p) {}

  std::optional<std::vector<sequence>> parse() {
    auto alts = disjunction(0);
    if (!ok_ || pos_ != p_.size()) return std::nullopt;
    return alts;
  }

 private:
  bool peek(char c) const { return pos_ < p_.size() && p_[pos_] == c; }
  bool starts(std::string_view s) const { return p_.substr(pos_).starts_with(s); }
  bool is_quantifier_start() const {
    return pos_ < p_.size() && std::string_view("*+?{").find(p_[pos_]) != std::string_view::npos;
  }

  std::vector<sequence> disjunction(int depth) {
    std::vector<sequence> alts;
    alts.push_back(alternative(depth));
    while (ok_ && peek('|')) {
      ++pos_;
      alts.push_back(alternative(depth));
    }
    return alts;
  }

  sequence alternative(int depth) {
    sequence seq;
    while (ok_ && pos_ < p_.size() && !peek('|') && !peek(')')) {
      node n;
      if (!term(n, depth))
        ok_ = false;
      else
        seq.push_back(std::move(n));
    }
    return seq;
  }

  bool term(node& n, int depth) {
    if (peek('^') || peek('$')) {
      n.k = peek('^') ? node::kind::bol : node::kind::eol;
      ++pos_;
      return !is_quantifier_start();
    }
    return atom(n, depth) && quantifier(n);
  }

  bool atom(node& n, int depth) {
    const char c = p_[pos_];
    if (static_cast<unsigned char>(c) >= 0x80) return false;
    switch (c) {
      case '.':
        ++pos_;
        n.chars.set();
        n.chars.reset('\n');
        n.chars.reset('\r');
        return true;
      case '[':
        return char_class(n);
      case '(':
        return group(n, depth);
      case '\\':
        return escape(n.chars);
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
      case ')':
      case '|':
        return false;
      default:
        ++pos_;
        n.chars.set(static_cast<unsigned char>(c));
        return true;
    }
  }

  bool group(node& n, int depth) {
    if (depth >= max_group_depth) return false;
    ++pos_;
    n.k = node::kind::group;
    if (starts("?:")) {
      pos_ += 2;
    } else if (starts("?=") || starts("?!")) {
      n.k = p_[pos_ + 1] == '=' ? node::kind::lookahead : node::kind::negative_lookahead;
      pos_ += 2;
    } else if (peek('?')) {
      return false;  // named groups, lookbehind
    }
    n.alternatives = disjunction(depth + 1);
    if (!ok_ || !peek(')')) return false;
    ++pos_;
    return true;
  }

  bool escape(byte_set& set) {
    if (++pos_ >= p_.size()) return false;
    const char c = p_[pos_++];
    switch (c) {
      case 'd':
        set |= digit_set();
        return true;
      case 'D':
        set |= ~digit_set();
        return true;
      case 'w':
        set |= word_set();
        return true;
      case 'W':
        set |= ~word_set();
        return true;
      case 's':
        set |= space_set();
        return true;
      case 'S':
        set |= ~space_set();
        return true;
      case 'n':
        set.set('\n');
        return true;
      case 'r':
        set.set('\r');
        return true;
      case 't':
        set.set('\t');
        return true;
      case 'f':
        set.set('\f');
        return true;
      case 'v':
        set.set('\v');
        return true;
      default:
        if (!is_syntax_char(c)) return false;  // \b \B \1 \u \x \c \p \k ...
        set.set(static_cast<unsigned char>(c));
        return true;
    }
  }

  // One class member: a byte (single = its value) or a class escape (single = -1).
  bool class_atom(byte_set& item, int& single) {
    const char c = p_[pos_];
    if (static_cast<unsigned char>(c) >= 0x80 || c == '[') return false;
    if (c != '\\') {
      ++pos_;
      item.set(static_cast<unsigned char>(c));
      single = static_cast<unsigned char>(c);
      return true;
    }
    if (pos_ + 1 < p_.size() && p_[pos_ + 1] == 'b') return false;  // backspace
    if (!escape(item)) return false;
    single = -1;
    if (item.count() == 1)
      for (int b = 0; b < 256; ++b)
        if (item.test(static_cast<std::size_t>(b))) single = b;
    return true;
  }

  bool char_class(node& n) {
    ++pos_;
    const bool negate = peek('^');
    if (negate) ++pos_;
    if (peek(']')) return false;  // [] and [^]
    byte_set set;
    while (pos_ < p_.size() && !peek(']')) {
      byte_set lo_item;
      int lo = -1;
      if (!class_atom(lo_item, lo)) return false;
      if (peek('-') && pos_ + 1 < p_.size() && p_[pos_ + 1] != ']') {
        ++pos_;
        byte_set hi_item;
        int hi = -1;
        if (!class_atom(hi_item, hi) || lo < 0 || hi < 0 || lo > hi) return false;
        set |= range(lo, hi);
      } else {
        set |= lo_item;
      }
    }
    if (!peek(']')) return false;
    ++pos_;
    n.chars = negate ? ~set : set;
    return true;
  }

  bool number(int& out) {
    const std::size_t start = pos_;
    long v = 0;
    while (pos_ < p_.size() && p_[pos_] >= '0' && p_[pos_] <= '9' && v <= max_count)
      v = v * 10 + (p_[pos_++] - '0');
    out = static_cast<int>(v);
    return pos_ > start && v <= max_count;
  }

  bool quantifier(node& n) {
    if (!is_quantifier_start()) return true;
    int lo = 0, hi = -1;
    const char c = p_[pos_++];
    if (c == '+')
      lo = 1;
    else if (c == '?')
      hi = 1;
    else if (c == '{') {
      if (!number(lo)) return false;
      hi = lo;
      if (peek(',')) {
        ++pos_;
        hi = -1;
        if (!peek('}') && !number(hi)) return false;
      }
      if (!peek('}')) return false;
      ++pos_;
    }
    if (n.k == node::kind::lookahead || n.k == node::kind::negative_lookahead) return false;
    if (is_quantifier_start() || (hi >= 0 && lo > hi)) return false;  // lazy or doubled quantifiers
    n.min = lo;
    n.max = hi;
    return true;
  }

  std::string_view p_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// What remains to match after the current sequence: either the rest of an
// enclosing sequence, or the next iteration of a quantified group.
struct cont {
  const sequence* seq = nullptr;
  std::size_t index = 0;
  const cont* next = nullptr;
  const node* group = nullptr;  // set for a repetition continuation
  int count = 0;                // iterations done, including the one just matched
  std::size_t start = 0;        // where that iteration started
};

class matcher {
 public:
  explicit matcher(std::string_view s) : s_(s) {}

  bool sequence_at(const sequence& q, std::size_t i, std::size_t pos, const cont* k) const {
    if (i == q.size()) return resume(k, pos);
    const node& n = q[i];
    switch (n.k) {
      case node::kind::bol:
        return pos == 0 && sequence_at(q, i + 1, pos, k);
      case node::kind::eol:
        return pos == s_.size() && sequence_at(q, i + 1, pos, k);
      case node::kind::lookahead:
      case node::kind::negative_lookahead: {
        const bool found =
            std::any_of(n.alternatives.begin(), n.alternatives.end(),
                        [&](const sequence& alt) { return sequence_at(alt, 0, pos, nullptr); });
        return found == (n.k == node::kind::lookahead) && sequence_at(q, i + 1, pos, k);
      }
      case node::kind::chars:
        return chars_at(n, q, i, pos, k);
      case node::kind::group: {
        const cont after{&q, i + 1, k};
        return repeat(n, 0, pos, &after);
      }
    }
    return false;
  }

 private:
  // A run of single-byte atoms is measured in a loop, then backtracked greedily.
  bool chars_at(const node& n, const sequence& q, std::size_t i, std::size_t pos, const cont* k) const {
    const std::size_t room = s_.size() - pos;
    const std::size_t limit = n.max < 0 ? room : std::min<std::size_t>(static_cast<std::size_t>(n.max), room);
    std::size_t run = 0;
    while (run < limit && n.chars.test(static_cast<unsigned char>(s_[pos + run]))) ++run;
    for (std::size_t c = run + 1; c-- > static_cast<std::size_t>(n.min);)
      if (sequence_at(q, i + 1, pos + c, k)) return true;
    return false;
  }

  bool repeat(const node& g, int count, std::size_t pos, const cont* after) const {
    if (g.max < 0 || count < g.max) {
      const cont again{nullptr, 0, after, &g, count + 1, pos};
      for (const auto& alt : g.alternatives)
        if (sequence_at(alt, 0, pos, &again)) return true;
    }
    return count >= g.min && resume(after, pos);
  }

  bool resume(const cont* k, std::size_t pos) const {
    if (k == nullptr) return true;
    if (k->group == nullptr) return sequence_at(*k->seq, k->index, pos, k->next);
    // ECMAScript: an iteration beyond the minimum that matched nothing fails (no endless empty loops).
    if (pos == k->start && k->count > k->group->min) return false;
    return repeat(*k->group, k->count, pos, k->next);
  }

  std::string_view s_;
};

}  // namespace

std::optional<fast_regex> fast_regex::compile(std::string_view pattern) {
  auto alts = parser(pattern).parse();
  if (!alts) return std::nullopt;
  fast_regex r;
  r.anchored_ = std::all_of(alts->begin(), alts->end(),
                            [](const sequence& s) { return !s.empty() && s.front().k == node::kind::bol; });
  node top;
  top.k = node::kind::group;
  top.alternatives = std::move(*alts);
  r.root_ = std::make_shared<const sequence>(sequence{std::move(top)});
  return r;
}

bool fast_regex::search(std::string_view s) const {
  const matcher m(s);
  const std::size_t last = anchored_ ? 0 : s.size();
  for (std::size_t start = 0; start <= last; ++start)
    if (m.sequence_at(*root_, 0, start, nullptr)) return true;
  return false;
}

}  // namespace eventfabric::schema::detail
