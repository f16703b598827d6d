// Command-line parsing helpers. Numbers go through std::from_chars (no exceptions, no
// locale); every failure becomes a UsageError the caller turns into exit code 2.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace midnight::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // safety violation, failed scenario, no agreement
inline constexpr int kExitUsage = 2;   // bad input or usage

struct UsageError {
  std::string message;
};

// The arguments after the subcommand, consumed front to back.
class Args {
 public:
  explicit Args(std::vector<std::string_view> args) : args_(std::move(args)) {}
  bool done() const { return pos_ >= args_.size(); }
  std::string_view next() { return args_[pos_++]; }
  // The value of option `flag`: the next argument, which must exist.
  std::string_view value_of(std::string_view flag);

 private:
  std::vector<std::string_view> args_;
  std::size_t pos_ = 0;
};

// Whole-string parses; each returns false on anything but a clean number in range.
bool parse_u64(std::string_view text, std::uint64_t& out);
bool parse_size(std::string_view text, std::size_t& out);
bool parse_probability(std::string_view text, double& out);  // 0..1

// The same, throwing UsageError naming `what` on failure.
std::uint64_t require_u64(std::string_view what, std::string_view text);
std::size_t require_size(std::string_view what, std::string_view text);
double require_probability(std::string_view what, std::string_view text);

}  // namespace midnight::cli
