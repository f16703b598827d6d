//! Ed25519 (encoding.md §7) and the signing inputs of §7.1-§7.8.
use crate::hash::*;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

pub fn public_key(seed: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

pub fn sign(seed: &[u8; 32], msg: &[u8]) -> [u8; 64] {
    SigningKey::from_bytes(seed).sign(msg).to_bytes()
}

/// The acceptance rule of encoding.md §7: S below L, public key and R not of small order
/// (libsodium's crypto_sign_verify_detached). ed25519-dalek's `verify_strict`.
pub fn verify(public_key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    if crate::mutant::is("unverified-signature") {
        // MUTANT: every signature is accepted.
        return true;
    }
    // libsodium (the reference, encoding.md §7) also refuses a public key or an R whose
    // y coordinate is not below p (a non-canonical encoding): ed25519-dalek's
    // verify_strict reduces y and compares R as a point, so check it here.
    let lenient = crate::mutant::is("lenient-signature");
    if !lenient && (!canonical_y(public_key) || !canonical_y(&sig[0..32])) {
        return false;
    }
    if crate::mutant::is("cofactored-signature") {
        return verify_cofactored(public_key, msg, sig);
    }
    let vk = match VerifyingKey::from_bytes(public_key) {
        Ok(k) => k,
        Err(_) => return false,
    };
    let s = Signature::from_bytes(sig);
    if lenient {
        // MUTANT: the library's non-strict verification (accepts small-order keys and R).
        use ed25519_dalek::Verifier;
        return vk.verify(msg, &s).is_ok();
    }
    vk.verify_strict(msg, &s).is_ok()
}

/// MUTANT `cofactored-signature`: the cofactored equation [8][S]B = [8]R + [8][k]A, with
/// the small-order and canonical checks kept, so that only a mixed-order key or R tells it
/// from the plain equation the spec requires.
fn verify_cofactored(public_key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::edwards::CompressedEdwardsY;
    use curve25519_dalek::scalar::Scalar;
    use curve25519_dalek::traits::IsIdentity;
    use sha2::{Digest, Sha512};
    let r_bytes: [u8; 32] = sig[0..32].try_into().unwrap();
    let s_bytes: [u8; 32] = sig[32..64].try_into().unwrap();
    let (a, r) = match (CompressedEdwardsY(*public_key).decompress(), CompressedEdwardsY(r_bytes).decompress()) {
        (Some(a), Some(r)) => (a, r),
        _ => return false,
    };
    if a.is_small_order() || r.is_small_order() {
        return false;
    }
    let s = match Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes)) {
        Some(s) => s,
        None => return false,
    };
    let k = Scalar::from_hash(Sha512::new().chain_update(r_bytes).chain_update(public_key).chain_update(msg));
    (ED25519_BASEPOINT_POINT * s - a * k - r).mul_by_cofactor().is_identity()
}

pub fn proposal_signing_input(chain_id: &Hash, height: u64, round: u32, block_id: &Hash) -> Vec<u8> {
    let mut v = Vec::with_capacity(97);
    v.extend_from_slice(TAG_PROPOSAL);
    v.extend_from_slice(chain_id);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&round.to_be_bytes());
    v.extend_from_slice(block_id);
    v
}

pub fn vote_signing_input(
    chain_id: &Hash,
    height: u64,
    round: u32,
    step: u8,
    block_id: &Hash,
    approve: bool,
) -> Vec<u8> {
    let mut v = Vec::with_capacity(95);
    v.extend_from_slice(TAG_VOTE);
    v.extend_from_slice(chain_id);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&round.to_be_bytes());
    v.push(step);
    v.extend_from_slice(block_id);
    v.push(approve as u8);
    v
}

pub fn commit_request_signing_input(chain_id: &Hash, height: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(67);
    v.extend_from_slice(TAG_COMMIT_REQUEST);
    v.extend_from_slice(chain_id);
    v.extend_from_slice(&height.to_be_bytes());
    v
}

pub fn body_request_signing_input(chain_id: &Hash, height: u64, block_id: &Hash) -> Vec<u8> {
    let mut v = Vec::with_capacity(97);
    v.extend_from_slice(TAG_BODY_REQUEST);
    v.extend_from_slice(chain_id);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(block_id);
    v
}

pub fn reconcile_request_signing_input(
    chain_id: &Hash,
    height: u64,
    block_id: &Hash,
    kind: u8,
    have: u32,
    ids: &[u64],
) -> Vec<u8> {
    let mut idb = Vec::with_capacity(ids.len() * 8);
    for i in ids {
        idb.extend_from_slice(&i.to_be_bytes());
    }
    let mut v = Vec::with_capacity(139);
    v.extend_from_slice(TAG_RECONCILE_REQUEST);
    v.extend_from_slice(chain_id);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(block_id);
    v.push(kind);
    v.extend_from_slice(&have.to_be_bytes());
    v.extend_from_slice(&sha256(&idb));
    v
}

pub fn reproposal_signing_input(
    chain_id: &Hash,
    height: u64,
    round: u32,
    reproposer: &[u8; 32],
    block_id: &Hash,
    polka_round: u32,
) -> Vec<u8> {
    let mut v = Vec::with_capacity(135);
    v.extend_from_slice(TAG_REPROPOSAL);
    v.extend_from_slice(chain_id);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&round.to_be_bytes());
    v.extend_from_slice(reproposer);
    v.extend_from_slice(block_id);
    v.extend_from_slice(&polka_round.to_be_bytes());
    v
}

/// True when the 255-bit y of a point encoding is below p = 2^255 − 19.
pub fn canonical_y(s: &[u8]) -> bool {
    !(s[31] & 0x7f == 0x7f && s[1..31].iter().all(|&b| b == 0xff) && s[0] >= 0xed)
}
