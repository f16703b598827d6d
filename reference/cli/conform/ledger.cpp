#include "ledger.hpp"

namespace midnight::cli::conform {

namespace {
// Enough to see a pattern without flooding the report; the count says how many more.
constexpr std::size_t kKeptDivergences = 20;
}  // namespace

FamilyTally& Ledger::family(const std::string& name) {
  for (FamilyTally& f : families_)
    if (f.name == name) return f;
  FamilyTally fresh;
  fresh.name = name;
  families_.push_back(std::move(fresh));
  return families_.back();
}

void Ledger::diverged(Divergence d) {
  ++total_divergences_;
  if (divergences_.size() < kKeptDivergences) divergences_.push_back(std::move(d));
  if (fail_fast_) throw StopAtFirstDivergence{};
}

bool Ledger::conforms() const {
  if (total_divergences_ != 0) return false;
  for (const FamilyTally& f : families_)
    if (f.failed != 0 || f.not_covered != 0) return false;
  return true;
}

const char* Ledger::verdict() const {
  return conforms() ? "conforms" : total_divergences_ != 0 ? "diverges" : "not_covered";
}

std::uint64_t Ledger::cases_of(const std::string& family) const {
  for (const FamilyTally& f : families_)
    if (f.name == family) return f.cases();
  return 0;
}

}  // namespace midnight::cli::conform
