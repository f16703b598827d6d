// A small streaming JSON writer: the project has no JSON dependency and needs only to
// write. Output is deterministic (no locale, shortest round-trip doubles), pretty-printed
// with two-space indentation; a container opened "inline" stays on one line, so line
// tools (grep, awk) can read one record per line.
#pragma once
#include <concepts>
#include <cstdint>
#include <string>
#include <type_traits>
#include <string_view>
#include <vector>

namespace midnight::sim {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object(bool single_line = false);
  JsonWriter& end_object();
  JsonWriter& begin_array(bool single_line = false);
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(double d);
  template <std::integral T>
  JsonWriter& value(T x) {
    if constexpr (std::is_signed_v<T>)
      return signed_value(static_cast<std::int64_t>(x));
    else
      return unsigned_value(static_cast<std::uint64_t>(x));
  }
  JsonWriter& null();

  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  struct Frame {
    bool array = false;
    bool single_line = false;
    bool empty = true;
  };
  JsonWriter& signed_value(std::int64_t x);
  JsonWriter& unsigned_value(std::uint64_t x);
  void before_value();  // separator and indentation before an array element or top value
  void open(char c, bool array, bool single_line);
  void close(char c);
  void newline_indent(std::size_t depth);
  bool single_line() const;

  std::string& out_;
  std::vector<Frame> stack_;
  bool after_key_ = false;
};

// JSON string literal for `s` (quotes included).
std::string json_quote(std::string_view s);

}  // namespace midnight::sim
