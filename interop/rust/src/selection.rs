//! Canonical selection (protocol.md §4.2-§4.5).
use crate::hash::Hash;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    LowestHash,
    Vrf,
    FirstToQuorum,
}

impl Policy {
    pub fn from_name(s: &str) -> Option<Policy> {
        match s {
            "lowest-hash" => Some(Policy::LowestHash),
            "vrf" => Some(Policy::Vrf),
            "first-to-quorum" => Some(Policy::FirstToQuorum),
            _ => None,
        }
    }
}

/// Policy C's rank key: 32 bytes, zero but for the arrival index big-endian in the last four;
/// the node's own proposal gets 2^32 − 1.
pub fn arrival_key(index: u32, own: bool) -> Vec<u8> {
    let mut k = vec![0u8; 32];
    let i = if own { u32::MAX } else { index };
    k[28..32].copy_from_slice(&i.to_be_bytes());
    k
}

/// The pick: index of the candidate with the smallest (rank key, block id), or None.
pub fn pick(candidates: &[(Vec<u8>, Hash)]) -> Option<usize> {
    (0..candidates.len()).min_by(|&a, &b| {
        let (ka, ia) = &candidates[a];
        let (kb, ib) = &candidates[b];
        ka.cmp(kb).then(ia.cmp(ib))
    })
}
