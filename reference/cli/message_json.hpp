// Messages as JSON, shared by `decode` (one message, every field) and `vectors` (the
// conformance vectors). Field names and order are part of both outputs: `decode`'s is
// checked by tests/cli/decode.sh, and the vectors' is committed in spec/vectors/, so a
// change here changes both and must be regenerated on purpose.
#pragma once
#include <span>

#include "midnight/sim/json_writer.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::cli {

// Whether to add what is derived from a message rather than carried in it: whether a vote
// is nil and whether each signature verifies. `decode` shows these; the vectors hold only
// the encoded fields (a reader derives the rest).
enum class Derived { omit, show };

// "transaction", "masternode", ...: the name `decode` and the vectors give a type ("?" for
// a value that names none).
const char* message_type_name(MessageType t);

// Functions named *_fields write fields into the object the caller has open; the others
// write one JSON value (after the caller's key, or as an array element).

// {"version", "chain_id", "height", "round", "prev_id", "merkle_root", "timestamp_ms", "proposer"}
void write_header(sim::JsonWriter& w, const BlockHeader& h);
// "header": {...}, "block_id": its id.
void write_header_fields(sim::JsonWriter& w, const BlockHeader& h);
// The header's fields, then "signature" (the proposer's), and with Derived::show
// "signature_valid". A proposal, and the start of a block.
void write_signed_header_fields(sim::JsonWriter& w, const BlockHeader& h, const Signature& sig, Derived derived);
// The signed header's fields, then "vrf_proof". With Derived::show also: given the
// proposer's VRF key (a proposal does not carry it: the membership does), "vrf_valid" (the
// proof verifies for that key and the header's VRF input) and, if so, "vrf_output";
// without it, "vrf_output_unverified" (ECVRF_proof_to_hash of a proof that decodes).
void write_proposal_fields(sim::JsonWriter& w, const Proposal& p, Derived derived,
                           const PublicKey* proposer_vrf_key = nullptr);
// "key", "vrf_key", "reward_to", "weight".
void write_masternode_fields(sim::JsonWriter& w, const Masternode& m);
// "chain_id", "height", "round", "step", "block_id", "approve", ["nil"], "voter", "signature",
// ["signature_valid"]; the bracketed ones with Derived::show.
void write_vote_fields(sim::JsonWriter& w, const Vote& v, Derived derived);
// The vote's fields as one object.
void write_vote(sim::JsonWriter& w, const Vote& v, Derived derived);
// {"chain_id", "height", "round", "block_id", "count", "signatures": [{"voter", "signature",
// ["signature_valid"]}, ...]}, one single-line object a signature.
// The entries stand for precommits (a commit certificate) or prevotes (a polka).
void write_certificate(sim::JsonWriter& w, const Certificate& c, Derived derived,
                       VoteStep step = VoteStep::precommit);

void write_commit_request_fields(sim::JsonWriter& w, const CommitRequest& c, Derived derived);
void write_body_request_fields(sim::JsonWriter& w, const BodyRequest& b, Derived derived);
// Reconciliation: short ids as 16 hex digits each; a sketch by its size (its cells are noise
// to a reader); transactions with their txids.
void write_reconcile_request_fields(sim::JsonWriter& w, const ReconcileRequest& r, Derived derived);
void write_body_sketch_fields(sim::JsonWriter& w, const BodySketchView& s);
void write_body_transactions_fields(sim::JsonWriter& w, const BodyTransactionsView& t);

}  // namespace midnight::cli
