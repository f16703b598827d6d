#include "midnight/sim/encoding.hpp"

#include <cstdio>
#include <cstdlib>

#include "midnight/wire/codec.hpp"

namespace midnight::sim {

namespace {
// The buffers are sized from the codec's own maxima, so an encoder failing here is a
// broken invariant (a bug in a decision or in the codec), not a network event.
[[noreturn]] void encode_failed(const char* what, const std::error_code& ec) {
  std::fprintf(stderr, "sim: cannot encode %s: %s\n", what, ec.message().c_str());
  std::abort();
}
}  // namespace

std::vector<std::uint8_t> encode_to_bytes(const Proposal& p) {
  std::vector<std::uint8_t> out(kPrefixSize + kProposalBodySize);
  auto n = encode_proposal(p, out);
  if (!n) encode_failed("proposal", n.error());
  out.resize(n.value());
  return out;
}

std::vector<std::uint8_t> encode_to_bytes(const Vote& v) {
  std::vector<std::uint8_t> out(kPrefixSize + kVoteBodySize);
  auto n = encode_vote(v, out);
  if (!n) encode_failed("vote", n.error());
  out.resize(n.value());
  return out;
}

std::vector<std::uint8_t> encode_to_bytes(const Decision& d) {
  if (d.certificate == nullptr) encode_failed("commit", std::make_error_code(std::errc::invalid_argument));
  std::vector<std::uint8_t> out(encoded_size_commit(*d.certificate, d.txs));
  auto n = encode_commit(*d.certificate, d.header, d.signature, d.txs, out);
  if (!n) encode_failed("commit", n.error());
  out.resize(n.value());
  return out;
}

}  // namespace midnight::sim
