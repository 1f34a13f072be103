#include "emulator/schema/schema_uri.h"

#include <optional>

namespace eventfabric::schema::detail {
namespace {

struct uri_parts {
  std::optional<std::string> scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

bool is_scheme_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) return alpha;
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

uri_parts parse(std::string_view s) {
  uri_parts p;
  if (auto hash = s.find('#'); hash != std::string_view::npos) {
    p.fragment = std::string(s.substr(hash + 1));
    s = s.substr(0, hash);
  }
  if (auto q = s.find('?'); q != std::string_view::npos) {
    p.query = std::string(s.substr(q + 1));
    s = s.substr(0, q);
  }
  if (auto colon = s.find(':'); colon != std::string_view::npos && colon > 0) {
    bool ok = true;
    for (std::size_t i = 0; i < colon && ok; ++i) ok = is_scheme_char(s[i], i == 0);
    if (ok) {
      p.scheme = std::string(s.substr(0, colon));
      s = s.substr(colon + 1);
    }
  }
  if (s.starts_with("//")) {
    s = s.substr(2);
    const auto slash = s.find('/');
    p.authority = std::string(s.substr(0, slash));
    s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash);
  }
  p.path = std::string(s);
  return p;
}

// RFC 3986 section 5.2.4.
std::string remove_dot_segments(std::string in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.erase(0, 3);
    } else if (in.starts_with("./")) {
      in.erase(0, 2);
    } else if (in.starts_with("/./")) {
      in.erase(0, 2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in == "/.." ? "/" : in.substr(3);
      const auto last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in.clear();
    } else {
      const auto next = in.find('/', in.front() == '/' ? 1 : 0);
      out += in.substr(0, next);
      in.erase(0, next == std::string::npos ? in.size() : next);
    }
  }
  return out;
}

std::string merge_paths(const uri_parts& base, const std::string& ref_path) {
  if (base.authority && base.path.empty()) return "/" + ref_path;
  const auto last = base.path.rfind('/');
  return last == std::string::npos ? ref_path : base.path.substr(0, last + 1) + ref_path;
}

std::string compose(const uri_parts& p) {
  std::string s;
  if (p.scheme) s += *p.scheme + ":";
  if (p.authority) s += "//" + *p.authority;
  s += p.path;
  if (p.query) s += "?" + *p.query;
  if (p.fragment) s += "#" + *p.fragment;
  return s;
}

}  // namespace

std::string resolve_uri(std::string_view base_text, std::string_view ref_text) {
  if (base_text.empty()) return std::string(ref_text);
  const uri_parts base = parse(base_text);
  const uri_parts ref = parse(ref_text);
  uri_parts t;
  if (ref.scheme) {
    t = ref;
    t.path = remove_dot_segments(ref.path);
  } else if (ref.authority) {
    t = ref;
    t.scheme = base.scheme;
    t.path = remove_dot_segments(ref.path);
  } else {
    t.scheme = base.scheme;
    t.authority = base.authority;
    if (ref.path.empty()) {
      t.path = base.path;
      t.query = ref.query ? ref.query : base.query;
    } else {
      t.path = remove_dot_segments(ref.path.front() == '/' ? ref.path : merge_paths(base, ref.path));
      t.query = ref.query;
    }
    t.fragment = ref.fragment;
  }
  return compose(t);
}

std::pair<std::string, std::string> split_fragment(std::string_view uri) {
  const auto hash = uri.find('#');
  if (hash == std::string_view::npos) return {std::string(uri), {}};
  return {std::string(uri.substr(0, hash)), std::string(uri.substr(hash + 1))};
}

}  // namespace eventfabric::schema::detail
