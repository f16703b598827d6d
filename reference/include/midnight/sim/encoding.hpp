// Encoding messages into owned byte vectors for the simulated network: everything a
// node sends travels as the canonical bytes, so every receiver goes through the codec.
// The encoding is wire/encode_vector.hpp's; what is the simulator's own is the policy:
// every message it sends was built valid, so one that does not encode is a broken
// invariant (a bug in a decision or in the codec), not a network event, and aborts.
#pragma once
#include <cstdint>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::sim {

std::vector<std::uint8_t> encode_to_bytes(const Proposal& p);
std::vector<std::uint8_t> encode_to_bytes(const Vote& v);
std::vector<std::uint8_t> encode_to_bytes(const CarriedPolka& r);
std::vector<std::uint8_t> encode_to_bytes(const Reproposal& r);
std::vector<std::uint8_t> encode_to_bytes(const CommitRequest& c);
std::vector<std::uint8_t> encode_to_bytes(const BodyRequest& b);
std::vector<std::uint8_t> encode_block_to_bytes(const BlockHeader& h, const Signature& sig, std::span<const TxBytes> txs);
// The commit of a decision: its certificate followed by the block.
std::vector<std::uint8_t> encode_to_bytes(const Decision& d);

}  // namespace midnight::sim
