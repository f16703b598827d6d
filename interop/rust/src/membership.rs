//! Membership validation (protocol.md §1.1) and the quorum rule (§2).
use crate::codec::{Masternode, MAX_MEMBERS, MAX_MEMBER_WEIGHT};

/// Check a membership (in any order) and return it in canonical order (ascending key).
/// Errors, in the order of §1.1: `empty`, `too_many_members`, `weight_out_of_range`,
/// `duplicate_member`, `vrf_key_invalid`, `vrf_key_reused`.
pub fn validate(members: &[Masternode]) -> Result<Vec<Masternode>, &'static str> {
    if members.is_empty() {
        return Err("empty");
    }
    if members.len() > MAX_MEMBERS {
        return Err("too_many_members");
    }
    if members.iter().any(|m| m.weight == 0 || m.weight > MAX_MEMBER_WEIGHT) {
        return Err("weight_out_of_range");
    }
    let mut sorted: Vec<Masternode> = members.to_vec();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    if sorted.windows(2).any(|w| w[0].key == w[1].key) {
        return Err("duplicate_member");
    }
    if members.iter().any(|m| crate::vrf::validate_key(&m.vrf_key).is_err()) {
        return Err("vrf_key_invalid");
    }
    let mut all: std::collections::HashSet<[u8; 32]> = members.iter().map(|m| m.key).collect();
    for m in members {
        if !all.insert(m.vrf_key) {
            return Err("vrf_key_reused");
        }
    }
    Ok(sorted)
}

pub fn total_weight(members: &[Masternode]) -> u64 {
    members.iter().map(|m| m.weight).sum()
}

/// `is_quorum(w) ⇔ 3·w > 2·W`.
pub fn is_quorum(weight: u64, total: u64) -> bool {
    if crate::mutant::is("quorum-ceil") {
        // MUTANT: "at least two thirds", weight >= ceil(2W/3).
        return weight >= threshold(total);
    }
    3 * (weight as u128) > 2 * (total as u128)
}

/// `Q(W) = ⌊2W/3⌋ + 1`, the least weight that is a quorum.
pub fn threshold(total: u64) -> u64 {
    if crate::mutant::is("quorum-ceil") {
        // MUTANT: ceil(2W/3).
        return (2 * total + 2) / 3;
    }
    2 * total / 3 + 1
}
