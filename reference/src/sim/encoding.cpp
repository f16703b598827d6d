#include "midnight/sim/encoding.hpp"

#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <utility>

#include "midnight/wire/encode_vector.hpp"

namespace midnight::sim {

namespace {
[[noreturn]] void encode_failed(const char* what, const std::error_code& ec) {
  std::fprintf(stderr, "sim: cannot encode %s: %s\n", what, ec.message().c_str());
  std::abort();
}

std::vector<std::uint8_t> or_abort(result<std::vector<std::uint8_t>> r, const char* what) {
  if (!r) encode_failed(what, r.error());
  return std::move(r).value();
}
}  // namespace

std::vector<std::uint8_t> encode_to_bytes(const Proposal& p) { return or_abort(encode_to_vector(p), "proposal"); }

std::vector<std::uint8_t> encode_to_bytes(const Vote& v) { return or_abort(encode_to_vector(v), "vote"); }

std::vector<std::uint8_t> encode_to_bytes(const CarriedPolka& r) { return or_abort(encode_to_vector(r), "polka"); }
std::vector<std::uint8_t> encode_to_bytes(const Reproposal& r) { return or_abort(encode_to_vector(r), "re-proposal"); }

std::vector<std::uint8_t> encode_to_bytes(const CommitRequest& c) {
  return or_abort(encode_to_vector(c), "commit request");
}

std::vector<std::uint8_t> encode_to_bytes(const BodyRequest& b) { return or_abort(encode_to_vector(b), "body request"); }

std::vector<std::uint8_t> encode_block_to_bytes(const BlockHeader& h, const Signature& sig,
                                               std::span<const TxBytes> txs) {
  return or_abort(encode_block_to_vector(h, sig, txs), "block");
}

std::vector<std::uint8_t> encode_to_bytes(const Decision& d) {
  if (d.certificate == nullptr) encode_failed("commit", std::make_error_code(std::errc::invalid_argument));
  return or_abort(encode_commit_to_vector(*d.certificate, d.header, d.signature, d.txs), "commit");
}

}  // namespace midnight::sim
