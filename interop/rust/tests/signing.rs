mod common;
use common::*;
use midnight_interop::{json, sig};

#[test]
fn keypairs() {
    let v = load("signing.json");
    for c in cases(&v, "keypairs") {
        assert_eq!(h(&sig::public_key(&a32(&c["seed"]))), c["public_key"].as_str().unwrap());
    }
}

#[test]
fn rfc8032() {
    let v = load("signing.json");
    for c in cases(&v, "ed25519") {
        let seed = a32(&c["seed"]);
        assert_eq!(h(&sig::public_key(&seed)), c["public_key"].as_str().unwrap());
        let m = b(&c["message_hex"]);
        let s = sig::sign(&seed, &m);
        assert_eq!(h(&s), c["signature"].as_str().unwrap());
        assert!(sig::verify(&sig::public_key(&seed), &m, &s));
    }
}

#[test]
fn proposals() {
    let v = load("signing.json");
    for c in cases(&v, "proposals") {
        let hd = json::header_from_json(&c["header"]).unwrap();
        assert_eq!(h(&hd.block_id()), c["block_id"].as_str().unwrap());
        let si = hd.signing_input();
        assert_eq!(si.len(), 97);
        assert_eq!(h(&si), c["signing_input_hex"].as_str().unwrap());
        let seed = a32(&c["signer_seed"]);
        assert_eq!(sig::public_key(&seed), hd.proposer);
        let s = sig::sign(&seed, &si);
        assert_eq!(h(&s), c["signature"].as_str().unwrap());
        assert!(sig::verify(&hd.proposer, &si, &s));
    }
}

#[test]
fn votes() {
    let v = load("signing.json");
    for c in cases(&v, "votes") {
        let vote = json::vote_from_json(&c["vote"]).unwrap();
        let si = vote.signing_input();
        assert_eq!(si.len(), 95);
        assert_eq!(h(&si), c["signing_input_hex"].as_str().unwrap());
        let seed = a32(&c["signer_seed"]);
        assert_eq!(sig::public_key(&seed), vote.voter);
        let s = sig::sign(&seed, &si);
        assert_eq!(s, vote.signature, "{}", c["name"]);
        assert!(sig::verify(&vote.voter, &si, &s));
    }
}

#[test]
fn verify_cases() {
    let v = load("signing.json");
    for c in cases(&v, "verify") {
        let pk = a32(&c["public_key"]);
        let m = b(&c["message_hex"]);
        let s: [u8; 64] = b(&c["signature"]).try_into().unwrap();
        assert_eq!(sig::verify(&pk, &m, &s), c["valid"].as_bool().unwrap(), "{}", c["name"]);
    }
}

#[test]
fn non_canonical_encodings_are_refused() {
    // A public key with y >= p (y = p + 3 encodes the same point as y = 3, if that is on
    // the curve; either way libsodium refuses the encoding): never valid.
    let mut pk = [0xffu8; 32];
    pk[0] = 0xed + 3;
    pk[31] = 0x7f;
    assert!(!sig::canonical_y(&pk));
    assert!(!sig::verify(&pk, b"m", &[0u8; 64]));
    let good = sig::public_key(&[1u8; 32]);
    assert!(sig::canonical_y(&good));
    // R with y >= p in an otherwise well-formed signature
    let mut s = sig::sign(&[1u8; 32], b"m");
    assert!(sig::verify(&good, b"m", &s));
    s[0..32].copy_from_slice(&pk);
    assert!(!sig::verify(&good, b"m", &s));
}
