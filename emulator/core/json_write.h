#pragma once
// Writing JSON text directly into a string, for responses built without a
// DOM: escaped strings (invalid UTF-8 becomes U+FFFD, so the output is always
// valid JSON, as nlohmann's error_handler_t::replace does) and stored values
// spliced in as they are when they are JSON already.

#include <cstdint>
#include <string>
#include <string_view>

namespace eventfabric::core {

// `s` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);

// An integer as JSON text (and nlohmann's dump) writes it.
void append_json_int(std::string& out, int64_t v);
void append_json_int(std::string& out, uint64_t v);

// `text` itself when it is one JSON value (the usual case: values produced
// over HTTP are JSON text), else `text` as a JSON string -- what a parse of
// the text with a fallback to the string gives, without building a DOM.
void append_json_value(std::string& out, std::string_view text);

// Valid JSON text without the whitespace outside its strings (the input must
// be valid JSON; a slice taken by json_cursor::value is).
void append_compact_json(std::string& out, std::string_view json);

// Appends JSON to `out` token by token, placing the commas:
//   json_writer w(out); w.begin_object().key("n").number(1).key("v").value(text).end_object();
class json_writer {
 public:
  explicit json_writer(std::string& out) : out_(out) {}
  json_writer& begin_object() { return open('{'); }
  json_writer& end_object() { return close('}'); }
  json_writer& begin_array() { return open('['); }
  json_writer& end_array() { return close(']'); }
  json_writer& key(std::string_view k);
  json_writer& string(std::string_view s);
  json_writer& number(int64_t v);
  json_writer& number(uint64_t v);
  json_writer& number(int32_t v) { return number(static_cast<int64_t>(v)); }
  json_writer& boolean(bool v) { return raw(v ? "true" : "false"); }
  json_writer& null() { return raw("null"); }
  json_writer& value(std::string_view text);  // append_json_value
  json_writer& raw(std::string_view json);    // text known to be JSON

 private:
  json_writer& open(char c);
  json_writer& close(char c);
  void separate() {
    if (comma_) out_.push_back(',');
  }
  std::string& out_;
  bool comma_ = false;
};

}  // namespace eventfabric::core
