#include "emulator/schema/schema_formats.h"

#include <array>

#include "emulator/core/envelope.h"

namespace eventfabric::schema::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

int number(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || !is_digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const int y = number(s, 0, 4), m = number(s, 5, 2), d = number(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= (m == 2 && leap ? 29 : days[static_cast<std::size_t>(m - 1)]);
}

// RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM).
bool is_time(std::string_view s) {
  return s.size() >= 9 && core::is_rfc3339(std::string("2000-01-01T") + std::string(s));
}

bool is_hostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (label == 0 || label > 63 || s[i - 1] == '-' || s[i - label] == '-') return false;
      label = 0;
    } else if (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '-') {
      ++label;
    } else {
      return false;
    }
  }
  return true;
}

bool is_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    const std::size_t len = i - start;
    if (len == 0 || len > 3 || (len > 1 && s[start] == '0') || number(s, start, len) > 255) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view s) {
  if (s.empty() || s.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.starts_with("::")) {
    compressed = true;
    i = 2;
  } else if (s.front() == ':') {
    return false;
  }
  while (i < s.size()) {
    std::size_t start = i;
    while (i < s.size() && is_hex(s[i])) ++i;
    if (i < s.size() && s[i] == '.') {  // trailing dotted IPv4 counts as two groups
      if (!is_ipv4(s.substr(start))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    if (i == start || i - start > 4) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    if (i + 1 < s.size() && s[i + 1] == ':') {
      if (compressed) return false;
      compressed = true;
      i += 2;
    } else {
      ++i;
      if (i == s.size()) return false;
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

bool is_email(std::string_view s, bool allow_unicode) {
  const auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return false;
  const std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (char c : local) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '@' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' ||
        c == '<' || c == '>' || c == '[' || c == ']' || c == '\\' || c == '"' ||
        (u >= 0x80 && !allow_unicode))
      return false;
  }
  if (domain.front() == '[' && domain.back() == ']') {
    const std::string_view lit = domain.substr(1, domain.size() - 2);
    return lit.starts_with("IPv6:") ? is_ipv6(lit.substr(5)) : is_ipv4(lit);
  }
  if (allow_unicode) return domain.find_first_of(" @") == std::string_view::npos && domain.front() != '.';
  return is_hostname(domain);
}

bool is_uri_char(char c) {
  static constexpr std::string_view other = "-._~:/?#[]@!$&'()*+,;=%";
  return is_alpha(c) || is_digit(c) || other.find(c) != std::string_view::npos;
}

bool is_uri_reference(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_uri_char(s[i])) return false;
    if (s[i] == '%' && (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))) return false;
  }
  const auto hash = s.find('#');
  return hash == std::string_view::npos || s.find('#', hash + 1) == std::string_view::npos;
}

bool is_uri(std::string_view s) {
  const auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(s[0])) return false;
  for (std::size_t i = 1; i < colon; ++i)
    if (!(is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) return false;
  return is_uri_reference(s);
}

bool is_json_pointer(std::string_view s) {
  if (s.empty()) return true;
  if (s.front() != '/') return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '~' && (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1'))) return false;
  return true;
}

bool is_relative_json_pointer(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == 0 || (i > 1 && s[0] == '0')) return false;
  const std::string_view rest = s.substr(i);
  return rest == "#" || is_json_pointer(rest);
}

}  // namespace

bool is_asserted_format(std::string_view f) noexcept {
  static constexpr std::array<std::string_view, 13> known = {"date-time",
                                                             "date",
                                                             "time",
                                                             "email",
                                                             "idn-email",
                                                             "hostname",
                                                             "ipv4",
                                                             "ipv6",
                                                             "uri",
                                                             "uri-reference",
                                                             "uuid",
                                                             "json-pointer",
                                                             "relative-json-pointer"};
  for (auto k : known)
    if (k == f) return true;
  return false;
}

bool check_format(std::string_view f, std::string_view v) noexcept {
  try {
    if (f == "date-time") return core::is_rfc3339(v);
    if (f == "date") return is_date(v);
    if (f == "time") return is_time(v);
    if (f == "email") return is_email(v, false);
    if (f == "idn-email") return is_email(v, true);
    if (f == "hostname") return is_hostname(v);
    if (f == "ipv4") return is_ipv4(v);
    if (f == "ipv6") return is_ipv6(v);
    if (f == "uri") return is_uri(v);
    if (f == "uri-reference") return is_uri_reference(v);
    if (f == "uuid") return core::is_uuid(v);
    if (f == "json-pointer") return is_json_pointer(v);
    if (f == "relative-json-pointer") return is_relative_json_pointer(v);
  } catch (...) {  // std::string allocation in is_time
    return false;
  }
  return true;
}

}  // namespace eventfabric::schema::detail
