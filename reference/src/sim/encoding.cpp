#include "midnight/sim/encoding.hpp"

#include <stdexcept>

#include "midnight/wire/codec.hpp"

namespace midnight::sim {

namespace {
// The buffers are sized from the codec's own maxima, so an encoder failing here is a
// bug in a decision or in the codec, not a network event: report it loudly.
[[noreturn]] void encode_failed(const char* what, const std::error_code& ec) {
  throw std::logic_error(std::string("sim: cannot encode ") + what + ": " + ec.message());
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
  if (d.certificate == nullptr) throw std::logic_error("sim: decision without certificate");
  // One large scratch buffer per thread: commits are rare, the maximum is about a MiB.
  thread_local std::vector<std::uint8_t> scratch(kMaxMessageSize);
  auto n = encode_commit(*d.certificate, d.header, d.signature, d.txs, scratch);
  if (!n) encode_failed("commit", n.error());
  return {scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(n.value())};
}

}  // namespace midnight::sim
