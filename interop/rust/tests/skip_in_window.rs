//! protocol.md §5.5 rule "skip" after messages of a round inside the window: "After a
//! proposal, vote or re-proposal, an undecided node in round r that has started a round MUST
//! start the round t = the highest round t > r such that the members whose recorded round is
//! t or later hold more than a third of the weight". The recorded round is that of a proposal
//! the node stored or a vote it counted (§5.2, §5.3), not only of messages above the window.
//! (The oracle's scenario `late_message_after_an_earlier_round_decision` found a host that
//! applied the skip only above the window.)
//!
//! One test on purpose: it sets `MIDNIGHT_MUTANT`, which every thread of the process sees.
mod common;
use common::*;
use midnight_interop::codec::{self, Message, Proposal, Vote, STEP_PREVOTE};
use midnight_interop::node::{Config, Host};
use midnight_interop::{block, sig, vrf};
use serde_json::{json, Value};

struct Net {
    cfg: Config,
    config: Value,
    seeds: Vec<[u8; 32]>,
    vrf_seeds: Vec<[u8; 32]>,
}

fn net() -> Net {
    let v = load("rounds.json");
    let s = &v["scenarios"][0];
    let config = s["config"].clone();
    let cfg = Config::from_json(&config).unwrap();
    let nodes = s["nodes"].as_array().unwrap();
    Net { seeds: nodes.iter().map(|n| a32(&n["seed"])).collect(), vrf_seeds: nodes.iter().map(|n| a32(&n["vrf_seed"])).collect(), cfg, config }
}

impl Net {
    fn host(&self, i: usize) -> Host {
        Host::from_json(&json!({"config": self.config, "seed": hex::encode(self.seeds[i]), "vrf_seed": hex::encode(self.vrf_seeds[i]), "mempool": self.config["mempool"]})).unwrap()
    }
    fn key(&self, i: usize) -> [u8; 32] {
        sig::public_key(&self.seeds[i])
    }
    fn s(&self, r: u32) -> u64 {
        self.cfg.s(1, r)
    }
    /// Member `i`'s proposal of round `r` (an empty-mempool block of its own).
    fn proposal(&self, i: usize, r: u32) -> Vec<u8> {
        let root = [i as u8 + 0x40; 32];
        let hd = block::proposal_header(&self.cfg.chain_id, 1, r, &self.cfg.genesis_id, &root, self.s(r), &self.key(i));
        let proof = vrf::prove(&self.vrf_seeds[i], &hd.vrf_input()).unwrap();
        codec::encode_unchecked(&Message::Proposal(Proposal { signature: sig::sign(&self.seeds[i], &hd.signing_input()), vrf_proof: proof, header: hd }))
    }
    /// Member `i`'s nil prevote of round `r`.
    fn nil_prevote(&self, i: usize, r: u32) -> Vec<u8> {
        let mut v = Vote { chain_id: self.cfg.chain_id, height: 1, round: r, step: STEP_PREVOTE, block_id: [0; 32], approve: false, voter: self.key(i), signature: [0; 64] };
        v.signature = sig::sign(&self.seeds[i], &v.signing_input());
        codec::encode_unchecked(&Message::Vote(v))
    }
}

fn send(h: &mut Host, now: u64, m: &[u8]) -> Value {
    h.event(now, &json!({"kind": "message", "message": hex::encode(m)})).expect("accepted")
}

/// The rounds of the proposals node 0 broadcasts in one event's output.
fn own_proposal_rounds(o: &Value) -> Vec<u32> {
    o["output"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "broadcast")
        .filter_map(|a| match codec::decode(&b(&a["message"]), codec::MsgType::Proposal) {
            Ok(Message::Proposal(p)) => Some(p.header.round),
            _ => None,
        })
        .collect()
}

/// The round timers (`collect_deadline`) set in one event's output.
fn collect_rounds(o: &Value) -> Vec<u64> {
    o["output"].as_array().unwrap().iter().filter(|a| a["timer"] == "collect_deadline").map(|a| a["round"].as_u64().unwrap()).collect()
}

/// Node 0 starts at S(1) (round 1, window 0..=3) and receives, at once, the messages `msgs`
/// (each of round 2, inside the window); returns the round of the proposal it broadcasts
/// after each of them.
fn run(n: &Net, msgs: &[Vec<u8>]) -> Vec<Vec<u32>> {
    let mut h = n.host(0);
    let now = n.s(1);
    let o = h.event(now, &json!({"kind": "start"})).unwrap();
    assert_eq!(own_proposal_rounds(&o), vec![1], "node 0 proposes in round 1 at S(1)");
    msgs.iter()
        .map(|m| {
            let o = send(&mut h, now, m);
            let p = own_proposal_rounds(&o);
            if !p.is_empty() {
                assert_eq!(collect_rounds(&o), vec![p[0] as u64], "the skipped-to round's timers are set with its proposal");
            }
            p
        })
        .collect()
}

const NONE: Vec<u32> = Vec::new();

#[test]
fn skip_after_messages_inside_the_window() {
    let n = net();
    assert_eq!(n.cfg.members.len(), 4);
    let proposals = vec![n.proposal(1, 2), n.proposal(2, 2)];
    let votes = vec![n.nil_prevote(1, 2), n.nil_prevote(2, 2)];
    // a proposal of round 1 (the node's own round) and one of round 2: members at round 2
    // or later hold weight 1 of 4, no skip; members at round 1 or later do not count (t > r)
    let mixed = vec![n.proposal(1, 1), n.proposal(2, 2)];

    std::env::remove_var("MIDNIGHT_MUTANT");
    // weight 1 of 4 at round 2: 3·1 ≤ 4, no skip; weight 2: 3·2 > 4, round 2 starts at once
    assert_eq!(run(&n, &proposals), vec![NONE, vec![2]], "proposals of round 2");
    assert_eq!(run(&n, &votes), vec![NONE, vec![2]], "votes of round 2");
    assert_eq!(run(&n, &mixed), vec![NONE, NONE], "one member at round 2");

    // the mutants keep their meaning for messages inside the window
    std::env::set_var("MIDNIGHT_MUTANT", "no-skip");
    assert_eq!(run(&n, &proposals), vec![NONE, NONE], "no-skip: proposals");
    assert_eq!(run(&n, &votes), vec![NONE, NONE], "no-skip: votes");
    std::env::set_var("MIDNIGHT_MUTANT", "skip-on-one-message");
    assert_eq!(run(&n, &proposals), vec![vec![2], NONE], "skip-on-one-message: proposals");
    assert_eq!(run(&n, &votes), vec![vec![2], NONE], "skip-on-one-message: votes");
    std::env::remove_var("MIDNIGHT_MUTANT");
}
