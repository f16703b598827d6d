mod common;
use common::*;
use midnight_interop::{codec::*, hash, json};

#[test]
fn sha256_cases() {
    let v = load("hashing.json");
    for c in cases(&v, "sha256") {
        let d = b(&c["input_hex"]);
        if let Some(a) = c["input_ascii"].as_str() {
            assert_eq!(a.as_bytes(), &d[..]);
        }
        assert_eq!(h(&hash::sha256(&d)), c["sha256"].as_str().unwrap());
    }
}

#[test]
fn tags() {
    let v = load("hashing.json");
    for c in cases(&v, "tags") {
        let name = c["name"].as_str().unwrap();
        let tag = hash::TAGS.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("tag {name}")).1;
        assert_eq!(h(tag), c["hex"].as_str().unwrap());
        let mut a = c["ascii_without_nul"].as_str().unwrap().as_bytes().to_vec();
        a.push(0);
        assert_eq!(a, tag);
    }
}

#[test]
fn chain_ids() {
    let v = load("hashing.json");
    for k in ["chain_id", "other_chain_id"] {
        let c = &v[k];
        assert_eq!(h(&hash::sha256(c["sha256_of_ascii"].as_str().unwrap().as_bytes())), c["hex"].as_str().unwrap());
    }
}

#[test]
fn txids() {
    let v = load("hashing.json");
    for c in cases(&v, "txid") {
        let chain = a32(&c["chain_id"]);
        let tx = b(&c["tx_hex"]);
        assert_eq!(h(&hash::txid_preimage(&chain, &tx)), c["preimage_hex"].as_str().unwrap());
        assert_eq!(h(&hash::txid(&chain, &tx)), c["txid"].as_str().unwrap());
    }
}

#[test]
fn block_ids() {
    let v = load("hashing.json");
    for c in cases(&v, "block_id") {
        let hd: Header = json::header_from_json(&c["header"]).unwrap();
        assert_eq!(h(&hd.body()), c["header_body_hex"].as_str().unwrap());
        assert_eq!(h(&hd.block_id()), c["block_id"].as_str().unwrap());
    }
}

#[test]
fn merkle() {
    let v = load("hashing.json");
    let m = &v["merkle"];
    let leaves: Vec<Vec<u8>> = m["leaves_hex"].as_array().unwrap().iter().map(b).collect();
    for (l, e) in leaves.iter().zip(m["leaf_hashes"].as_array().unwrap()) {
        assert_eq!(h(&hash::merkle_leaf(l)), e.as_str().unwrap());
    }
    let roots = cases(m, "roots");
    assert_eq!(roots.len(), 9);
    for r in roots {
        let n = r["n"].as_u64().unwrap() as usize;
        assert_eq!(h(&hash::merkle_root(&leaves[..n])), r["root"].as_str().unwrap(), "n = {n}");
    }
    for c in cases(m, "no_duplication") {
        let ls: Vec<Vec<u8>> = c["leaves_hex"].as_array().unwrap().iter().map(b).collect();
        assert_eq!(h(&hash::merkle_root(&ls)), c["root"].as_str().unwrap());
    }
}
