// Inputs that the vectors give by a rule, because they are too large to list (a day's
// mempool, the block caps). The generator (`midnight vectors`) prints the rule's text and
// the oracle (`midnight conform`) rebuilds the bytes from that text here, with the same
// code, so the two can never describe different inputs.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "midnight/block/tx_validity.hpp"

namespace midnight::cli {

// block_building.json `mempool_rule` → the mempool's transactions, in the listed order.
std::optional<std::vector<std::vector<std::uint8_t>>> mempool_from_rule(std::string_view rule);
// encoding.json: a message listed by its digest only (size and sha256), by its name.
std::optional<std::vector<std::uint8_t>> encoding_message_from_name(std::string_view name);
// rejections.json `input_rule` → the input's bytes.
std::optional<std::vector<std::uint8_t>> rejection_input_from_rule(std::string_view rule);

// The validity predicate of block_building.json's approvals and of the adapter's
// check_body (spec/adapter.md §3.5): invalid exactly when the first byte is 0xbd.
class FirstByteBdIsInvalid final : public TxValidity {
 public:
  bool is_valid(TxBytes tx) const override { return tx.empty() || tx[0] != 0xbd; }
};

}  // namespace midnight::cli
