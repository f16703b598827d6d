mod common;
use common::*;
use midnight_interop::{block, hash, json, membership, sig, vrf};
use serde_json::Value;

fn mempool_of(c: &Value) -> Vec<Vec<u8>> {
    if let Some(m) = c.get("mempool") {
        return m.as_array().unwrap().iter().map(b).collect();
    }
    let rule = c["mempool_rule"].as_str().unwrap();
    let range = |s: &str| -> u32 {
        let i = s.find("for i = 0 .. ").unwrap() + "for i = 0 .. ".len();
        s[i..].chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap()
    };
    let last = range(rule);
    if rule.starts_with("transaction i is i as u32 big-endian, for i = 0 .. ") {
        (0..=last).map(|i| i.to_be_bytes().to_vec()).collect()
    } else if rule == "transaction i is i as u32 big-endian then 65532 bytes of 0x5b, for i = 0 .. 8191, then the seven one-byte transactions 'a' .. 'g'" {
        let mut v: Vec<Vec<u8>> = (0..=last)
            .map(|i| {
                let mut t = i.to_be_bytes().to_vec();
                t.extend(std::iter::repeat(0x5b).take(65532));
                t
            })
            .collect();
        v.extend((b'a'..=b'g').map(|c| vec![c]));
        v
    } else {
        panic!("unknown mempool rule {rule}")
    }
}

#[test]
fn cases_build() {
    let v = load("block_building.json");
    let chain = a32(&v["chain_id"]["hex"]);
    let height = v["height"].as_u64().unwrap();
    for c in cases(&v, "cases") {
        let name = c["name"].as_str().unwrap();
        for m in c["members"].as_array().unwrap() {
            assert_eq!(sig::public_key(&a32(&m["seed"])), a32(&m["public_key"]));
            assert_eq!(vrf::public_key(&a32(&m["vrf_seed"])), a32(&m["vrf_key"]));
        }
        let ms = membership::validate(&json::members_from_json(&c["members"]).unwrap()).unwrap();
        let w = membership::total_weight(&ms);
        assert_eq!(w, c["total_weight"].as_u64().unwrap());
        assert_eq!(membership::threshold(w), c["quorum_threshold"].as_u64().unwrap());
        let reward = c["reward"].as_u64().unwrap();
        let mempool = mempool_of(c);
        let content = block::build_content(&chain, height, &ms, reward, &mempool, &|_| true);
        let e = &c["expected"];
        if let Some(rw) = e.get("rewards") {
            let shares = block::reward_shares(&ms, reward);
            for r in rw.as_array().unwrap() {
                let i = r["member_index"].as_u64().unwrap() as usize;
                assert_eq!(h(&ms[i].key), r["public_key"].as_str().unwrap());
                assert_eq!(h(&ms[i].reward_to), r["reward_to"].as_str().unwrap());
                assert_eq!(ms[i].weight, r["weight"].as_u64().unwrap());
                assert_eq!(shares[i], r["amount"].as_u64().unwrap(), "{name}");
            }
            assert_eq!(rw.as_array().unwrap().len(), ms.len());
        }
        assert_eq!(h(&content.transactions[0]), e["coinbase_hex"].as_str().unwrap(), "{name}");
        assert_eq!(content.transactions.len() as u64, e["tx_count"].as_u64().unwrap(), "{name}");
        assert_eq!(content.mempool_bytes, e["mempool_bytes"].as_u64().unwrap(), "{name}");
        assert_eq!(h(&content.merkle_root), e["merkle_root"].as_str().unwrap(), "{name}");
        if let Some(txs) = e.get("transactions") {
            let txs = txs.as_array().unwrap();
            assert_eq!(txs.len(), content.transactions.len());
            for t in txs {
                let i = t["index"].as_u64().unwrap() as usize;
                assert_eq!(h(&content.txids[i]), t["txid"].as_str().unwrap());
                assert_eq!(content.transactions[i], b(&t["bytes"]));
            }
        }
        if let Some(s) = e.get("txids_sha256") {
            let cat: Vec<u8> = content.txids.iter().flatten().copied().collect();
            assert_eq!(h(&hash::sha256(&cat)), s.as_str().unwrap(), "{name}");
        }
        if let Some(fx) = e.get("first_excluded_txid") {
            // the kept prefix ends just before this txid, and later ones that fit alone are still excluded
            let mut all: Vec<([u8; 32], usize)> = mempool.iter().map(|t| (hash::txid(&chain, t), t.len())).collect();
            all.sort();
            all.dedup();
            let kept = content.txids.len() - 1;
            assert_eq!(h(&all[kept].0), fx.as_str().unwrap());
            let room = (1u64 << 28) - content.mempool_bytes;
            let fit = all[kept..].iter().filter(|(_, l)| (*l as u64) <= room).count() as u64;
            assert_eq!(fit, e["excluded_that_would_fit_alone"].as_u64().unwrap());
        }
    }
}

#[test]
fn approvals() {
    let v = load("block_building.json");
    let chain = a32(&v["chain_id"]["hex"]);
    let height = v["height"].as_u64().unwrap();
    let members = &v["cases"][0]["members"];
    let ms = membership::validate(&json::members_from_json(members).unwrap()).unwrap();
    let valid = |t: &[u8]| t.first() != Some(&0xbd);
    for c in cases(&v, "approvals") {
        let name = c["name"].as_str().unwrap();
        let reward = c["reward"].as_u64().unwrap();
        let own_pool: Vec<Vec<u8>> = c["checking_node_mempool"].as_array().unwrap().iter().map(b).collect();
        let own = block::build_content(&chain, height, &ms, reward, &own_pool, &valid);
        assert_eq!(h(&own.merkle_root), c["checking_node_merkle_root"].as_str().unwrap(), "{name}");
        let body: Vec<Vec<u8>> = c["body"].as_array().unwrap().iter().map(b).collect();
        let r = block::check_body(&chain, &body, &a32(&c["merkle_root"]), &own.transactions[0], &valid);
        let e = &c["expected"];
        if e.get("holds").is_some() {
            assert!(r.is_ok(), "{name}: {r:?}");
        } else {
            assert_eq!(r.unwrap_err(), e["error"].as_str().unwrap(), "{name}");
        }
    }
}
