// One conformance case: a few requests to the adapter, each with what the answer must be.
// A case passes when every answer agrees, is not covered when the adapter answered
// `unsupported` (and nothing disagreed), and fails at the first disagreement, which goes
// into the ledger with the request that showed it.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapter.hpp"
#include "../json_value.hpp"
#include "ledger.hpp"

namespace midnight::cli::conform {

// The first difference between what a vector says (`expected`) and an answer (`got`):
// byte strings by value, objects by the expected keys only, arrays element by element.
// Empty when they agree. `path` names the place for the message.
std::string first_difference(const Json& expected, const Json& got, const std::string& path);

// `s` cut to `n` characters and "..." when longer: requests and values in a report.
std::string shorten(const std::string& s, std::size_t n = 160);

class Case {
 public:
  Case(Adapter& adapter, Ledger& ledger, std::string family, std::string name);
  ~Case();  // records the outcome if close() was not called
  Case(const Case&) = delete;
  Case& operator=(const Case&) = delete;

  // The answer must be ok and agree with `expected` (an object of the keys to compare).
  // Returns the result for further checks, or nothing when the case is already decided.
  std::optional<Json> expect_ok(const std::string& op, Json args, const Json& expected);
  // The answer must be the error `name`.
  void expect_error(const std::string& op, Json args, const std::string& name);
  // The answer must be ok and agree with `expected`, or the error named by
  // `expected_error` when that is not empty.
  void expect(const std::string& op, Json args, const Json& expected, const std::string& expected_error);
  // Sends a request and returns the answer (ok or error) for the caller to compare
  // itself; nothing when the case is already decided or the adapter answered
  // `unsupported` (then the case is not covered).
  std::optional<Answer> call(const std::string& op, const Json& args);
  // Records a disagreement found by the caller's own comparison, with the last request
  // sent as the one that showed it.
  void fail(const std::string& op, const std::string& detail);
  bool decided() const { return failed_ || not_covered_; }
  // The rule the case is about, in the vector's words, for the divergence report.
  void about(std::string rule) { rule_ = std::move(rule); }

  void close();

 private:
  std::optional<Answer> send(const std::string& op, const Json& args);

  Adapter& adapter_;
  Ledger& ledger_;
  std::string family_;
  std::string name_;
  bool failed_ = false;
  bool not_covered_ = false;
  std::string not_covered_reason_;
  std::string rule_;
  bool closed_ = false;
};

}  // namespace midnight::cli::conform
