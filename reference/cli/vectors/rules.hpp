// The inputs the vectors give by a rule, being too large to list (vector_rules.hpp): built
// here both for the families that print the rule and for the oracle that rebuilds them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common.hpp"
#include "fixture.hpp"

namespace midnight::cli::vectors {

// A block message built field by field, so that rejections can break one rule only.
Buf raw_block(const BlockHeader& h, const Signature& sig, std::uint32_t tx_count, std::span<const TxBytes> txs);

// Transactions sorted by txid (the block order after the coinbase), each txid computed once.
void sort_by_txid(const ChainId& chain, std::vector<Buf>& txs);

// Mempools too large to list, described by a rule instead (the vectors' notes say so):
// transaction i is i as u32 big-endian, then `fill` bytes of 0x5b, for i in [0, count).
std::vector<Buf> counted_transactions(std::size_t count, std::size_t fill = 0);
std::string counted_rule(std::size_t count, std::size_t fill = 0);

// The two rejections too large to print: a block of the fixture's header and signature
// and coinbase, then `count` transactions of the counted rule (with `fill`) in txid order.
// Their rule texts are what the vectors print; the oracle (conform) rebuilds the bytes
// from the text through rejection_input_from_rule.
Buf over_count_cap_block(const EncodingFixture& f);
std::string over_count_cap_rule();
Buf over_byte_cap_block(const EncodingFixture& f);
std::string over_byte_cap_rule();

// The mempools of block_building.json too large to list, with the rule text the vectors
// print; the oracle (conform) rebuilds them from the text through mempool_from_rule.
struct RuleMempool {
  std::string rule;
  std::vector<Buf> txs;
};
// A day's block: 1,000,000 four-byte transactions.
RuleMempool day_mempool();
// The count cap: 2^21 + 5 four-byte transactions.
RuleMempool count_cap_mempool();
// The byte cap: 8192 transactions of 65536 bytes (twice what fits) and seven of one byte.
std::string byte_cap_mempool_rule();
RuleMempool byte_cap_mempool();

}  // namespace midnight::cli::vectors
