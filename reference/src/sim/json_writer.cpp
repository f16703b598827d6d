#include "midnight/sim/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace midnight::sim {

std::string json_quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string q;
  q.reserve(s.size() + 2);
  q.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': q += "\\\""; break;
      case '\\': q += "\\\\"; break;
      case '\n': q += "\\n"; break;
      case '\r': q += "\\r"; break;
      case '\t': q += "\\t"; break;
      default:
        if (c < 0x20) {
          q += "\\u00";
          q.push_back(kHex[c >> 4]);
          q.push_back(kHex[c & 15]);
        } else {
          q.push_back(ch);
        }
    }
  }
  q.push_back('"');
  return q;
}

bool JsonWriter::single_line() const {
  for (const auto& f : stack_)
    if (f.single_line) return true;
  return false;
}

void JsonWriter::newline_indent(std::size_t depth) {
  out_.push_back('\n');
  out_.append(2 * depth, ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Frame& f = stack_.back();
  if (!f.empty) out_.push_back(',');
  if (single_line()) {
    if (!f.empty) out_.push_back(' ');
  } else {
    newline_indent(stack_.size());
  }
  f.empty = false;
}

void JsonWriter::open(char c, bool array, bool line) {
  before_value();
  out_.push_back(c);
  stack_.push_back({array, line, true});
}

void JsonWriter::close(char c) {
  if (stack_.empty()) return;  // unbalanced: ignore rather than corrupt memory
  const Frame f = stack_.back();
  const bool line = single_line();
  stack_.pop_back();
  if (!f.empty && !line) newline_indent(stack_.size());
  out_.push_back(c);
  if (stack_.empty()) out_.push_back('\n');
}

JsonWriter& JsonWriter::begin_object(bool line) {
  open('{', false, line);
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  close('}');
  return *this;
}
JsonWriter& JsonWriter::begin_array(bool line) {
  open('[', true, line);
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  close(']');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  out_ += json_quote(k);
  out_ += ": ";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  out_ += json_quote(s);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  before_value();
  if (!std::isfinite(d)) {
    out_ += "null";  // JSON has no NaN or infinity
    return *this;
  }
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  out_.append(buf.data(), ec == std::errc() ? end : buf.data());
  return *this;
}

JsonWriter& JsonWriter::signed_value(std::int64_t x) {
  before_value();
  out_ += std::to_string(x);
  return *this;
}

JsonWriter& JsonWriter::unsigned_value(std::uint64_t x) {
  before_value();
  out_ += std::to_string(x);
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

}  // namespace midnight::sim
