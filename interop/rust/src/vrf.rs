//! ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381) with the strict rules and errors of vrf.md.
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use sha2::{Digest, Sha512};

const SUITE: u8 = 0x03;

/// Which kind of value is being decoded, for the error names.
#[derive(Clone, Copy)]
enum What {
    PublicKey,
    Gamma,
    Candidate,
}

fn y_not_below_p(s: &[u8; 32]) -> bool {
    // p = 2^255 - 19: little-endian ed ff .. ff 7f (top bit is the sign of x, ignored)
    if s[31] & 0x7f != 0x7f {
        return false;
    }
    if s[1..31].iter().any(|&b| b != 0xff) {
        return false;
    }
    s[0] >= 0xed
}

/// string_to_point of vrf.md §3.1 (RFC 8032 §5.1.3, strict).
fn string_to_point(s: &[u8; 32], what: What) -> Result<EdwardsPoint, &'static str> {
    let names = match what {
        What::PublicKey => ["public_key_not_canonical", "public_key_not_on_curve", "public_key_x_zero_sign_set"],
        What::Gamma => ["gamma_not_canonical", "gamma_not_on_curve", "gamma_x_zero_sign_set"],
        What::Candidate => ["invalid", "invalid", "invalid"],
    };
    if y_not_below_p(s) {
        return Err(names[0]);
    }
    let p = CompressedEdwardsY(*s).decompress().ok_or(names[1])?;
    if p.compress().0 != *s {
        // y < p, so the only other way to differ is x = 0 with the sign bit set.
        return Err(names[2]);
    }
    Ok(p)
}

/// ECVRF_validate_key (vrf.md §3.7).
pub fn validate_key(pk: &[u8; 32]) -> Result<EdwardsPoint, &'static str> {
    let y = string_to_point(pk, What::PublicKey)?;
    if y.mul_by_cofactor().is_identity() {
        return Err("public_key_small_order");
    }
    Ok(y)
}

/// encode_to_curve, try-and-increment (vrf.md §3.2). Returns H and ctr.
pub fn encode_to_curve(pk: &[u8; 32], alpha: &[u8]) -> Result<(EdwardsPoint, u8), &'static str> {
    for ctr in 0..=255u8 {
        let mut h = Sha512::new();
        h.update([SUITE, 0x01]);
        h.update(pk);
        h.update(alpha);
        h.update([ctr, 0x00]);
        let d = h.finalize();
        let s: [u8; 32] = d[0..32].try_into().unwrap();
        if let Ok(p) = string_to_point(&s, What::Candidate) {
            let hp = p.mul_by_cofactor();
            if !hp.is_identity() {
                return Ok((hp, ctr));
            }
        }
    }
    Err("encode_to_curve_exhausted")
}

fn challenge(points: [&EdwardsPoint; 5]) -> [u8; 16] {
    let mut h = Sha512::new();
    h.update([SUITE, 0x02]);
    for p in points {
        h.update(p.compress().0);
    }
    h.update([0x00]);
    h.finalize()[0..16].try_into().unwrap()
}

fn scalar16(c: &[u8; 16]) -> Scalar {
    let mut b = [0u8; 32];
    b[..16].copy_from_slice(c);
    Scalar::from_bytes_mod_order(b)
}

fn beta_of_gamma(gamma: &EdwardsPoint) -> [u8; 64] {
    let mut h = Sha512::new();
    h.update([SUITE, 0x03]);
    h.update(gamma.mul_by_cofactor().compress().0);
    h.update([0x00]);
    h.finalize().into()
}

/// decode_proof (vrf.md §3.6).
fn decode_proof(pi: &[u8; 80]) -> Result<(EdwardsPoint, [u8; 16], Scalar), &'static str> {
    let g: [u8; 32] = pi[0..32].try_into().unwrap();
    let gamma = string_to_point(&g, What::Gamma)?;
    let c: [u8; 16] = pi[32..48].try_into().unwrap();
    let sb: [u8; 32] = pi[48..80].try_into().unwrap();
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(sb)).ok_or("s_not_below_group_order")?;
    Ok((gamma, c, s))
}

/// proof_to_hash: beta of a proof, decoding (strictly) but not verifying.
pub fn proof_to_hash(pi: &[u8; 80]) -> Result<[u8; 64], &'static str> {
    let (gamma, _, _) = decode_proof(pi)?;
    Ok(beta_of_gamma(&gamma))
}

/// The VRF public key of a 32-byte secret seed.
pub fn public_key(sk: &[u8; 32]) -> [u8; 32] {
    let (x, _) = expand(sk);
    EdwardsPoint::mul_base(&x).compress().0
}

fn expand(sk: &[u8; 32]) -> (Scalar, [u8; 32]) {
    let d = Sha512::digest(sk);
    let mut xb: [u8; 32] = d[0..32].try_into().unwrap();
    xb[0] &= 248;
    xb[31] &= 127;
    xb[31] |= 64;
    let prefix: [u8; 32] = d[32..64].try_into().unwrap();
    // x is used against points of order q (B, H), so reducing it changes no product.
    (Scalar::from_bytes_mod_order(xb), prefix)
}

/// ECVRF_prove (vrf.md §3.5): the 80-byte proof.
pub fn prove(sk: &[u8; 32], alpha: &[u8]) -> Result<[u8; 80], &'static str> {
    let (x, prefix) = expand(sk);
    let y = EdwardsPoint::mul_base(&x);
    let pk = y.compress().0;
    let (h, _) = encode_to_curve(&pk, alpha)?;
    let gamma = h * x;
    let mut kh = Sha512::new();
    kh.update(prefix);
    kh.update(h.compress().0);
    let kd: [u8; 64] = kh.finalize().into();
    let k = Scalar::from_bytes_mod_order_wide(&kd);
    let u = EdwardsPoint::mul_base(&k);
    let v = h * k;
    let c = challenge([&y, &h, &gamma, &u, &v]);
    let s = k + scalar16(&c) * x;
    let mut pi = [0u8; 80];
    pi[0..32].copy_from_slice(&gamma.compress().0);
    pi[32..48].copy_from_slice(&c);
    pi[48..80].copy_from_slice(&s.to_bytes());
    Ok(pi)
}

/// ECVRF_verify (vrf.md §3.8, validate_key = TRUE): beta, or the first error.
pub fn verify(pk: &[u8; 32], pi: &[u8; 80], alpha: &[u8]) -> Result<[u8; 64], &'static str> {
    let y = validate_key(pk)?;
    let (gamma, c, s) = decode_proof(pi)?;
    let (h, _) = encode_to_curve(pk, alpha)?;
    let cs = scalar16(&c);
    // Scalars s < q and c < 2^128 < q are their own integers: these products are exact in
    // the full curve group, torsion components included.
    let u = EdwardsPoint::mul_base(&s) - y * cs;
    let v = h * s - gamma * cs;
    if challenge([&y, &h, &gamma, &u, &v]) == c {
        Ok(beta_of_gamma(&gamma))
    } else {
        Err("proof_does_not_verify")
    }
}
