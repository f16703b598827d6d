// Values from their JSON fields (spec/adapter.md §2), for the reference's adapter and the
// oracle: messages (the inverse of decode_as's field writer), members, integers. A field that is missing or malformed is a
// JsonError naming it; derived fields (block_id, vrf_output, signing_input_hex, txid) are
// ignored, as the protocol says.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "json_value.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::cli {

// The byte string at `v` (hex, or the vectors' segments object).
inline std::vector<std::uint8_t> bytes_field(const Json& v) { return bytes_of(v); }
// A fixed-size value (a key, an id, a signature, a proof: a Bytes<N>) at obj[key].
template <class T>
T fixed_field(const Json& obj, const char* key) {
  const std::vector<std::uint8_t> b = bytes_field(obj.at(key));
  T out{};
  if (b.size() != out.v.size())
    throw JsonError{std::string("'") + key + "' is not " + std::to_string(out.v.size()) + " bytes"};
  std::copy(b.begin(), b.end(), out.v.begin());
  return out;
}

// An unsigned integer at obj[key], whole 64-bit range; and one that fits in 32 bits.
std::uint64_t u64_field(const Json& obj, const char* key);
std::uint32_t u32_field(const Json& obj, const char* key);

BlockHeader header_from(const Json& h);
Vote vote_from(const Json& v);
// A member: `key` (as the adapter protocol names it) or `public_key` (as rounds.json's
// configs do), `vrf_key`, `reward_to`, `weight`.
Masternode member_from(const Json& m);

// An input the spec's rules reject, while building a value from a request: answered
// with the error's name (spec/adapter.md §1), not as a malformed request.
struct Refusal {
  std::string error;
};

// The whole message of `type` with these fields: prefix and body. Throws JsonError for
// fields it cannot read, Refusal (the codec's error name) for a value a decoder would
// reject (encoding.md §1: an encoder refuses what a decoder would).
std::vector<std::uint8_t> encode_fields(MessageType type, const Json& fields);

}  // namespace midnight::cli
