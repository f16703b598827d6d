// The application's validity predicate for transactions (spec/protocol.md 3.1): the one
// thing about a transaction's bytes that this protocol does not decide itself. A node
// builds its block only from transactions the predicate accepts, and approves another
// member's block only if the predicate accepts every transaction in it.
//
// It must be deterministic and depend on the transaction's bytes alone: every honest
// member must get the same answer for the same bytes, or honest members would reject each
// other's blocks. The reference's default (no predicate) accepts every transaction that
// the protocol's own rules allow; the simulator's predicate (sim/sim_validity.hpp) names
// the bytes it rejects.
#pragma once
#include "midnight/wire/messages.hpp"

namespace midnight {

class TxValidity {
 public:
  virtual ~TxValidity() = default;
  [[nodiscard]] virtual bool is_valid(TxBytes tx) const = 0;
};

// Null means "every transaction is valid".
[[nodiscard]] inline bool tx_is_valid(const TxValidity* validity, TxBytes tx) {
  return validity == nullptr || validity->is_valid(tx);
}

}  // namespace midnight
