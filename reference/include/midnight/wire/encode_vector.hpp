// Encoding into an owned, exactly sized byte vector: the allocating convenience over the
// encoders of codec.hpp, for callers outside the hot path (the simulator's network, the
// vectors generator, tests, tools). Each call allocates one vector of the message's
// encoded_size_* / k*MessageSize and returns it holding exactly the encoded message.
//
// The peer-input path does not use these: it encodes into caller-owned buffers with
// encode_* directly, so that nothing there allocates (see core/limits.hpp).
//
// Errors are the encoder's: a value its decoder would reject is refused with the error
// the decoder would give. output_too_small cannot occur (the vector is sized first).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "midnight/core/result.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

result<std::vector<std::uint8_t>> encode_to_vector(const Masternode& m);
result<std::vector<std::uint8_t>> encode_to_vector(const BlockHeader& h);
result<std::vector<std::uint8_t>> encode_to_vector(const Proposal& p);
result<std::vector<std::uint8_t>> encode_to_vector(const Vote& v);
result<std::vector<std::uint8_t>> encode_to_vector(const Certificate& c);
result<std::vector<std::uint8_t>> encode_to_vector(const CarriedPolka& r);
result<std::vector<std::uint8_t>> encode_to_vector(const Reproposal& r);
result<std::vector<std::uint8_t>> encode_to_vector(const CommitRequest& c);
result<std::vector<std::uint8_t>> encode_to_vector(const BodyRequest& b);
result<std::vector<std::uint8_t>> encode_to_vector(const ReconcileRequest& r);
result<std::vector<std::uint8_t>> encode_to_vector(const BodySketchView& s);
// Messages without a value type of their own are named: a bare byte span is not
// self-describing, and a block or commit is assembled from its parts.
result<std::vector<std::uint8_t>> encode_transaction_to_vector(std::span<const std::uint8_t> tx);
result<std::vector<std::uint8_t>> encode_block_to_vector(const BlockHeader& h, const Signature& sig,
                                                         std::span<const TxBytes> txs);
result<std::vector<std::uint8_t>> encode_commit_to_vector(const Certificate& c, const BlockHeader& h,
                                                          const Signature& sig, std::span<const TxBytes> txs);
result<std::vector<std::uint8_t>> encode_body_transactions_to_vector(const ChainId& chain, std::uint64_t height,
                                                                     const BlockId& block_id,
                                                                     std::span<const TxBytes> txs);

}  // namespace midnight
