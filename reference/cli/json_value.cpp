#include "json_value.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "midnight/core/bytes.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/sim/json_writer.hpp"

namespace midnight::cli {

Json Json::boolean(bool b) {
  Json j;
  j.kind_ = Kind::boolean;
  j.bool_ = b;
  return j;
}
Json Json::number(std::int64_t n) {
  Json j;
  j.kind_ = Kind::number;
  j.negative_ = n < 0;
  j.magnitude_ = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  return j;
}
Json Json::unsigned_number(std::uint64_t n) {
  Json j;
  j.kind_ = Kind::number;
  j.magnitude_ = n;
  return j;
}
Json Json::string(std::string s) {
  Json j;
  j.kind_ = Kind::string;
  j.string_ = std::move(s);
  return j;
}
Json Json::array() {
  Json j;
  j.kind_ = Kind::array;
  return j;
}
Json Json::object() {
  Json j;
  j.kind_ = Kind::object;
  return j;
}

const Json* Json::find(std::string_view key) const {
  if (kind_ != Kind::object) return nullptr;
  for (const Member& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

const Json& Json::at(std::string_view key) const {
  const Json* v = find(key);
  if (v == nullptr) throw JsonError{"missing key '" + std::string(key) + "'"};
  return *v;
}

const std::string& Json::str(std::string_view key) const {
  const Json& v = at(key);
  if (!v.is_string()) throw JsonError{"key '" + std::string(key) + "' is not a string"};
  return v.as_string();
}

std::int64_t Json::integer(std::string_view key) const {
  const Json& v = at(key);
  if (!v.is_number()) throw JsonError{"key '" + std::string(key) + "' is not an integer"};
  return v.as_int();
}

Json& Json::push(Json v) {
  items_.push_back(std::move(v));
  return items_.back();
}

Json& Json::set(std::string key, Json v) {
  for (Member& m : members_)
    if (m.first == key) {
      m.second = std::move(v);
      return m.second;
    }
  members_.emplace_back(std::move(key), std::move(v));
  return members_.back().second;
}

void Json::dump_to(std::string& out) const {
  switch (kind_) {
    case Kind::null: out += "null"; return;
    case Kind::boolean: out += bool_ ? "true" : "false"; return;
    case Kind::number:
      if (negative_) out += '-';
      out += std::to_string(magnitude_);
      return;
    case Kind::string: out += sim::json_quote(string_); return;
    case Kind::array:
      out += '[';
      for (std::size_t i = 0; i < items_.size(); ++i) {
        if (i) out += ',';
        items_[i].dump_to(out);
      }
      out += ']';
      return;
    case Kind::object:
      out += '{';
      for (std::size_t i = 0; i < members_.size(); ++i) {
        if (i) out += ',';
        out += sim::json_quote(members_[i].first);
        out += ':';
        members_[i].second.dump_to(out);
      }
      out += '}';
      return;
  }
}

std::string Json::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

namespace {

// A recursive-descent reader. Nesting is limited so that a hostile answer cannot exhaust
// the stack.
class Reader {
 public:
  explicit Reader(std::string_view t) : t_(t) {}

  JsonParse run() {
    JsonParse r;
    Json v;
    if (!value(v, 0)) {
      r.error = error_ + " at byte " + std::to_string(pos_);
      return r;
    }
    skip_space();
    if (pos_ != t_.size()) {
      r.error = "text after the JSON value at byte " + std::to_string(pos_);
      return r;
    }
    r.value = std::move(v);
    return r;
  }

 private:
  static constexpr int kMaxDepth = 64;

  bool fail(std::string e) {
    error_ = std::move(e);
    return false;
  }
  void skip_space() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t')) ++pos_;
  }
  bool literal(std::string_view word) {
    if (t_.substr(pos_, word.size()) != word) return fail("expected '" + std::string(word) + "'");
    pos_ += word.size();
    return true;
  }

  bool value(Json& out, int depth) {
    if (depth > kMaxDepth) return fail("nesting deeper than 64");
    skip_space();
    if (pos_ >= t_.size()) return fail("unexpected end of text");
    const char c = t_[pos_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      std::string s;
      if (!string(s)) return false;
      out = Json::string(std::move(s));
      return true;
    }
    if (c == 't') {
      out = Json::boolean(true);
      return literal("true");
    }
    if (c == 'f') {
      out = Json::boolean(false);
      return literal("false");
    }
    if (c == 'n') {
      out = Json();
      return literal("null");
    }
    return number(out);
  }

  bool number(Json& out) {
    const std::size_t start = pos_;
    const bool negative = pos_ < t_.size() && t_[pos_] == '-';
    if (negative) ++pos_;
    const std::size_t digits = pos_;
    while (pos_ < t_.size() && t_[pos_] >= '0' && t_[pos_] <= '9') ++pos_;
    if (pos_ < t_.size() && (t_[pos_] == '.' || t_[pos_] == 'e' || t_[pos_] == 'E'))
      return fail("a number that is not an integer");
    std::uint64_t magnitude = 0;
    const auto [end, ec] = std::from_chars(t_.data() + digits, t_.data() + pos_, magnitude);
    const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : UINT64_MAX;
    if (ec != std::errc() || end != t_.data() + pos_ || pos_ == digits || magnitude > limit) {
      pos_ = start;
      return fail("not a JSON value, or an integer out of range");
    }
    out = negative ? Json::number(magnitude == (std::uint64_t{1} << 63) ? INT64_MIN
                                                                       : -static_cast<std::int64_t>(magnitude))
                   : Json::unsigned_number(magnitude);
    return true;
  }

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool string(std::string& s) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= t_.size()) return fail("unterminated string");
      const char c = t_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        s += c;
        continue;
      }
      if (pos_ >= t_.size()) return fail("unterminated escape");
      const char e = t_[pos_++];
      switch (e) {
        case '"': s += '"'; break;
        case '\\': s += '\\'; break;
        case '/': s += '/'; break;
        case 'b': s += '\b'; break;
        case 'f': s += '\f'; break;
        case 'n': s += '\n'; break;
        case 'r': s += '\r'; break;
        case 't': s += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xd800 && cp <= 0xdbff) {  // a surrogate pair
            unsigned low = 0;
            if (t_.substr(pos_, 2) != "\\u") return fail("lone high surrogate");
            pos_ += 2;
            if (!hex4(low) || low < 0xdc00 || low > 0xdfff) return fail("bad low surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          utf8(s, cp);
          break;
        }
        default: return fail("unknown escape");
      }
    }
  }
  bool hex4(unsigned& cp) {
    if (pos_ + 4 > t_.size()) return fail("short \\u escape");
    for (int i = 0; i < 4; ++i) {
      const int d = hex_digit(t_[pos_++]);
      if (d < 0) return fail("bad \\u escape");
      cp = cp << 4 | static_cast<unsigned>(d);
    }
    return true;
  }
  static void utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xc0 | cp >> 6);
      s += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xe0 | cp >> 12);
      s += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      s += static_cast<char>(0xf0 | cp >> 18);
      s += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
      s += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  bool array(Json& out, int depth) {
    ++pos_;
    out = Json::array();
    skip_space();
    if (pos_ < t_.size() && t_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      Json v;
      if (!value(v, depth + 1)) return false;
      out.push(std::move(v));
      skip_space();
      if (pos_ >= t_.size()) return fail("unterminated array");
      const char c = t_[pos_++];
      if (c == ']') return true;
      if (c != ',') return fail("expected ',' or ']'");
    }
  }

  bool object(Json& out, int depth) {
    ++pos_;
    out = Json::object();
    skip_space();
    if (pos_ < t_.size() && t_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_space();
      if (pos_ >= t_.size() || t_[pos_] != '"') return fail("expected a key");
      std::string key;
      if (!string(key)) return false;
      skip_space();
      if (pos_ >= t_.size() || t_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      Json v;
      if (!value(v, depth + 1)) return false;
      if (out.find(key) != nullptr) return fail("duplicate key '" + key + "'");
      out.set(std::move(key), std::move(v));
      skip_space();
      if (pos_ >= t_.size()) return fail("unterminated object");
      const char c = t_[pos_++];
      if (c == '}') return true;
      if (c != ',') return fail("expected ',' or '}'");
    }
  }

  std::string_view t_;
  std::size_t pos_ = 0;
  std::string error_;
};


constexpr std::size_t kHexLimit = 4096;   // longer byte strings travel as segments
constexpr std::size_t kMinRun = 64;       // a run of one byte this long becomes one segment


std::vector<std::uint8_t> hex_bytes(const std::string& hex) {
  if (hex.size() % 2 != 0) throw JsonError{"odd number of hex digits"};
  std::vector<std::uint8_t> out(hex.size() / 2);
  if (!from_hex(hex, out)) throw JsonError{"not a hex string: '" + hex.substr(0, 160) + "'"};
  return out;
}


}  // namespace

JsonParse parse_json(std::string_view text) { return Reader(text).run(); }

Json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw JsonError{"cannot open '" + path + "'"};
  std::ostringstream ss;
  ss << in.rdbuf();
  JsonParse p = parse_json(ss.str());
  if (!p.value) throw JsonError{"'" + path + "' is not valid JSON: " + p.error};
  return std::move(*p.value);
}


std::vector<std::uint8_t> bytes_of(const Json& v) {
  if (v.is_string()) return hex_bytes(v.as_string());
  if (!is_byte_segments(v)) throw JsonError{"not a byte string: " + v.dump().substr(0, 160)};
  std::vector<std::uint8_t> out;
  for (const Json& seg : v.at("segments").items()) {
    const std::vector<std::uint8_t> piece = hex_bytes(seg.str("hex"));
    const std::int64_t repeat = seg.integer("repeat");
    if (repeat < 0 || static_cast<std::uint64_t>(repeat) * piece.size() > (std::uint64_t{1} << 31))
      throw JsonError{"a segment repeats beyond 2 GiB"};
    for (std::int64_t i = 0; i < repeat; ++i) out.insert(out.end(), piece.begin(), piece.end());
  }
  if (const Json* size = v.find("size"); size != nullptr && size->as_int() != static_cast<std::int64_t>(out.size()))
    throw JsonError{"segments give " + std::to_string(out.size()) + " bytes, size says " + std::to_string(size->as_int())};
  if (const Json* digest = v.find("sha256"); digest != nullptr && digest->as_string() != to_hex(sha256(out)))
    throw JsonError{"segments do not have their sha256"};
  return out;
}

bool is_byte_segments(const Json& v) { return v.is_object() && v.find("segments") != nullptr; }

std::string hex_of(std::span<const std::uint8_t> b) { return to_hex(b); }

Json bytes_json(std::span<const std::uint8_t> b) {
  if (b.size() <= kHexLimit) return Json::string(to_hex(b));
  Json segments = Json::array();
  std::size_t literal_start = 0;
  const auto flush_literal = [&](std::size_t end) {
    if (end > literal_start) {
      Json s = Json::object();
      s.set("hex", to_hex(b.subspan(literal_start, end - literal_start)));
      s.set("repeat", std::int64_t{1});
      segments.push(std::move(s));
    }
  };
  std::size_t i = 0;
  while (i < b.size()) {
    std::size_t j = i;
    while (j < b.size() && b[j] == b[i]) ++j;
    if (j - i >= kMinRun) {
      flush_literal(i);
      Json s = Json::object();
      s.set("hex", to_hex(b.subspan(i, 1)));
      s.set("repeat", static_cast<std::int64_t>(j - i));
      segments.push(std::move(s));
      literal_start = j;
    }
    i = j;
  }
  flush_literal(b.size());
  Json out = Json::object();
  out.set("size", static_cast<std::int64_t>(b.size()));
  out.set("sha256", to_hex(sha256(b)));
  out.set("segments", std::move(segments));
  return out;
}

}  // namespace midnight::cli
