// Decoding a message as the type a receiver expects, and encoding the value again: what
// the vectors generator checks every encoding and rejection with, and what the oracle
// compares an adapter's verdicts against.
#pragma once
#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

#include "midnight/sim/json_writer.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::cli {

struct DecodeOutcome {
  std::error_code error;
  DecodeWhere where;
  std::vector<std::uint8_t> reencoded;  // on success: the decoded value encoded again
};

// Decodes `in` as a message of type `t`; on success encodes the value again (a value
// that decoded always encodes: a refusal throws std::logic_error) and, when `fields` is
// given, writes the message's fields into it as one JSON value: the form of
// spec/adapter.md §2, every message complete (a body sketch with its `sketch` bytes).
DecodeOutcome decode_as(MessageType t, std::span<const std::uint8_t> in, sim::JsonWriter* fields = nullptr);

}  // namespace midnight::cli
