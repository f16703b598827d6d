mod common;
use common::*;
use midnight_interop::{block, hash, json, membership, selection, sig, vrf};

#[test]
fn proposals_and_picks() {
    let v = load("selection.json");
    let chain = a32(&v["chain_id"]["hex"]);
    let prev = a32(&v["prev_id"]["hex"]);
    assert_eq!(hash::sha256(v["prev_id"]["sha256_of_ascii"].as_str().unwrap().as_bytes()), prev);
    let root = a32(&v["merkle_root"]);
    let members = v["members"].as_array().unwrap();
    let ms = membership::validate(&json::members_from_json(&v["members"]).unwrap()).unwrap();
    assert_eq!(membership::total_weight(&ms), v["total_weight"].as_u64().unwrap());
    assert_eq!(membership::threshold(membership::total_weight(&ms)), v["quorum_threshold"].as_u64().unwrap());
    let midnight = 1735689600000u64;
    let props = cases(&v, "proposals");
    for p in props {
        let round = p["round"].as_u64().unwrap() as u32;
        let idx = p["member_index"].as_u64().unwrap();
        let m = members.iter().find(|m| m["member_index"].as_u64() == Some(idx)).unwrap();
        let seed = a32(&m["seed"]);
        let key = sig::public_key(&seed);
        assert_eq!(ms[idx as usize].key, key);
        let start = block::round_start(midnight, round, 1000, 1000, 1000, 500);
        let hd = block::proposal_header(&chain, 1, round, &prev, &root, start, &key);
        let eh = json::header_from_json(&p["header"]).unwrap();
        assert_eq!(hd, eh, "round {round} member {idx}");
        assert_eq!(h(&hd.block_id()), p["block_id"].as_str().unwrap());
        let alpha = hd.vrf_input();
        assert_eq!(h(&alpha), p["vrf_input"].as_str().unwrap());
        let pi = vrf::prove(&a32(&m["vrf_seed"]), &alpha).unwrap();
        assert_eq!(h(&pi), p["vrf_proof"].as_str().unwrap());
        let beta = vrf::verify(&a32(&m["vrf_key"]), &pi, &alpha).unwrap();
        assert_eq!(h(&beta), p["vrf_output"].as_str().unwrap());
    }
    for c in cases(&v, "cases") {
        let policy = selection::Policy::from_name(c["policy"].as_str().unwrap()).unwrap();
        let round = c["round"].as_u64().unwrap();
        let own = c["own_member_index"].as_u64();
        let arrival: Vec<u64> = c["arrival_order"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
        let cands: Vec<(Vec<u8>, [u8; 32])> = arrival
            .iter()
            .enumerate()
            .map(|(pos, &mi)| {
                let p = props.iter().find(|p| p["round"].as_u64() == Some(round) && p["member_index"].as_u64() == Some(mi)).unwrap();
                let id = a32(&p["block_id"]);
                let key = match policy {
                    selection::Policy::LowestHash => id.to_vec(),
                    selection::Policy::Vrf => b(&p["vrf_output"]),
                    selection::Policy::FirstToQuorum => selection::arrival_key(pos as u32, Some(mi) == own),
                };
                (key, id)
            })
            .collect();
        let i = selection::pick(&cands).unwrap();
        assert_eq!(arrival[i], c["chosen_member_index"].as_u64().unwrap(), "{c}");
        assert_eq!(h(&cands[i].1), c["chosen_block_id"].as_str().unwrap());
    }
}

#[test]
fn schedule_table() {
    // protocol.md §5.1 table, midnight 0, defaults
    let s: Vec<u64> = (0..6).map(|r| block::round_start(0, r, 1000, 1000, 1000, 500)).collect();
    assert_eq!(s, vec![0, 3000, 7500, 13500, 21000, 30000]);
    assert_eq!(block::round_start(0, u32::MAX - 1, u64::MAX / 2, 1000, 1000, 500), u64::MAX);
}
