//! Hashes of encoding.md §6: SHA-256, domain tags, txid, block id, Merkle root, VRF input.
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

pub const TAG_TXID: &[u8] = b"midnight/v1/txid\0";
pub const TAG_BLOCK: &[u8] = b"midnight/v1/block\0";
pub const TAG_PROPOSAL: &[u8] = b"midnight/v1/proposal\0";
pub const TAG_VOTE: &[u8] = b"midnight/v1/vote\0";
pub const TAG_COINBASE: &[u8] = b"midnight/v1/coinbase\0";
pub const TAG_VRF: &[u8] = b"midnight/v1/vrf\0";
pub const TAG_COMMIT_REQUEST: &[u8] = b"midnight/v2/commit-request\0";
pub const TAG_BODY_REQUEST: &[u8] = b"midnight/v2/body-request\0";
pub const TAG_RECONCILE_REQUEST: &[u8] = b"midnight/v2/reconcile-request\0";
pub const TAG_SKETCH_KEY: &[u8] = b"midnight/v2/sketch-key\0";
pub const TAG_REPROPOSAL: &[u8] = b"midnight/v2/reproposal\0";

/// (name, tag bytes including the NUL)
pub const TAGS: &[(&str, &[u8])] = &[
    ("txid", TAG_TXID),
    ("block", TAG_BLOCK),
    ("block_id", TAG_BLOCK),
    ("proposal", TAG_PROPOSAL),
    ("vote", TAG_VOTE),
    ("coinbase", TAG_COINBASE),
    ("vrf", TAG_VRF),
    ("vrf_input", TAG_VRF),
    ("commit_request", TAG_COMMIT_REQUEST),
    ("body_request", TAG_BODY_REQUEST),
    ("reconcile_request", TAG_RECONCILE_REQUEST),
    ("sketch_key", TAG_SKETCH_KEY),
    ("reproposal", TAG_REPROPOSAL),
];

pub fn sha256(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(data);
    h.finalize().into()
}

pub fn sha256_parts(parts: &[&[u8]]) -> Hash {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

pub fn txid(chain_id: &Hash, tx: &[u8]) -> Hash {
    sha256_parts(&[TAG_TXID, chain_id, tx])
}

pub fn txid_preimage(chain_id: &Hash, tx: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(TAG_TXID.len() + 32 + tx.len());
    v.extend_from_slice(TAG_TXID);
    v.extend_from_slice(chain_id);
    v.extend_from_slice(tx);
    v
}

/// Block id of a 150-byte header body.
pub fn block_id_of_body(header_body: &[u8]) -> Hash {
    sha256_parts(&[TAG_BLOCK, header_body])
}

pub fn merkle_leaf(d: &[u8]) -> Hash {
    sha256_parts(&[&[0u8], d])
}

pub fn merkle_node(l: &Hash, r: &Hash) -> Hash {
    sha256_parts(&[&[1u8], l, r])
}

/// RFC 6962 Merkle Tree Hash over the leaves' bytes (encoding.md §6.4).
pub fn merkle_root<T: AsRef<[u8]>>(leaves: &[T]) -> Hash {
    if leaves.is_empty() {
        return sha256(b"");
    }
    let hashes: Vec<Hash> = leaves.iter().map(|l| merkle_leaf(l.as_ref())).collect();
    merkle_root_of_leaf_hashes(&hashes)
}

/// Merkle root from the leaf hashes (each already H(0x00 || d)).
pub fn merkle_root_of_leaf_hashes(hashes: &[Hash]) -> Hash {
    if hashes.is_empty() {
        return sha256(b"");
    }
    if crate::mutant::is("merkle-duplicate-odd") {
        // MUTANT: Bitcoin style, pair the last node of an odd level with itself.
        let mut level: Vec<Hash> = hashes.to_vec();
        while level.len() > 1 {
            if level.len() % 2 == 1 {
                let last = *level.last().unwrap();
                level.push(last);
            }
            level = level.chunks(2).map(|c| merkle_node(&c[0], &c[1])).collect();
        }
        return level[0];
    }
    // Bottom-up equivalent of the recursive definition: pair adjacent nodes, carry an odd
    // last node up unchanged. (The RFC's split at the largest power of two below n gives
    // exactly this tree.)
    let mut level: Vec<Hash> = hashes.to_vec();
    while level.len() > 1 {
        let mut next = Vec::with_capacity((level.len() + 1) / 2);
        let mut i = 0;
        while i + 1 < level.len() {
            next.push(merkle_node(&level[i], &level[i + 1]));
            i += 2;
        }
        if i < level.len() {
            next.push(level[i]);
        }
        level = next;
    }
    level[0]
}

/// VRF input of encoding.md §6.5 (92 bytes).
pub fn vrf_input(chain_id: &Hash, height: u64, round: u32, prev_id: &Hash) -> Vec<u8> {
    let mut v = Vec::with_capacity(92);
    v.extend_from_slice(TAG_VRF);
    v.extend_from_slice(chain_id);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&round.to_be_bytes());
    v.extend_from_slice(prev_id);
    v
}

pub fn is_zero(h: &[u8]) -> bool {
    h.iter().all(|&b| b == 0)
}
