// A JSON value with a reader and a one-line writer, for the adapter protocol
// (spec/adapter.md): the oracle reads the vector files and the answers and writes
// requests, the reference's adapter reads requests and writes answers, one per line.
// The core never sees JSON; this lives with the command line only.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace midnight::cli {

class Json {
 public:
  enum class Kind { null, boolean, number, string, array, object };
  using Member = std::pair<std::string, Json>;

  Json() = default;
  static Json boolean(bool b);
  static Json number(std::int64_t n);
  // Integers from 2^63 to 2^64 - 1: a u64 field of a decoded message can hold any value.
  static Json unsigned_number(std::uint64_t n);
  static Json string(std::string s);
  static Json array();
  static Json object();

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  bool is_bool() const { return kind_ == Kind::boolean; }
  bool is_number() const { return kind_ == Kind::number; }
  bool is_string() const { return kind_ == Kind::string; }
  bool is_array() const { return kind_ == Kind::array; }
  bool is_object() const { return kind_ == Kind::object; }

  // Accessors for a value known to be of that kind; the caller checks kind() first or
  // uses the find/at helpers, which report a missing or mistyped key as a JsonError.
  bool as_bool() const { return bool_; }
  // The number as a signed 64-bit value (a number at or above 2^63 reads as negative:
  // use is_unsigned_above_int64 / as_u64 where such values are possible).
  std::int64_t as_int() const { return static_cast<std::int64_t>(magnitude_) * (negative_ ? -1 : 1); }
  bool is_unsigned_above_int64() const { return !negative_ && magnitude_ > static_cast<std::uint64_t>(INT64_MAX); }
  // The number as an unsigned 64-bit value; nullopt when it is negative.
  std::optional<std::uint64_t> as_u64() const {
    return negative_ ? std::nullopt : std::optional<std::uint64_t>(magnitude_);
  }
  const std::string& as_string() const { return string_; }
  const std::vector<Json>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }

  // Object access: nullptr when absent (or when this is not an object).
  const Json* find(std::string_view key) const;
  // Object access that must succeed: throws JsonError naming the key.
  const Json& at(std::string_view key) const;
  const std::string& str(std::string_view key) const;
  std::int64_t integer(std::string_view key) const;

  // Building.
  Json& push(Json v);                       // array
  Json& set(std::string key, Json v);       // object: replaces an existing key
  Json& set(std::string key, std::string v) { return set(std::move(key), string(std::move(v))); }
  Json& set(std::string key, const char* v) { return set(std::move(key), string(v)); }
  Json& set(std::string key, std::int64_t v) { return set(std::move(key), number(v)); }
  Json& set(std::string key, bool v) { return set(std::move(key), boolean(v)); }

  // One line, no spaces, keys in insertion order.
  std::string dump() const;
  void dump_to(std::string& out) const;

 private:
  Kind kind_ = Kind::null;
  bool bool_ = false;
  bool negative_ = false;       // a number: sign and magnitude, so that the whole u64
  std::uint64_t magnitude_ = 0;  // range and the whole i64 range both fit
  std::string string_;
  std::vector<Json> items_;
  std::vector<Member> members_;
};

// A malformed document, or a value that is not what the reader needs (a missing key, a
// string where a number belongs), with a message a person can act on.
struct JsonError {
  std::string message;
};

// Parses one JSON document (RFC 8259). Numbers must be integers from -(2^63) to
// 2^64 - 1 (every number of the vectors and of the adapter protocol is); anything else
// is an error. Returns the error text on failure.
struct JsonParse {
  std::optional<Json> value;
  std::string error;
};
JsonParse parse_json(std::string_view text);

// Reads and parses a whole file; throws JsonError on failure.
Json read_json_file(const std::string& path);

// Byte strings of the vectors and of the protocol: hex, or the segments object of
// spec/vectors/README.md. Throws JsonError on anything else.
std::vector<std::uint8_t> bytes_of(const Json& v);
// Whether `v` is the segments form of a byte string.
bool is_byte_segments(const Json& v);
std::string hex_of(std::span<const std::uint8_t> b);
// The form a request carries: hex up to 4096 bytes, segments (with runs of a repeated
// byte folded) above.
Json bytes_json(std::span<const std::uint8_t> b);


}  // namespace midnight::cli
