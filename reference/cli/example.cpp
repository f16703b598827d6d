// `midnight example KIND [--hex]` (not in the usage text): prints one valid, signed
// message of the simulator's chain, so tests and users have real input for `decode`.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/sim/world.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli {

namespace {

struct Sample {
  Keypair keys;
  VrfKeypair vrf_keys;
  ChainId chain = sim::sim_chain_id();
  Membership membership;
  BlockContent content;
  BlockHeader header;
  Proposal proposal;
  Vote precommit;
  Certificate certificate;
};

// A one-member chain (node 0 of the simulator) whose block has two transactions.
Sample make_sample() {
  Sample s;
  s.keys = keypair_from_seed(sim::node_seed(0));
  s.vrf_keys = vrf_keypair_from_seed(sim::node_vrf_seed(0, 0));
  Masternode m;
  m.key = s.keys.public_key;
  m.vrf_key = s.vrf_keys.public_key;
  m.reward_to.v = m.key.v;
  const Masternode members[] = {m};
  auto made = Membership::make(members);
  if (!made) throw std::logic_error("example: membership");
  s.membership = made.value();
  const std::vector<std::uint8_t> tx1{'h', 'e', 'l', 'l', 'o'};
  const std::vector<std::uint8_t> tx2{'m', 'i', 'd', 'n', 'i', 'g', 'h', 't'};
  const TxBytes mempool[] = {tx1, tx2};
  s.content = build_block_content(s.chain, sim::kSimHeight, s.membership, 1000, mempool);
  s.header = make_header(s.chain, sim::kSimHeight, 0, sim::sim_genesis_id(), s.content.merkle_root,
                         sim::kSimMidnightMs, s.keys.public_key);
  s.proposal = sign_proposal(s.header, s.keys.secret_key, s.vrf_keys.secret_key);
  Vote v;
  v.chain_id = s.chain;
  v.height = sim::kSimHeight;
  v.round = 0;
  v.step = VoteStep::precommit;
  v.block_id = compute_block_id(s.header);
  v.approve = true;
  v.voter = s.keys.public_key;
  s.precommit = sign_vote(v, s.keys.secret_key);
  s.certificate.chain_id = s.chain;
  s.certificate.height = v.height;
  s.certificate.round = v.round;
  s.certificate.block_id = v.block_id;
  s.certificate.signatures = {{v.voter, s.precommit.signature}};
  return s;
}

}  // namespace

int run_example(std::vector<std::string_view> argv) {
  Args args(std::move(argv));
  bool hex = false;
  std::string_view kind;
  while (!args.done()) {
    const auto a = args.next();
    if (a == "--hex")
      hex = true;
    else if (kind.empty() && !a.starts_with("-"))
      kind = a;
    else
      throw UsageError{"example: unexpected argument '" + std::string(a) + "'"};
  }
  const Sample s = make_sample();
  std::vector<std::uint8_t> out(kMaxMessageSize);
  result<std::size_t> n = std::size_t{0};
  if (kind == "vote")
    n = encode_vote(s.precommit, out);
  else if (kind == "proposal")
    n = encode_proposal(s.proposal, out);
  else if (kind == "header")
    n = encode_header(s.header, out);
  else if (kind == "masternode")
    n = encode_masternode(s.membership.member(0), out);
  else if (kind == "transaction")
    n = encode_transaction(s.content.views.at(1), out);
  else if (kind == "certificate")
    n = encode_certificate(s.certificate, out);
  else if (kind == "block")
    n = encode_block(s.header, s.proposal.signature, s.content.views, out);
  else if (kind == "commit")
    n = encode_commit(s.certificate, s.header, s.proposal.signature, s.content.views, out);
  else
    throw UsageError{"example: KIND is one of vote, proposal, header, masternode, transaction, certificate, block, "
                     "commit"};
  if (!n) throw std::logic_error("example: encoding failed: " + n.error().message());
  out.resize(n.value());
  if (hex) {
    std::cout << to_hex(out) << "\n";
  } else {
    std::cout.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
  }
  return kExitOk;
}

}  // namespace midnight::cli
