mod common;
use common::*;
use midnight_interop::{codec::*, hash};

/// Inputs given by `input_rule`, built from encoding.json's block.
fn build(rule: &str) -> Vec<u8> {
    let enc = load("encoding.json");
    let blk = enc["messages"].as_array().unwrap().iter().find(|m| m["type"] == "block").unwrap();
    let bytes = b(&blk["hex"]);
    let Message::Block(block) = decode(&bytes, MsgType::Block).unwrap() else { panic!() };
    let chain = block.header.chain_id;
    let mut txs: Vec<Vec<u8>> = if rule.contains("65532 bytes of 0x5b") {
        assert!(rule.contains("i = 0 .. 4096"));
        (0..=4096u32).map(|i| { let mut t = i.to_be_bytes().to_vec(); t.extend(std::iter::repeat(0x5b).take(65532)); t }).collect()
    } else {
        assert!(rule.contains("i = 0 .. 2097152"), "{rule}");
        (0..=2097152u32).map(|i| i.to_be_bytes().to_vec()).collect()
    };
    let mut keyed: Vec<([u8; 32], Vec<u8>)> = txs.drain(..).map(|t| (hash::txid(&chain, &t), t)).collect();
    keyed.sort();
    let mut all = vec![block.transactions[0].clone()];
    all.extend(keyed.into_iter().map(|(_, t)| t));
    encode_unchecked(&Message::Block(Block { header: block.header, signature: block.signature, transactions: all }))
}

#[test]
fn every_rejection() {
    let v = load("rejections.json");
    let mut errors = std::collections::HashSet::new();
    for c in cases(&v, "cases") {
        let name = c["name"].as_str().unwrap();
        let t = MsgType::from_name(c["decode_as"].as_str().unwrap()).unwrap();
        let input = if let Some(rule) = c.get("input_rule") {
            let bytes = build(rule.as_str().unwrap());
            assert_eq!(bytes.len() as u64, c["size"].as_u64().unwrap(), "{name}");
            assert_eq!(h(&hash::sha256(&bytes)), c["sha256"].as_str().unwrap(), "{name}");
            bytes
        } else {
            b(&c["hex"])
        };
        let e = decode(&input, t).expect_err(name);
        assert_eq!(e.code, c["error"].as_str().unwrap(), "{name}: {e}");
        errors.insert(e.code);
    }
    assert_eq!(errors.len(), 15, "{errors:?}");
}
