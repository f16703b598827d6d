// encoding.json: every message type, its field values and the exact bytes of its canonical
// encoding, each checked to decode and re-encode to itself.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "../decode_as.hpp"
#include "../message_json.hpp"
#include "common.hpp"
#include "families.hpp"
#include "fixture.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

namespace {

// One message of the encoding family: checks that it decodes and re-encodes to itself.
void write_message(JsonWriter& w, std::string_view name, MessageType type, const Buf& encoded,
                   const std::function<void()>& fields) {
  const DecodeOutcome d = decode_as(type, encoded);
  require(!d.error, std::string(name) + ": does not decode: " + d.error.message());
  require(d.reencoded == encoded, std::string(name) + ": does not re-encode to the same bytes");
  w.begin_object();
  w.field("name", name);
  w.field("type", message_type_name(type));
  w.key("fields");
  fields();
  w.field("size", encoded.size());
  bytes_field(w, "hex", encoded);
  w.end_object();
}


}  // namespace

void write_encoding(JsonWriter& w) {
  begin_family(w, "encoding",
               "Every message type: its field values and the exact bytes of its canonical encoding (spec/encoding.md "
               "§2-§3). Each MUST decode to these fields and encode to these bytes.",
               {"hex is the whole message: the 2-byte prefix (version 2, type) and the body.",
                "Byte strings longer than 4096 bytes are objects {size, sha256, segments}: concatenate each segment's "
                "hex repeated `repeat` times.",
                "Seed k is 32 bytes of value k; reward destination k is 32 bytes of value 0xd0 + k. Wide seed k "
                "(memberships past 255) is k as u32 big-endian followed by 28 bytes of 0x5e.",
                "The certificates of 255, 256 and 10000 precommits are of the certificate entry's chain, height, round "
                "and block, signed by the keys of wide seeds 1..n in ascending key order; the one of 10000 is given "
                "by its size and the SHA-256 of its encoding.",
                "The block's transactions are those built by the block_building rules from the mempool 'hello', "
                "'midnight', 'x' for members seeds 1..4 with weights 1, 2, 3, 4 and reward 1003 (coinbase first)."});
  const EncodingFixture f = make_encoding_fixture();
  derived_field(w, "chain_id", kChainAscii);
  derived_field(w, "prev_id", kGenesisAscii);

  w.key("messages").begin_array();
  const auto tx_fields = [&](const Buf& tx) {
    return [&w, &tx] {
      w.begin_object(true);
      bytes_field(w, "bytes", tx);
      w.end_object();
    };
  };
  write_message(w, "transaction", MessageType::transaction, unwrap(encode_transaction_to_vector(f.tx)),
                tx_fields(f.tx));
  const Buf one_byte{0x00};
  write_message(w, "transaction of one byte", MessageType::transaction,
                unwrap(encode_transaction_to_vector(one_byte)), tx_fields(one_byte));
  const Buf biggest(kMaxTransactionBytes, 0x5b);
  write_message(w, "transaction of the largest size (65536 bytes)", MessageType::transaction,
                unwrap(encode_transaction_to_vector(biggest)), tx_fields(biggest));

  const auto masternode_fields = [&w](const Masternode& m) {
    return [&w, m] {
      w.begin_object(true);
      write_masternode_fields(w, m);
      w.end_object();
    };
  };
  write_message(w, "masternode", MessageType::masternode, unwrap(encode_to_vector(f.masternode)),
                masternode_fields(f.masternode));
  write_message(w, "masternode of the largest weight (2^20)", MessageType::masternode,
                unwrap(encode_to_vector(f.heavy_masternode)),
                masternode_fields(f.heavy_masternode));

  write_message(w, "header", MessageType::header, unwrap(encode_to_vector(f.header)), [&] {
    w.begin_object();
    write_header_fields(w, f.header);
    w.end_object();
  });
  write_message(w, "proposal", MessageType::proposal, unwrap(encode_to_vector(f.proposal)), [&] {
    w.begin_object();
    write_proposal_fields(w, f.proposal, Derived::omit);
    w.end_object();
  });
  write_message(w, "vote (spec/encoding.md §9)", MessageType::vote, unwrap(encode_to_vector(f.vote)),
                [&] { write_vote(w, f.vote, Derived::omit); });
  write_message(w, "nil precommit", MessageType::vote, unwrap(encode_to_vector(f.nil_vote)),
                [&] { write_vote(w, f.nil_vote, Derived::omit); });
  write_message(w, "certificate", MessageType::certificate, unwrap(encode_to_vector(f.certificate)),
                [&] { write_certificate(w, f.certificate, Derived::omit); });

  // Certificates at the count's boundaries: 255 and 256 precommits (the last count a
  // one-byte field could hold, and the first it could not) in full, and one of 10,000
  // precommits by its size and SHA-256 (1 MB of hex would bury the file).
  const auto certificate_of = [&](std::uint32_t signers_count) { return wide_certificate(f, signers_count); };
  for (const std::uint32_t n : {255U, 256U}) {
    const Certificate c = certificate_of(n);
    write_message(w, "certificate of " + std::to_string(n) + " precommits (wide seeds 1.." + std::to_string(n) + ")",
                  MessageType::certificate, unwrap(encode_to_vector(c)), [&] { write_certificate(w, c, Derived::omit); });
  }
  {
    const Certificate c = certificate_of(10000);
    const Buf encoded = unwrap(encode_to_vector(c));
    const DecodeOutcome d = decode_as(MessageType::certificate, encoded);
    require(!d.error && d.reencoded == encoded, "the 10,000-member certificate does not round-trip");
    w.begin_object();
    w.field("name", kWideCertificateName);
    w.field("type", message_type_name(MessageType::certificate));
    w.key("fields").begin_object();
    w.field("chain_id", to_hex(c.chain_id));
    w.field("height", c.height);
    w.field("round", c.round);
    w.field("block_id", to_hex(c.block_id));
    w.field("count", c.count());
    w.field("first_voter", to_hex(c.signatures.front().voter));
    w.field("last_voter", to_hex(c.signatures.back().voter));
    w.end_object();
    w.field("size", encoded.size());
    w.field("sha256", to_hex(sha256(encoded)));
    w.end_object();
  }

  const auto block_fields = [&] {
    w.begin_object();
    write_signed_header_fields(w, f.header, f.proposal.signature, Derived::omit);
    w.field("tx_count", f.content.views.size());
    write_tx_list(w, "transactions", f.content.views);
    w.end_object();
  };
  write_message(w, "block", MessageType::block,
                unwrap(encode_block_to_vector(f.header, f.proposal.signature, f.content.views)),
                block_fields);
  write_message(w, "commit", MessageType::commit,
                unwrap(encode_commit_to_vector(f.certificate, f.header, f.proposal.signature, f.content.views)), [&] {
                  w.begin_object();
                  w.key("certificate");
                  write_certificate(w, f.certificate, Derived::omit);
                  w.key("block");
                  block_fields();
                  w.end_object();
                });

  // A polka: the fixture's proposal with a polka of round 2 (prevotes of seeds 2, 3 and 4,
  // weight 9 of 10), as a node that locked on it in round 2 announces it; and the same polka
  // re-proposed by seed 3 as its round message of round 3.
  {
    CarriedPolka rp;
    rp.proposal = f.proposal;
    rp.polka = f.certificate;
    rp.polka.round = 2;
    std::vector<Keypair> signers{keys_of(2), keys_of(3), keys_of(4)};
    std::sort(signers.begin(), signers.end(), by_public_key);
    for (std::size_t i = 0; i < signers.size(); ++i) {
      Vote v = rp.polka.vote(i, VoteStep::prevote);
      v.voter = signers[i].public_key;
      v = sign_vote(v, signers[i].secret_key);
      rp.polka.signatures[i] = {v.voter, v.signature};
    }
    require(verify_polka(rp.polka, f.members.membership, f.chain).has_value(), "fixture polka");
    const auto polka_fields = [&] {
      w.key("proposal").begin_object();
      write_proposal_fields(w, rp.proposal, Derived::omit);
      w.end_object();
      w.key("polka");
      write_certificate(w, rp.polka, Derived::omit, VoteStep::prevote);
    };
    write_message(w, "polka (a round-0 proposal with its round-2 polka)", MessageType::polka,
                  unwrap(encode_to_vector(rp)), [&] {
                    w.begin_object();
                    polka_fields();
                    w.end_object();
                  });
    Reproposal re{};
    re.round = 3;
    re.reproposer = keys_of(3).public_key;
    re.carried = rp;
    sign_reproposal(re, keys_of(3).secret_key, vrf_keys_of(3).secret_key);
    require(verify_reproposal(re) && verify_reproposal_vrf(re, vrf_keys_of(3).public_key).has_value(),
            "fixture re-proposal");
    write_message(w, "reproposal (seed 3 re-proposes that polka as its round-3 message)", MessageType::reproposal,
                  unwrap(encode_to_vector(re)), [&] {
                    w.begin_object();
                    w.field("round", re.round);
                    w.field("reproposer", to_hex(re.reproposer));
                    w.field("vrf_proof", to_hex(re.vrf_proof));
                    w.field("vrf_output", to_hex(verify_reproposal_vrf(re, vrf_keys_of(3).public_key).value()));
                    w.field("signing_input_hex", to_hex(reproposal_signing_input(re)));
                    w.field("signature", to_hex(re.signature));
                    polka_fields();
                    w.end_object();
                  });
  }
  {
    CommitRequest request;
    request.chain_id = f.chain;
    request.height = kHeight;
    request.requester = keys_of(3).public_key;
    request = sign_commit_request(request, keys_of(3).secret_key);
    write_message(w, "commit request (seed 3 asks for height 1)", MessageType::commit_request,
                  unwrap(encode_to_vector(request)), [&] {
                    w.begin_object(true);
                    write_commit_request_fields(w, request, Derived::omit);
                    w.end_object();
                  });
  }
  {
    BodyRequest request;
    request.chain_id = f.chain;
    request.height = kHeight;
    request.block_id = compute_block_id(f.header);
    request.requester = keys_of(3).public_key;
    request = sign_body_request(request, keys_of(3).secret_key);
    write_message(w, "body request (seed 3 asks for the body of the fixture's block)", MessageType::body_request,
                  unwrap(encode_to_vector(request)), [&] {
                    w.begin_object(true);
                    write_body_request_fields(w, request, Derived::omit);
                    w.end_object();
                  });
  }
  {
    const ReconcileFixture rf = make_reconcile_fixture(f);
    write_message(w, "reconcile request, kind sketch (seed 3, holding the block's three transactions, samples them)",
                  MessageType::reconcile_request, unwrap(encode_to_vector(rf.sketch_request)), [&] {
                    w.begin_object(true);
                    write_reconcile_request_fields(w, rf.sketch_request, Derived::omit);
                    w.end_object();
                  });
    write_message(w, "reconcile request, kind transactions (seed 3 names two of them)", MessageType::reconcile_request,
                  unwrap(encode_to_vector(rf.transactions_request)), [&] {
                    w.begin_object(true);
                    write_reconcile_request_fields(w, rf.transactions_request, Derived::omit);
                    w.end_object();
                  });
    const BodySketchView sk{f.chain, kHeight, compute_block_id(f.header), 3, rf.sketch};
    write_message(w, "body sketch (the block's three mempool transactions, two cells a hash)", MessageType::body_sketch,
                  unwrap(encode_to_vector(sk)), [&] {
                    w.begin_object(true);
                    write_body_sketch_fields(w, sk);
                    w.end_object();
                  });
    BodyTransactionsView t;
    t.chain_id = f.chain;
    t.height = kHeight;
    t.block_id = compute_block_id(f.header);
    t.txs = rf.named;
    write_message(w, "body transactions (the two named, ascending by txid)", MessageType::body_transactions,
                  unwrap(encode_body_transactions_to_vector(t.chain_id, t.height, t.block_id, t.txs)), [&] {
                    w.begin_object();
                    write_body_transactions_fields(w, t);
                    w.end_object();
                  });
  }
  w.end_array();
  w.end_object();
}

}  // namespace midnight::cli::vectors
