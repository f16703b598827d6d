// The seed corpus of round_fuzzer: named scripts built with ScriptWriter, one per
// scenario the fuzzer should start from (every preset finalizing, each crash point, a
// partition and its heal, Byzantine equivocation). fuzz/corpus/round_fuzzer/seed-<name>
// holds them as files.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace midnight::fuzz {

std::vector<std::pair<std::string, std::vector<std::uint8_t>>> round_fuzzer_seeds();

}  // namespace midnight::fuzz
