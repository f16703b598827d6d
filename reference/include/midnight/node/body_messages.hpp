// The messages a round machine's body actions send (spec/protocol.md 5.7 and
// spec/reconciliation.md §5): one encoder for every host there is (NodeHost, the round
// tests' cluster), so that none builds them its own way.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

// The bytes that carry out `a` (request_body, send_body, request_sketch,
// request_transactions, send_sketch, send_transactions) for machine `m` at `height`, whose
// member signs requests with `keys`; `serving` is the reconcile request whose step
// emitted a send_transactions. Null when there is nothing to send (a body no longer held,
// no named transaction in the block, or an action of another kind).
std::shared_ptr<const std::vector<std::uint8_t>> encode_body_action(const RoundMachine& m, const ChainId& chain,
                                                                    std::uint64_t height, const Keypair& keys,
                                                                    const Action& a,
                                                                    const ReconcileRequest* serving);

}  // namespace midnight
