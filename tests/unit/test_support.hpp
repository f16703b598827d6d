// Shared helpers for the unit tests: deterministic keys, memberships, signed votes and
// proposals. Everything is a pure function of its arguments (no randomness, no clock).
//
//   auto net = midnight::test::make_members({1, 10, 100, 1000});
//   net.membership.member(3).weight == 1000;       // weights are in canonical order
//   Vote v = midnight::test::make_vote(net.keys[3], midnight::test::chain(), 1, 0,
//                                      VoteStep::precommit, midnight::test::block_id(7));
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "midnight/block/builder.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/wire/messages.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::test {

// Concatenation without vector::insert (GCC 12 at -O3 warns falsely about it).
inline std::vector<std::uint8_t> concat(std::initializer_list<std::span<const std::uint8_t>> parts) {
  std::size_t n = 0;
  for (const auto& p : parts) n += p.size();
  std::vector<std::uint8_t> out(n);
  auto it = out.begin();
  for (const auto& p : parts) it = std::copy(p.begin(), p.end(), it);
  return out;
}

// Keypair number `index`: seed = "midnight-test" padded with zeros, index big-endian
// in the last 8 bytes. The same index always gives the same keypair.
inline Keypair keypair(std::uint64_t index) {
  if (!crypto_init()) throw std::runtime_error("crypto_init failed");
  Seed seed{};
  constexpr char kPrefix[] = "midnight-test";
  for (std::size_t i = 0; i + 1 < sizeof kPrefix; ++i) seed.v[i] = static_cast<std::uint8_t>(kPrefix[i]);
  store_u64(seed.data() + Seed::size() - 8, index);
  return keypair_from_seed(seed);
}

// The VRF key pair of the member whose signing key pair is `k`: seed =
// SHA-256("midnight-test-vrf" || k.public_key). A test convention, so that every helper
// that holds a Keypair can prove for that member; never a key of its own signing key.
inline VrfKeypair vrf_keypair_of(const Keypair& k) {
  Seed seed;
  seed.v = Sha256().update(std::string_view("midnight-test-vrf")).update(k.public_key.span()).finish().v;
  return vrf_keypair_from_seed(seed);
}

// The member entry of `k` as the test memberships list it.
inline Masternode member_of(const Keypair& k, const Destination& reward_to, std::uint64_t weight) {
  return Masternode{k.public_key, vrf_keypair_of(k).public_key, reward_to, weight};
}

// A chain id filled with `fill`; chain() is the default test chain.
inline ChainId chain(std::uint8_t fill = 0xC1) {
  ChainId c;
  c.v.fill(fill);
  return c;
}

// A (fake) block id filled with `fill`: distinct fills give distinct, ordered ids.
inline BlockId block_id(std::uint8_t fill) {
  BlockId b;
  b.v.fill(fill);
  return b;
}

// The reward destination of member `index`: 0xD0 then the index big-endian.
inline Destination destination(std::uint64_t index) {
  Destination d;
  d.v[0] = 0xD0;
  store_u64(d.data() + Destination::size() - 8, index);
  return d;
}

// A membership whose i-th member in canonical order has weight weights[i], with the
// matching keypairs: keys[i] signs for membership.member(i).
struct TestMembers {
  Membership membership;
  std::vector<Keypair> keys;

  const PublicKey& key(std::size_t i) const { return keys[i].public_key; }
};

inline TestMembers make_members(std::span<const std::uint64_t> weights) {
  std::vector<Keypair> keys;
  for (std::size_t i = 0; i < weights.size(); ++i) keys.push_back(keypair(i));
  std::sort(keys.begin(), keys.end(),
            [](const Keypair& a, const Keypair& b) { return a.public_key < b.public_key; });
  std::vector<Masternode> nodes;
  for (std::size_t i = 0; i < weights.size(); ++i) nodes.push_back(member_of(keys[i], destination(i), weights[i]));
  auto m = Membership::make(nodes);
  if (!m) throw std::runtime_error("make_members: " + m.error().message());
  return TestMembers{m.value(), std::move(keys)};
}
inline TestMembers make_members(std::initializer_list<std::uint64_t> weights) {
  return make_members(std::span<const std::uint64_t>(weights.begin(), weights.size()));
}
// n members of weight 1.
inline TestMembers make_equal_members(std::size_t n) {
  return make_members(std::vector<std::uint64_t>(n, 1));
}

// A vote signed by `k`. approve = false with the zero block id is a nil vote.
inline Vote make_vote(const Keypair& k, const ChainId& chain_id, std::uint64_t height, std::uint32_t round,
                      VoteStep step, const BlockId& id, bool approve = true) {
  Vote v;
  v.chain_id = chain_id;
  v.height = height;
  v.round = round;
  v.step = step;
  v.block_id = id;
  v.approve = approve;
  v.voter = k.public_key;
  return sign_vote(v, k.secret_key);
}

// `h` signed by `k`, with the VRF proof of k's VRF key (vrf_keypair_of): what the member
// of `k` sends.
inline Proposal sign_proposal_as(const BlockHeader& h, const Keypair& k) {
  return sign_proposal(h, k.secret_key, vrf_keypair_of(k).secret_key);
}

// A proposal of `k` for a header with the given fields, signed, with its VRF proof.
inline Proposal make_proposal(const Keypair& k, const ChainId& chain_id, std::uint64_t height, std::uint32_t round,
                              const BlockId& prev, const Hash32& merkle_root, std::uint64_t timestamp_ms) {
  return sign_proposal(make_header(chain_id, height, round, prev, merkle_root, timestamp_ms, k.public_key),
                       k.secret_key, vrf_keypair_of(k).secret_key);
}

// Byte string helpers for transactions.
inline std::vector<std::uint8_t> bytes_of(std::initializer_list<std::uint8_t> b) { return {b}; }
inline std::vector<TxBytes> views_of(const std::vector<std::vector<std::uint8_t>>& txs) {
  std::vector<TxBytes> out;
  for (const auto& tx : txs) out.emplace_back(tx.data(), tx.size());
  return out;
}

}  // namespace midnight::test
