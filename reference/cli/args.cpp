#include "args.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace midnight::cli {

std::string_view Args::value_of(std::string_view flag) {
  if (done()) throw UsageError{std::string(flag) + " needs a value"};
  return next();
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 10);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  out = v;
  return true;
}

bool parse_size(std::string_view text, std::size_t& out) {
  std::uint64_t v = 0;
  if (!parse_u64(text, v) || v > std::numeric_limits<std::size_t>::max()) return false;
  out = static_cast<std::size_t>(v);
  return true;
}

bool parse_probability(std::string_view text, double& out) {
  if (text.empty()) return false;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  if (!std::isfinite(v) || v < 0.0 || v > 1.0) return false;
  out = v;
  return true;
}

std::uint64_t require_u64(std::string_view what, std::string_view text) {
  std::uint64_t v = 0;
  if (!parse_u64(text, v)) throw UsageError{std::string(what) + ": not a non-negative integer: '" + std::string(text) + "'"};
  return v;
}

std::size_t require_size(std::string_view what, std::string_view text) {
  std::size_t v = 0;
  if (!parse_size(text, v)) throw UsageError{std::string(what) + ": not a non-negative integer: '" + std::string(text) + "'"};
  return v;
}

double require_probability(std::string_view what, std::string_view text) {
  double v = 0;
  if (!parse_probability(text, v)) throw UsageError{std::string(what) + ": not a probability in [0, 1]: '" + std::string(text) + "'"};
  return v;
}

}  // namespace midnight::cli
