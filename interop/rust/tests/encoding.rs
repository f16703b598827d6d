mod common;
use common::*;
use midnight_interop::{codec::*, hash, json, sig, vrf};
use serde_json::Value;

/// The certificate of n precommits by wide seeds 1..n over the fields' chain/height/round/block.
fn wide_certificate(f: &Value, n: u32) -> Certificate {
    let chain_id = a32(&f["chain_id"]);
    let height = f["height"].as_u64().unwrap();
    let round = f["round"].as_u64().unwrap() as u32;
    let block_id = a32(&f["block_id"]);
    let si = sig::vote_signing_input(&chain_id, height, round, STEP_PRECOMMIT, &block_id, true);
    let mut entries: Vec<CertEntry> = (1..=n)
        .map(|k| {
            let s = wide_seed(k);
            CertEntry { voter: sig::public_key(&s), signature: sig::sign(&s, &si) }
        })
        .collect();
    entries.sort_by(|a, b| a.voter.cmp(&b.voter));
    Certificate { chain_id, height, round, block_id, entries }
}

#[test]
fn every_message() {
    let v = load("encoding.json");
    let msgs = cases(&v, "messages");
    let mut seen = std::collections::HashSet::new();
    for c in msgs {
        let name = c["name"].as_str().unwrap();
        let t = MsgType::from_name(c["type"].as_str().unwrap()).unwrap();
        seen.insert(t.name());
        let f = &c["fields"];
        if c.get("hex").is_none() {
            // by digest: the certificate of 10000 entries
            let n = f["count"].as_u64().unwrap() as u32;
            let cert = wide_certificate(f, n);
            assert_eq!(h(&cert.entries[0].voter), f["first_voter"].as_str().unwrap());
            assert_eq!(h(&cert.entries.last().unwrap().voter), f["last_voter"].as_str().unwrap());
            let bytes = encode(&Message::Certificate(cert.clone())).unwrap();
            assert_eq!(bytes.len() as u64, c["size"].as_u64().unwrap());
            assert_eq!(h(&hash::sha256(&bytes)), c["sha256"].as_str().unwrap());
            let d = decode(&bytes, t).unwrap();
            assert_eq!(d, Message::Certificate(cert));
            continue;
        }
        let bytes = b(&c["hex"]);
        assert_eq!(bytes.len() as u64, c["size"].as_u64().unwrap(), "{name}");
        let m = decode(&bytes, t).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = json::message_to_json(&m);
        subset_eq(f, &got, name).unwrap();
        // encode the decoded value
        assert_eq!(encode(&m).unwrap(), bytes, "{name}");
        // encode from the vector's fields (the body sketch's are abbreviated: no cells)
        if t != MsgType::BodySketch {
            let m2 = json::message_from_json(t, f).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(h(&encode(&m2).unwrap()), h(&bytes), "{name}");
        }
        // derived values
        if let Message::Reproposal(r) = &m {
            assert_eq!(h(&r.signing_input()), f["signing_input_hex"].as_str().unwrap());
        }
    }
    assert_eq!(seen.len(), 15, "every message type is covered");
}

#[test]
fn worked_example() {
    // encoding.md §9
    let seed = [1u8; 32];
    let chain_id = hash::sha256(b"midnight-test-chain");
    let block_id = hash::sha256(b"midnight-test-block");
    let si = sig::vote_signing_input(&chain_id, 1, 0, STEP_PREVOTE, &block_id, true);
    let s = sig::sign(&seed, &si);
    let vote = Vote { chain_id, height: 1, round: 0, step: 1, block_id, approve: true, voter: sig::public_key(&seed), signature: s };
    let bytes = encode(&Message::Vote(vote)).unwrap();
    assert_eq!(h(&bytes), "0205eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b00000000000000010000000001cfcb973eab8d899deebddc1912a5b76913dda12137ad6ca9b2392ce69a6e148d018a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5cd5d382512e50018631652840be10070748817c1aaf81284de66129e78be6ee96924529a7f71c769376aa37bdefc1137a39e9a376b2c4b3ad9071b9c539115a0f");
}

/// The signatures carried by the encoding vectors verify over the signing inputs of
/// encoding.md §7 (the vectors give no signing input for most of them: this checks §7.1,
/// §7.3, §7.4, §7.5, §7.7 and §7.8 against the reference's signatures), and re-signing with
/// the named seed gives the same bytes (RFC 8032 is deterministic).
#[test]
fn carried_signatures_verify() {
    let v = load("encoding.json");
    let seed3 = [3u8; 32];
    let mut vrf_seed3 = [3u8; 32];
    vrf_seed3[0] = 0x76;
    vrf_seed3[1] = 0x72;
    let check_cert = |c: &Certificate, step: u8| {
        let si = sig::vote_signing_input(&c.chain_id, c.height, c.round, step, &c.block_id, true);
        for e in &c.entries {
            assert!(sig::verify(&e.voter, &si, &e.signature));
        }
    };
    let check_prop = |p: &Proposal| {
        assert!(sig::verify(&p.header.proposer, &p.header.signing_input(), &p.signature));
    };
    let mut n = 0;
    for c in cases(&v, "messages") {
        let Some(hexv) = c.get("hex") else { continue };
        let t = MsgType::from_name(c["type"].as_str().unwrap()).unwrap();
        let m = decode(&b(hexv), t).unwrap();
        match &m {
            Message::Proposal(p) => check_prop(p),
            Message::Block(bl) => assert!(sig::verify(&bl.header.proposer, &bl.header.signing_input(), &bl.signature)),
            Message::Vote(vt) => assert!(sig::verify(&vt.voter, &vt.signing_input(), &vt.signature)),
            Message::Certificate(ce) => check_cert(ce, STEP_PRECOMMIT),
            Message::Commit(co) => {
                check_cert(&co.certificate, STEP_PRECOMMIT);
                assert_eq!(co.certificate.block_id, co.block.header.block_id());
            }
            Message::Polka(p) => {
                check_prop(&p.proposal);
                check_cert(&p.polka, STEP_PREVOTE);
                assert_eq!(p.polka.block_id, p.proposal.header.block_id());
            }
            Message::Reproposal(r) => {
                check_prop(&r.polka.proposal);
                check_cert(&r.polka.polka, STEP_PREVOTE);
                assert_eq!(r.reproposer, sig::public_key(&seed3));
                assert_eq!(sig::sign(&seed3, &r.signing_input()), r.signature);
                let hd = &r.polka.proposal.header;
                let alpha = hash::vrf_input(&hd.chain_id, hd.height, r.round, &hd.prev_id);
                assert_eq!(vrf::prove(&vrf_seed3, &alpha).unwrap(), r.vrf_proof);
                let beta = vrf::verify(&vrf::public_key(&vrf_seed3), &r.vrf_proof, &alpha).unwrap();
                assert_eq!(h(&beta), c["fields"]["vrf_output"].as_str().unwrap());
            }
            Message::CommitRequest(q) => {
                assert_eq!(q.requester, sig::public_key(&seed3));
                let si = sig::commit_request_signing_input(&q.chain_id, q.height);
                assert_eq!(si.len(), 67);
                assert_eq!(sig::sign(&seed3, &si), q.signature);
            }
            Message::BodyRequest(q) => {
                assert_eq!(q.requester, sig::public_key(&seed3));
                let si = sig::body_request_signing_input(&q.chain_id, q.height, &q.block_id);
                assert_eq!(si.len(), 97);
                assert_eq!(sig::sign(&seed3, &si), q.signature);
            }
            Message::ReconcileRequest(q) => {
                assert_eq!(q.requester, sig::public_key(&seed3));
                let si = q.signing_input();
                assert_eq!(si.len(), 139);
                assert_eq!(sig::sign(&seed3, &si), q.signature);
            }
            _ => continue,
        }
        n += 1;
    }
    assert!(n >= 13, "{n}");
}

/// Every tag of the table of encoding.md §6.1 (the vectors list five of the eleven).
#[test]
fn all_eleven_tags() {
    let table = [
        ("txid", "6d69646e696768742f76312f7478696400"),
        ("block_id", "6d69646e696768742f76312f626c6f636b00"),
        ("proposal", "6d69646e696768742f76312f70726f706f73616c00"),
        ("vote", "6d69646e696768742f76312f766f746500"),
        ("coinbase", "6d69646e696768742f76312f636f696e6261736500"),
        ("vrf_input", "6d69646e696768742f76312f76726600"),
        ("commit_request", "6d69646e696768742f76322f636f6d6d69742d7265717565737400"),
        ("body_request", "6d69646e696768742f76322f626f64792d7265717565737400"),
        ("reconcile_request", "6d69646e696768742f76322f7265636f6e63696c652d7265717565737400"),
        ("sketch_key", "6d69646e696768742f76322f736b657463682d6b657900"),
        ("reproposal", "6d69646e696768742f76322f726570726f706f73616c00"),
    ];
    for (name, hx) in table {
        let t = hash::TAGS.iter().find(|(n, _)| *n == name).unwrap().1;
        assert_eq!(h(t), hx, "{name}");
    }
    // no tag is a prefix of another
    for (a, ta) in hash::TAGS {
        for (b, tb) in hash::TAGS {
            if ta != tb {
                assert!(!tb.starts_with(ta), "{a} is a prefix of {b}");
            }
        }
    }
}
