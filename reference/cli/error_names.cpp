#include "error_names.hpp"

namespace midnight::cli {

// Switches without a default: a new enumerator is a compile error (-Wswitch, -Werror).
const char* codec_errc_name(codec_errc e) {
  switch (e) {
    case codec_errc::truncated: return "truncated";
    case codec_errc::trailing_bytes: return "trailing_bytes";
    case codec_errc::unknown_version: return "unknown_version";
    case codec_errc::unknown_message_type: return "unknown_message_type";
    case codec_errc::wrong_message_type: return "wrong_message_type";
    case codec_errc::bad_header_version: return "bad_header_version";
    case codec_errc::length_out_of_range: return "length_out_of_range";
    case codec_errc::count_out_of_range: return "count_out_of_range";
    case codec_errc::bad_flag: return "bad_flag";
    case codec_errc::bad_vote_step: return "bad_vote_step";
    case codec_errc::weight_out_of_range: return "weight_out_of_range";
    case codec_errc::not_canonical_order: return "not_canonical_order";
    case codec_errc::block_too_large: return "block_too_large";
    case codec_errc::nil_vote_not_canonical: return "nil_vote_not_canonical";
    case codec_errc::output_too_small: return "output_too_small";
    case codec_errc::bad_reconcile_kind: return "bad_reconcile_kind";
  }
  return "?";
}

const char* round_errc_name(round_errc e) {
  switch (e) {
    case round_errc::not_started: return "not_started";
    case round_errc::wrong_chain: return "wrong_chain";
    case round_errc::wrong_height: return "wrong_height";
    case round_errc::round_out_of_range: return "round_out_of_range";
    case round_errc::not_a_member: return "not_a_member";
    case round_errc::bad_signature: return "bad_signature";
    case round_errc::conflicting_proposal: return "conflicting_proposal";
    case round_errc::wrong_parent: return "wrong_parent";
    case round_errc::wrong_timestamp: return "wrong_timestamp";
    case round_errc::bad_header_version: return "bad_header_version";
    case round_errc::stale_timer: return "stale_timer";
    case round_errc::already_decided: return "already_decided";
    case round_errc::stale_round: return "stale_round";
    case round_errc::bad_certificate: return "bad_certificate";
    case round_errc::block_mismatch: return "block_mismatch";
    case round_errc::bad_merkle_root: return "bad_merkle_root";
    case round_errc::conflicting_commit: return "conflicting_commit";
    case round_errc::restore_too_late: return "restore_too_late";
    case round_errc::not_own_vote: return "not_own_vote";
    case round_errc::conflicting_own_vote: return "conflicting_own_vote";
    case round_errc::lock_without_precommit: return "lock_without_precommit";
    case round_errc::bad_vrf_proof: return "bad_vrf_proof";
    case round_errc::round_behind_window: return "round_behind_window";
    case round_errc::bad_polka: return "bad_polka";
    case round_errc::bad_coinbase: return "bad_coinbase";
    case round_errc::unsolicited_body: return "unsolicited_body";
    case round_errc::body_not_held: return "body_not_held";
    case round_errc::body_answers_spent: return "body_answers_spent";
    case round_errc::unsolicited_answer: return "unsolicited_answer";
  }
  return "?";
}

const char* body_errc_name(body_errc e) {
  switch (e) {
    case body_errc::no_coinbase: return "no_coinbase";
    case body_errc::bad_coinbase: return "bad_coinbase";
    case body_errc::bad_transaction_size: return "bad_transaction_size";
    case body_errc::not_canonical_order: return "not_canonical_order";
    case body_errc::too_many_transactions: return "too_many_transactions";
    case body_errc::too_many_bytes: return "too_many_bytes";
    case body_errc::invalid_transaction: return "invalid_transaction";
    case body_errc::bad_merkle_root: return "bad_merkle_root";
  }
  return "?";
}

const char* timer_name(TimerKind k) {
  switch (k) {
    case TimerKind::collect_deadline: return "collect_deadline";
    case TimerKind::prevote_deadline: return "prevote_deadline";
    case TimerKind::round_end: return "round_end";
  }
  return "?";
}

const char* host_error_name(const std::error_code& ec) {
  if (ec.category() == error_category_of<round_errc>()) return round_errc_name(static_cast<round_errc>(ec.value()));
  if (ec.category() == error_category_of<codec_errc>()) return codec_errc_name(static_cast<codec_errc>(ec.value()));
  if (ec.category() == error_category_of<body_errc>()) return body_errc_name(static_cast<body_errc>(ec.value()));
  if (ec.category() == error_category_of<journal_errc>()) return journal_errc_name(static_cast<journal_errc>(ec.value()));
  return nullptr;
}

const char* journal_errc_name(journal_errc e) {
  switch (e) {
    case journal_errc::corrupt_frame: return "corrupt_frame";
    case journal_errc::bad_record: return "bad_record";
    case journal_errc::in_use: return "in_use";
  }
  return "?";
}

const char* membership_errc_name(membership_errc e) {
  switch (e) {
    case membership_errc::empty: return "empty";
    case membership_errc::too_many_members: return "too_many_members";
    case membership_errc::duplicate_member: return "duplicate_member";
    case membership_errc::weight_out_of_range: return "weight_out_of_range";
    case membership_errc::vrf_key_invalid: return "vrf_key_invalid";
    case membership_errc::vrf_key_reused: return "vrf_key_reused";
  }
  return "?";
}

const char* vrf_errc_name(vrf_errc e) {
  switch (e) {
    case vrf_errc::public_key_not_canonical: return "public_key_not_canonical";
    case vrf_errc::public_key_not_on_curve: return "public_key_not_on_curve";
    case vrf_errc::public_key_x_zero_sign_set: return "public_key_x_zero_sign_set";
    case vrf_errc::public_key_small_order: return "public_key_small_order";
    case vrf_errc::gamma_not_canonical: return "gamma_not_canonical";
    case vrf_errc::gamma_not_on_curve: return "gamma_not_on_curve";
    case vrf_errc::gamma_x_zero_sign_set: return "gamma_x_zero_sign_set";
    case vrf_errc::s_not_below_group_order: return "s_not_below_group_order";
    case vrf_errc::proof_does_not_verify: return "proof_does_not_verify";
    case vrf_errc::secret_key_inconsistent: return "secret_key_inconsistent";
    case vrf_errc::encode_to_curve_exhausted: return "encode_to_curve_exhausted";
  }
  return "?";
}

}  // namespace midnight::cli
