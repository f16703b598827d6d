// libFuzzer target: the round protocol end to end (structure-aware). The input is a
// script (round/round_script.hpp) of network, timer, crash and adversary events for a
// few honest RoundMachines and one Byzantine member; round/round_harness.hpp runs it and
// checks agreement, no double vote, the lock, journal replay and error-value handling
// after every machine step.
//
// Built a second time with MIDNIGHT_ROUND_FUZZER_QUORUM_CEIL defined: the negative
// control, whose membership finalizes with ceil(2W/3) (QuorumRule::unsafe_at_least_two_thirds).
// The fuzzer must find an agreement violation there, which shows the checks can fail.
#include <cstddef>
#include <cstdint>
#include <span>

#include "midnight/sim/config.hpp"
#include "round/round_harness.hpp"

namespace {
#ifdef MIDNIGHT_ROUND_FUZZER_QUORUM_CEIL
constexpr auto kControl = midnight::sim::NegativeControl::quorum_ceil;
#else
constexpr auto kControl = midnight::sim::NegativeControl::none;
#endif
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  midnight::fuzz::round::run_round_script(std::span<const std::uint8_t>(data, size), kControl);
  return 0;
}
