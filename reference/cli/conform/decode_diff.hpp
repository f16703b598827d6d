// Differential decoding: inputs no vector lists, from the fuzz corpora and seeded
// mutations of them, decoded by the reference and by the adapter. The verdicts (accepted,
// or the error's name) must agree, and an input both accept must encode back to itself
// from the adapter's decoded fields (every accepted input is canonical, encoding.md §1).
#pragma once
#include <cstdint>
#include <string>

#include "families.hpp"

namespace midnight::cli::conform {

struct DecodeDiffOptions {
  std::string corpus_dir;       // holds <target>_fuzzer/ directories
  std::uint32_t mutations = 8;  // per corpus input
  std::uint64_t seed = 1;
};

// One case per input, in the ledger's family "decode".
void drive_decode_diff(Driver& d, const DecodeDiffOptions& options);

}  // namespace midnight::cli::conform
