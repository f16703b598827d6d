//! Reconciliation's sketch (reconciliation.md §2-§3) and the four `exchanges` of
//! reconciliation.json, played on both sides (§4-§5).
mod common;
use common::*;
use midnight_interop::codec::*;
use midnight_interop::sketch::{self, Sketch};
use midnight_interop::{block, hash, json, membership, reconcile, sig};
use serde_json::Value;

#[test]
fn siphash_reference_vector() {
    // SipHash-2-4 paper, Appendix A: key 00..0f, message 00..0e
    let key: [u8; 16] = core::array::from_fn(|i| i as u8);
    let msg: Vec<u8> = (0..15u8).collect();
    assert_eq!(sketch::siphash24(&key, &msg), 0xa129ca6149be45e5);
    assert_eq!(sketch::siphash24(&key, &[]), 0x726fdb47dd0e0e31);
}

/// The body sketch of encoding.json: the block's three mempool transactions, c = 2.
#[test]
fn encoding_vector_sketch() {
    let v = load("encoding.json");
    let msgs = v["messages"].as_array().unwrap();
    let blk = msgs.iter().find(|m| m["type"] == "block").unwrap();
    let Message::Block(bl) = decode(&b(&blk["hex"]), MsgType::Block).unwrap() else { panic!() };
    let sk = msgs.iter().find(|m| m["type"] == "body_sketch").unwrap();
    let Message::BodySketch(bs) = decode(&b(&sk["hex"]), MsgType::BodySketch).unwrap() else { panic!() };
    let id = bl.header.block_id();
    assert_eq!(bs.block_id, id);
    let key = sketch::sketch_key(&id);
    let mut s = Sketch::new(key, bs.cells_per_hash).unwrap();
    for t in &bl.transactions[1..] {
        s.insert(key.short_id(&hash::txid(&bl.header.chain_id, t)));
    }
    assert_eq!(s.to_bytes()[4..], bs.cells[..]);
    // and the reconcile request's sample is those short ids
    let rq = msgs.iter().find(|m| m["type"] == "reconcile_request").unwrap();
    let Message::ReconcileRequest(q) = decode(&b(&rq["hex"]), MsgType::ReconcileRequest).unwrap() else { panic!() };
    let ids: Vec<u64> = bl.transactions[1..].iter().map(|t| key.short_id(&hash::txid(&bl.header.chain_id, t))).collect();
    assert_eq!(sketch::sample(&ids, 512), q.ids);
    // two cells a hash are too few for three ids here: every id lands in the same cell of
    // sub-table 0 (count 3), so the table does not peel
    assert_eq!(s.clone().peel().unwrap_err(), "undecodable");
    // bytes round trip, and the errors of §3
    let bytes = s.to_bytes();
    assert_eq!(Sketch::from_bytes(key, &bytes, Some(2)).unwrap(), s);
    assert_eq!(Sketch::from_bytes(key, &bytes, Some(3)).unwrap_err(), "size_mismatch");
    assert_eq!(Sketch::from_bytes(key, &bytes[..bytes.len() - 1], None).unwrap_err(), "length_mismatch");
    assert_eq!(Sketch::from_bytes(key, &[0, 0, 0, 0], None).unwrap_err(), "size_out_of_range");
    assert_eq!(Sketch::from_bytes(key, &[0, 0], None).unwrap_err(), "length_mismatch");
    assert_eq!(s.clone().subtract(&Sketch::new(key, 3).unwrap()).unwrap_err(), "size_mismatch");
}

#[test]
fn peel_limits() {
    let key = sketch::sketch_key(&[7u8; 32]);
    // a difference far above the size does not peel
    let mut s = Sketch::new(key, 1).unwrap();
    for x in 0..50u64 {
        s.insert(x * 7919 + 1);
    }
    assert_eq!(s.peel().unwrap_err(), "undecodable");
    // subtracting sketches gives inserted and erased ids
    let mut a = Sketch::new(key, reconcile::cells_per_hash_for(20) as u32).unwrap();
    let mut bb = a.clone();
    for x in 1..=100u64 {
        a.insert(x);
    }
    for x in 11..=110u64 {
        bb.insert(x);
    }
    a.subtract(&bb).unwrap();
    let (ins, era) = a.peel().unwrap();
    assert_eq!(ins, (1..=10).collect::<Vec<u64>>());
    assert_eq!(era, (101..=110).collect::<Vec<u64>>());
}

fn pool_tx(i: u32, pad: usize) -> Vec<u8> {
    let mut t = i.to_be_bytes().to_vec();
    t.extend(std::iter::repeat(0x5b).take(pad));
    t
}

#[test]
fn exchanges() {
    let v = load("reconciliation.json");
    let bb = load("block_building.json");
    let chain = a32(&v["chain_id"]["hex"]);
    let ms = membership::validate(&json::members_from_json(&bb["cases"][0]["members"]).unwrap()).unwrap();
    let genesis = hash::sha256(b"midnight-test-genesis");
    let seed1 = [1u8; 32];
    let seed3 = [3u8; 32];
    let requester_key = sig::public_key(&seed3);
    for c in cases(&v, "exchanges") {
        let name = c["name"].as_str().unwrap();
        let rule = c["pool"]["rule"].as_str().unwrap();
        let n = c["pool"]["count"].as_u64().unwrap() as u32;
        assert_eq!(rule, format!("transaction i is i as u32 big-endian then 36 bytes of 0x5b, for i = 0 .. {}", n - 1));
        let side = |s: &Value| -> Vec<Vec<u8>> {
            let lacks: Vec<u64> = s["lacks"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
            let mut m: Vec<Vec<u8>> = (0..n).filter(|i| !lacks.contains(&(*i as u64))).map(|i| pool_tx(i, 36)).collect();
            m.extend(s["own"].as_array().unwrap().iter().map(|x| pool_tx(x.as_u64().unwrap() as u32, 36)));
            m
        };
        let all_valid = |_: &[u8]| true;
        let rq_pool = side(&c["requester"]);
        let sv_pool = side(&c["server"]);
        let rq = block::build_content(&chain, 1, &ms, 1003, &rq_pool, &all_valid);
        let sv = block::build_content(&chain, 1, &ms, 1003, &sv_pool, &all_valid);
        assert_eq!(rq.transactions.len() as u64, c["requester"]["tx_count"].as_u64().unwrap(), "{name}");
        assert_eq!(sv.transactions.len() as u64, c["server"]["tx_count"].as_u64().unwrap(), "{name}");
        assert_eq!(h(&rq.merkle_root), c["requester"]["merkle_root"].as_str().unwrap(), "{name}");
        assert_eq!(h(&sv.merkle_root), c["server"]["merkle_root"].as_str().unwrap(), "{name}");
        let header = block::proposal_header(&chain, 1, 0, &genesis, &sv.merkle_root, 1735689600000, &sig::public_key(&seed1));
        let block_id = header.block_id();
        assert_eq!(h(&block_id), c["block_id"].as_str().unwrap(), "{name}");
        let key = sketch::sketch_key(&block_id);

        // requester: sample and sketch request
        let own_ids: Vec<u64> = rq.txids[1..].iter().map(|t| key.short_id(t)).collect();
        let sample = sketch::sample(&own_ids, 512);
        let have = if sample.len() < 512 { sample.len() as u64 } else { own_ids.len() as u64 };
        assert_eq!(have, c["have"].as_u64().unwrap(), "{name}");
        let sample_bytes: Vec<u8> = sample.iter().flat_map(|x| x.to_be_bytes()).collect();
        assert_eq!(sample_bytes, b(&c["sample"]), "{name}");
        let mut req = ReconcileRequest {
            chain_id: chain, height: 1, block_id, requester: requester_key, kind: KIND_SKETCH,
            have: have as u32, ids: sample.clone(), signature: [0; 64],
        };
        req.signature = sig::sign(&seed3, &req.signing_input());
        let req_bytes = encode(&Message::ReconcileRequest(req)).unwrap();
        assert_eq!(req_bytes.len() as u64, c["sketch_request"]["size"].as_u64().unwrap(), "{name}");
        assert_eq!(h(&hash::sha256(&req_bytes)), c["sketch_request"]["sha256"].as_str().unwrap(), "{name}");

        // server: sample, estimate, answer
        let sv_ids: Vec<u64> = sv.txids[1..].iter().map(|t| key.short_id(t)).collect();
        let sv_sample = sketch::sample(&sv_ids, 512);
        assert_eq!(sv_sample.len() as u64, c["server_sample_size"].as_u64().unwrap(), "{name}");
        let x = sv_ids.len() as u64;
        let d = reconcile::estimate_difference(&sample, have, &sv_sample, x);
        assert_eq!(d, c["estimate"].as_u64().unwrap(), "{name}");
        let signature = sig::sign(&seed1, &header.signing_input());
        let block_bytes = encode(&Message::Block(Block { header: header.clone(), signature, transactions: sv.transactions.clone() })).unwrap();
        assert_eq!(block_bytes.len() as u64, c["block_bytes"].as_u64().unwrap(), "{name}");
        let cph = reconcile::sketch_answer_cells(d, have, block_bytes.len() as u64);
        assert_eq!(cph, c["cells_per_hash"].as_u64().unwrap(), "{name}");
        let mut total = req_bytes.len() as u64;
        let mut trips = 1;
        if cph == 0 {
            assert_eq!(c["answer"], "whole");
            total += block_bytes.len() as u64;
        } else {
            assert_eq!(c["answer"], "sketch");
            let mut s = Sketch::new(key, cph as u32).unwrap();
            for id in &sv_ids {
                s.insert(*id);
            }
            let sk_msg = Message::BodySketch(BodySketch {
                chain_id: chain, height: 1, block_id, tx_count: x as u32, cells_per_hash: cph as u32, cells: s.to_bytes()[4..].to_vec(),
            });
            let sk_bytes = encode(&sk_msg).unwrap();
            assert_eq!(sk_bytes.len() as u64, c["body_sketch"]["size"].as_u64().unwrap(), "{name}");
            assert_eq!(h(&hash::sha256(&sk_bytes)), c["body_sketch"]["sha256"].as_str().unwrap(), "{name}");
            total += sk_bytes.len() as u64;
            // requester: decode, bound, erase own, peel, checks
            let Message::BodySketch(got) = decode(&sk_bytes, MsgType::BodySketch).unwrap() else { panic!() };
            assert!(got.cells_per_hash as u64 <= reconcile::cells_per_hash_for(have));
            let mut bytes = got.cells_per_hash.to_be_bytes().to_vec();
            bytes.extend_from_slice(&got.cells);
            let mut t = Sketch::from_bytes(key, &bytes, None).unwrap();
            for id in &own_ids {
                t.erase(*id);
            }
            let (lacked, extras) = t.peel().unwrap();
            assert!(extras.iter().all(|e| own_ids.contains(e)));
            assert!(lacked.iter().all(|l| !own_ids.contains(l)));
            assert_eq!(have - extras.len() as u64 + lacked.len() as u64, got.tx_count as u64);
            let lx: Vec<String> = lacked.iter().map(|x| format!("{x:016x}")).collect();
            let el: Vec<String> = c["lacked"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
            assert_eq!(lx, el, "{name}");
            let mut received: Vec<Vec<u8>> = Vec::new();
            if !lacked.is_empty() {
                trips = 2;
                let mut tr = ReconcileRequest {
                    chain_id: chain, height: 1, block_id, requester: requester_key, kind: KIND_TRANSACTIONS,
                    have: 0, ids: lacked.clone(), signature: [0; 64],
                };
                tr.signature = sig::sign(&seed3, &tr.signing_input());
                let tr_bytes = encode(&Message::ReconcileRequest(tr)).unwrap();
                assert_eq!(tr_bytes, b(&c["transactions_request"]), "{name}");
                total += tr_bytes.len() as u64;
                // server: its mempool transactions named, in block order
                let sel: Vec<Vec<u8>> = sv.transactions[1..]
                    .iter()
                    .zip(&sv_ids)
                    .filter(|(_, id)| lacked.binary_search(id).is_ok())
                    .map(|(t, _)| t.clone())
                    .collect();
                let bt = encode(&Message::BodyTransactions(BodyTransactions { chain_id: chain, height: 1, block_id, transactions: sel })).unwrap();
                assert_eq!(bt, b(&c["body_transactions"]), "{name}");
                total += bt.len() as u64;
                let Message::BodyTransactions(bt) = decode(&bt, MsgType::BodyTransactions).unwrap() else { panic!() };
                assert_eq!(bt.transactions.len(), lacked.len());
                received = bt.transactions;
            }
            // assemble and check
            let mut rest: Vec<([u8; 32], Vec<u8>)> = rq.transactions[1..]
                .iter()
                .zip(&own_ids)
                .filter(|(_, id)| extras.binary_search(id).is_err())
                .map(|(t, _)| (hash::txid(&chain, t), t.clone()))
                .collect();
            rest.extend(received.into_iter().map(|t| (hash::txid(&chain, &t), t)));
            rest.sort();
            let mut body = vec![rq.transactions[0].clone()];
            body.extend(rest.into_iter().map(|(_, t)| t));
            assert_eq!(h(&hash::merkle_root(&body)), c["assembled_merkle_root"].as_str().unwrap(), "{name}");
            block::check_body(&chain, &body, &header.merkle_root, &rq.transactions[0], &all_valid).unwrap();
        }
        assert_eq!(trips, c["round_trips"].as_u64().unwrap(), "{name}");
        assert_eq!(total, c["bytes"].as_u64().unwrap(), "{name}");
    }
}
