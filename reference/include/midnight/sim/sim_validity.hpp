// The simulator's transaction predicate (block/tx_validity.hpp): a transaction is invalid
// exactly when its bytes begin with kSimInvalidTag. Honest mempools never hold one (their
// transactions are random bytes, which begin so with probability 2^-168); the bad-body
// Byzantine mode puts one in its block, and every honest node must then refuse to hold
// that body. The tag begins with the byte 0xbd, so such a transaction is invalid under the
// vectors' predicate too (a first byte 0xbd, spec/adapter.md §3.8), which the oracle's
// differential rounds run instead of this one.
#pragma once
#include <algorithm>
#include <string_view>

#include "midnight/block/tx_validity.hpp"

namespace midnight::sim {

inline constexpr std::string_view kSimInvalidTag{"\xbd" "midnight/sim/invalid", 21};

class SimTxValidity final : public TxValidity {
 public:
  [[nodiscard]] bool is_valid(TxBytes tx) const override {
    return tx.size() < kSimInvalidTag.size() ||
           !std::equal(kSimInvalidTag.begin(), kSimInvalidTag.end(), tx.begin(),
                       [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; });
  }
};

}  // namespace midnight::sim
