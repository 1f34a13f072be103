#include "emulator/core/json_write.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "emulator/core/json_scan.h"

namespace eventfabric::core {
namespace {

bool plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t run = i;
    while (run < s.size() && plain(static_cast<unsigned char>(s[run]))) ++run;
    out.append(s.data() + i, run - i);
    i = run;
    if (i >= s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s.substr(i));
      if (n == 0) {
        out.append("\xEF\xBF\xBD");  // U+FFFD for a byte that is not UTF-8
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.push_back('"');
}

void append_json_value(std::string& out, std::string_view text) {
  std::string_view slice;
  switch (scan_json(text, &slice)) {
    case json_verdict::valid:
      out.append(slice);  // without the whitespace around it
      return;
    case json_verdict::invalid:
      append_json_string(out, text);
      return;
    case json_verdict::unsure:
      break;
  }
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded())
    append_json_string(out, text);
  else
    out.append(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void append_compact_json(std::string& out, std::string_view json) {
  std::size_t i = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {  // copy the whole string
      std::size_t j = i + 1;
      while (j < json.size() && json[j] != '"') j += json[j] == '\\' ? 2 : 1;
      const std::size_t end = std::min(j + 1, json.size());
      out.append(json.data() + i, end - i);
      i = end;
      continue;
    }
    std::size_t j = i;
    while (j < json.size() && json[j] != '"' && json[j] != ' ' && json[j] != '\n' && json[j] != '\r' && json[j] != '\t') ++j;
    out.append(json.data() + i, j - i);
    i = j;
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) ++i;
  }
}

json_writer& json_writer::open(char c) {
  separate();
  out_.push_back(c);
  comma_ = false;
  return *this;
}

json_writer& json_writer::close(char c) {
  out_.push_back(c);
  comma_ = true;
  return *this;
}

json_writer& json_writer::key(std::string_view k) {
  separate();
  append_json_string(out_, k);
  out_.push_back(':');
  comma_ = false;
  return *this;
}

json_writer& json_writer::string(std::string_view s) {
  separate();
  append_json_string(out_, s);
  comma_ = true;
  return *this;
}

void append_json_int(std::string& out, int64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void append_json_int(std::string& out, uint64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

json_writer& json_writer::number(int64_t v) {
  separate();
  append_json_int(out_, v);
  comma_ = true;
  return *this;
}

json_writer& json_writer::number(uint64_t v) {
  separate();
  append_json_int(out_, v);
  comma_ = true;
  return *this;
}

json_writer& json_writer::value(std::string_view text) {
  separate();
  append_json_value(out_, text);
  comma_ = true;
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  separate();
  out_.append(json);
  comma_ = true;
  return *this;
}

}  // namespace eventfabric::core
