#include "midnight/sim/twins/scenario_space.hpp"

#include <algorithm>

namespace midnight::sim::twins {

std::string ScenarioSpace::valid() const {
  if (members_ < kMinMembers || members_ > kMaxMembers)
    return "members must be " + std::to_string(kMinMembers) + ".." + std::to_string(kMaxMembers) + ", got " +
           std::to_string(members_);
  if (rounds_ < 1 || rounds_ > kMaxRounds)
    return "rounds must be 1.." + std::to_string(kMaxRounds) + ", got " + std::to_string(rounds_);
  return {};
}

std::size_t ScenarioSpace::partition_family_size() const { return 1 + (std::size_t{1} << (members_ - 1)); }

std::vector<std::size_t> ScenarioSpace::side_of_original(std::size_t p) const {
  std::vector<std::size_t> side;
  const std::size_t mask = p - 1;
  for (std::size_t i = 0; i + 1 < members_; ++i)
    if ((mask >> i) & 1U) side.push_back(i);
  side.push_back(twin_original());
  return side;
}

std::uint64_t ScenarioSpace::count() const {
  // At kMaxMembers and kMaxRounds: 8^4 * 129^12, above 2^64; valid() callers use
  // count() only where it fits, so saturate rather than wrap.
  std::uint64_t n = 1;
  const auto times = [&n](std::uint64_t k) { n = (n > UINT64_MAX / k) ? UINT64_MAX : n * k; };
  for (std::uint32_t r = 0; r < rounds_; ++r) times(members_);
  for (std::uint32_t r = 0; r < rounds_; ++r)
    for (std::size_t s = 0; s < kStepsPerRound; ++s) times(partition_family_size());
  return n;
}

TwinsScenario ScenarioSpace::scenario(std::uint64_t index) const {
  TwinsScenario s;
  s.leaders.resize(rounds_);
  s.partitions.resize(rounds_);
  for (std::uint32_t r = 0; r < rounds_; ++r) {
    s.leaders[r] = static_cast<std::size_t>(index % members_);
    index /= members_;
  }
  const std::size_t family = partition_family_size();
  for (std::uint32_t r = 0; r < rounds_; ++r)
    for (std::size_t step = 0; step < kStepsPerRound; ++step) {
      s.partitions[r][step] = static_cast<std::size_t>(index % family);
      index /= family;
    }
  return s;
}

std::uint64_t ScenarioSpace::index_of(const TwinsScenario& s) const {
  // The digits, most significant first: Horner's rule over scenario()'s order reversed.
  std::uint64_t index = 0;
  const std::size_t family = partition_family_size();
  for (std::uint32_t r = rounds_; r-- > 0;)
    for (std::size_t step = kStepsPerRound; step-- > 0;) index = index * family + s.partitions[r][step];
  for (std::uint32_t r = rounds_; r-- > 0;) index = index * members_ + s.leaders[r];
  return index;
}

std::string describe_partition(const ScenarioSpace& space, std::size_t p) {
  if (p == 0) return "together";
  const std::vector<std::size_t> a = space.side_of_original(p);
  std::string left;
  std::string right;
  for (std::size_t n = 0; n < space.nodes(); ++n) {
    const bool in_a = std::find(a.begin(), a.end(), n) != a.end();
    std::string& side = in_a ? left : right;
    if (!side.empty()) side += ',';
    side += std::to_string(n);
  }
  return left + "|" + right;
}

}  // namespace midnight::sim::twins
