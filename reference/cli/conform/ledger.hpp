// What the oracle found, family by family: cases that agreed, diverged, or were not
// covered (the adapter answered `unsupported`), and vectors the adapter protocol cannot
// drive yet. The report is built from this alone.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace midnight::cli::conform {

struct Divergence {
  std::string family;
  std::string case_name;
  std::string op;
  std::string detail;   // what differed: the path, the expected and the answered value
  std::string request;  // the request line, shortened
  std::string rule;     // the vector's own statement of the rule, when it has one
  std::string replay;   // a command that shows this divergence alone, when the family has one
};

struct FamilyTally {
  std::string name;
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
  std::uint64_t not_covered = 0;  // answered `unsupported`
  std::uint64_t not_driven = 0;   // no operation of this adapter protocol version drives them
  std::uint64_t steps = 0;        // node-host events compared (rounds, simulated)
  std::string not_driven_reason;
  std::string first_not_covered;  // the first unsupported case and its reason
  std::uint64_t cases() const { return passed + failed + not_covered; }
};

// Thrown by Ledger::diverged under --fail-fast: the run stops at its first divergence.
struct StopAtFirstDivergence {};

class Ledger {
 public:
  explicit Ledger(bool fail_fast = false) : fail_fast_(fail_fast) {}
  FamilyTally& family(const std::string& name);
  void diverged(Divergence d);

  const std::vector<FamilyTally>& families() const { return families_; }
  const std::vector<Divergence>& divergences() const { return divergences_; }
  std::uint64_t total_divergences() const { return total_divergences_; }

  // Conforms: no divergence and nothing the adapter left uncovered.
  bool conforms() const;
  // "conforms", "diverges" or "not_covered".
  const char* verdict() const;
  // The cases of a family, 0 when it did not run.
  std::uint64_t cases_of(const std::string& family) const;

 private:
  std::vector<FamilyTally> families_;
  std::vector<Divergence> divergences_;  // the first few, in order; the rest are counted
  std::uint64_t total_divergences_ = 0;
  bool fail_fast_ = false;
};

}  // namespace midnight::cli::conform
