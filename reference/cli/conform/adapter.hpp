// The oracle's side of the adapter protocol (spec/adapter.md): starts the adapter as a
// child process, sends one request line, reads one answer line, and checks the framing.
// A broken adapter (spec/adapter.md §4) is reported by throwing AdapterBroken, which the
// command turns into exit code 2.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "../json_value.hpp"

namespace midnight::cli::conform {

struct AdapterBroken {
  std::string message;
};

struct Answer {
  enum class Kind { ok, error, unsupported };
  Kind kind = Kind::unsupported;
  Json ok;            // Kind::ok: the result object
  std::string text;   // Kind::error: the error's name; Kind::unsupported: the reason
};

class Adapter {
 public:
  // Starts `command` (argv[0] looked up in PATH) with pipes on its standard input and
  // output; its standard error goes to a file the oracle shows when the adapter breaks.
  Adapter(const std::vector<std::string>& command, std::chrono::milliseconds timeout);
  ~Adapter();
  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;

  // Sends {"id": n, "op": op, ...args} and returns the answer. Throws AdapterBroken.
  Answer call(const std::string& op, Json args);

  std::uint64_t requests() const { return next_id_ - 1; }
  // The line of the last request sent (without its newline), for a divergence report.
  const std::string& last_request() const { return last_request_; }
  // The last lines the adapter wrote to its standard error (for a broken adapter).
  std::string stderr_tail() const;
  // Closes the adapter's input and waits for it to exit; returns its exit status, or
  // throws AdapterBroken when it does not exit in time.
  int finish();

 private:
  [[noreturn]] void broken(const std::string& what, const std::string& request) const;
  std::string read_line(const std::string& request);

  int pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string stderr_path_;
  std::string buffer_;
  std::string last_request_;
  std::chrono::milliseconds timeout_;
  std::uint64_t next_id_ = 1;
  bool finished_ = false;
};

}  // namespace midnight::cli::conform
