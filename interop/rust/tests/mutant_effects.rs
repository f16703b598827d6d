//! For every mutant of protocol.md §5–§7 that the vectors do not catch (MUTANTS.md), a small
//! probe on the library's node hosts that shows the mutant changes behaviour: the probe's
//! trace (every verdict and output) with `MIDNIGHT_MUTANT` unset must differ from the trace
//! with the mutant set. This file holds a single test on purpose: it sets the environment
//! variable, which every thread of the process sees.
mod common;
use common::*;
use midnight_interop::codec::{self, BodyRequest, Block, CertEntry, Certificate, Commit, CommitRequest, Header, Message, Polka, Proposal, Reproposal, Vote, STEP_PRECOMMIT, STEP_PREVOTE};
use midnight_interop::node::{self, Config, Host};
use midnight_interop::{block, hash, sig, vrf};
use serde_json::{json, Value};

type Hash = [u8; 32];
const ZERO: Hash = [0; 32];

struct Net {
    cfg: Config,
    config: Value,
    seeds: Vec<[u8; 32]>,
    vrf_seeds: Vec<[u8; 32]>,
    root: Hash,
    txs: Vec<Vec<u8>>,
}

fn net(policy: &str) -> Net {
    let v = load("rounds.json");
    let s = &v["scenarios"][0];
    let mut config = s["config"].clone();
    config["policy"] = json!(policy);
    let cfg = Config::from_json(&config).unwrap();
    let nodes = s["nodes"].as_array().unwrap();
    let mempool: Vec<Vec<u8>> = config["mempool"].as_array().unwrap().iter().map(b).collect();
    let content = block::build_content(&cfg.chain_id, 1, &cfg.members, cfg.reward, &mempool, &|t: &[u8]| t.first() != Some(&0xbd));
    Net {
        seeds: nodes.iter().map(|n| a32(&n["seed"])).collect(),
        vrf_seeds: nodes.iter().map(|n| a32(&n["vrf_seed"])).collect(),
        root: content.merkle_root,
        txs: content.transactions,
        cfg,
        config,
    }
}

fn enc(m: Message) -> Vec<u8> {
    codec::encode_unchecked(&m)
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
    fn header(&self, i: usize, r: u32, root: Hash) -> Header {
        block::proposal_header(&self.cfg.chain_id, 1, r, &self.cfg.genesis_id, &root, self.s(r), &self.key(i))
    }
    fn proposal_of(&self, i: usize, hd: Header) -> Proposal {
        let proof = vrf::prove(&self.vrf_seeds[i], &hd.vrf_input()).unwrap();
        Proposal { signature: sig::sign(&self.seeds[i], &hd.signing_input()), vrf_proof: proof, header: hd }
    }
    fn proposal(&self, i: usize, r: u32, root: Hash) -> Proposal {
        self.proposal_of(i, self.header(i, r, root))
    }
    fn vote(&self, i: usize, height: u64, r: u32, step: u8, block_id: Hash, approve: bool) -> Vote {
        let mut v = Vote { chain_id: self.cfg.chain_id, height, round: r, step, block_id, approve, voter: self.key(i), signature: [0; 64] };
        v.signature = sig::sign(&self.seeds[i], &v.signing_input());
        v
    }
    fn vote_msg(&self, i: usize, r: u32, step: u8, block_id: Hash, approve: bool) -> Vec<u8> {
        enc(Message::Vote(self.vote(i, 1, r, step, block_id, approve)))
    }
    /// A certificate of `step` votes of round `r` for `block_id` by `who`, signed when `signed`.
    fn cert(&self, who: &[usize], r: u32, step: u8, block_id: Hash, signed: bool) -> Certificate {
        let mut entries: Vec<CertEntry> = who
            .iter()
            .map(|&i| CertEntry { voter: self.key(i), signature: if signed { self.vote(i, 1, r, step, block_id, true).signature } else { [0; 64] } })
            .collect();
        entries.sort_by(|a, b| a.voter.cmp(&b.voter));
        Certificate { chain_id: self.cfg.chain_id, height: 1, round: r, block_id, entries }
    }
    fn commit(&self, p: &Proposal, cert_round: u32, signed: bool) -> Vec<u8> {
        let c = self.cert(&[1, 2, 3], cert_round, STEP_PRECOMMIT, p.header.block_id(), signed);
        enc(Message::Commit(Commit { certificate: c, block: Block { header: p.header.clone(), signature: p.signature, transactions: self.txs.clone() } }))
    }
    fn polka(&self, p: &Proposal, r: u32, signed: bool) -> Polka {
        Polka { proposal: p.clone(), polka: self.cert(&[1, 2, 3], r, STEP_PREVOTE, p.header.block_id(), signed) }
    }
    fn reproposal(&self, i: usize, r: u32, pk: Polka) -> Vec<u8> {
        let bid = pk.proposal.header.block_id();
        let si = sig::reproposal_signing_input(&self.cfg.chain_id, 1, r, &self.key(i), &bid, pk.polka.round);
        let proof = vrf::prove(&self.vrf_seeds[i], &hash::vrf_input(&self.cfg.chain_id, 1, r, &self.cfg.genesis_id)).unwrap();
        enc(Message::Reproposal(Reproposal { round: r, reproposer: self.key(i), vrf_proof: proof, signature: sig::sign(&self.seeds[i], &si), polka: pk }))
    }
}

/// Records every verdict and output of one probe.
struct Trace(Vec<String>);

impl Trace {
    fn ev(&mut self, h: &mut Host, now: u64, input: Value) {
        let r = h.event(now, &input);
        self.0.push(match r {
            Ok(v) => v.to_string(),
            Err(e) => format!("error {e}"),
        });
    }
    fn msg(&mut self, h: &mut Host, now: u64, m: &[u8]) {
        self.ev(h, now, json!({"kind": "message", "message": hex::encode(m)}));
    }
    fn timer(&mut self, h: &mut Host, now: u64, t: &str, r: u32) {
        self.ev(h, now, json!({"kind": "timer", "timer": t, "height": 1, "round": r}));
    }
    fn start(&mut self, h: &mut Host, now: u64) {
        self.ev(h, now, json!({"kind": "start"}));
    }
}

/// Node 0 started at round 0; returns its host, the trace and its own round-0 block id.
fn started(n: &Net, at: u64) -> (Host, Trace) {
    let mut h = n.host(0);
    let mut t = Trace(Vec::new());
    t.start(&mut h, at);
    (h, t)
}

fn own_id(n: &Net, r: u32) -> Hash {
    n.header(0, r, n.root).block_id()
}

// ---------------------------------------------------------------------------------------
// probes

fn late_start(n: &Net) -> Trace {
    let (_, t) = started(n, n.s(1) + 1);
    t
}

fn restart_at_journal_round(n: &Net) -> Trace {
    let mut h = n.host(0);
    let mut t = Trace(Vec::new());
    let j = node::vote_record(&enc(Message::Vote(n.vote(0, 1, 3, STEP_PREVOTE, ZERO, false))));
    t.ev(&mut h, n.s(0), json!({"kind": "restart", "block_store": [], "journal": hex::encode(j)}));
    t.start(&mut h, n.s(0));
    t
}

fn restored_vote_reused(n: &Net) -> Trace {
    let mut h = n.host(0);
    let mut t = Trace(Vec::new());
    let j = node::vote_record(&enc(Message::Vote(n.vote(0, 1, 0, STEP_PREVOTE, ZERO, false))));
    t.ev(&mut h, n.s(0), json!({"kind": "restart", "block_store": [], "journal": hex::encode(j)}));
    t.start(&mut h, n.s(0));
    t.timer(&mut h, n.s(0) + 1000, "collect_deadline", 0);
    t
}

fn ask_twice(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(1));
    t.timer(&mut h, n.s(1) + 500, "round_end", 1);
    t
}

/// Node 0 prevotes its own block Z; member 1 sends `one` (its votes), member 2 approves Z.
fn equivocation(n: &Net, one: &[Hash]) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    t.timer(&mut h, n.s(0) + 1000, "collect_deadline", 0);
    for b in one {
        t.msg(&mut h, n.s(0) + 1001, &n.vote_msg(1, 0, STEP_PREVOTE, *b, true));
    }
    t.msg(&mut h, n.s(0) + 1002, &n.vote_msg(2, 0, STEP_PREVOTE, own_id(n, 0), true));
    t
}

fn three_votes(n: &Net) -> Trace {
    equivocation(n, &[[1; 32], [2; 32], own_id(n, 0)])
}

fn two_votes(n: &Net) -> Trace {
    equivocation(n, &[[1; 32], own_id(n, 0)])
}

fn bad_parent(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let mut hd = n.header(1, 0, n.root);
    hd.prev_id = [7; 32];
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Proposal(n.proposal_of(1, hd))));
    t
}

fn bad_timestamp(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let mut hd = n.header(1, 0, n.root);
    hd.timestamp_ms += 1;
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Proposal(n.proposal_of(1, hd))));
    t
}

fn two_proposals(n: &Net, first: Hash, second: Hash) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Proposal(n.proposal(1, 0, first))));
    t.msg(&mut h, n.s(0) + 2, &enc(Message::Proposal(n.proposal(1, 0, second))));
    t
}

fn conflict(n: &Net) -> Trace {
    two_proposals(n, n.root, [9; 32])
}

fn replace(n: &Net) -> Trace {
    two_proposals(n, [9; 32], n.root)
}

fn unsigned_proposal(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let mut p = n.proposal(1, 0, n.root);
    p.signature = sig::sign(&n.seeds[2], &p.header.signing_input());
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Proposal(p)));
    t
}

fn bad_vrf(_: &Net) -> Trace {
    let n = &net("vrf");
    let (mut h, mut t) = started(n, n.s(0));
    let mut p = n.proposal(1, 0, n.root);
    p.vrf_proof = vrf::prove(&n.vrf_seeds[2], &p.header.vrf_input()).unwrap();
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Proposal(p)));
    t
}

fn other_height_vote(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Vote(n.vote(1, 2, 0, STEP_PREVOTE, [1; 32], true))));
    t
}

fn behind_window_vote(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(2));
    t.msg(&mut h, n.s(2) + 1, &n.vote_msg(1, 0, STEP_PREVOTE, [1; 32], true));
    t
}

fn forged_polka(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let p = n.proposal(1, 0, n.root);
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Polka(n.polka(&p, 0, false))));
    t
}

fn reproposal_same_round(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let p = n.proposal(1, 0, n.root);
    t.msg(&mut h, n.s(0) + 1, &n.reproposal(2, 0, n.polka(&p, 0, true)));
    t
}

fn reproposal_ranks_first(n: &Net) -> Trace {
    // X: the highest round-0 block id; reproposed in round 1 by member j, while the other
    // two members propose in round 1. Under policy A the re-proposal leads; by block id alone
    // a lower round-1 proposal would.
    let k = (0..4).max_by_key(|&k| n.header(k, 0, n.root).block_id()).unwrap();
    let x = n.header(k, 0, n.root).block_id();
    let j = (1..4)
        .find(|&j| (0..4).filter(|&i| i != j).any(|i| n.header(i, 1, n.root).block_id() < x))
        .expect("a round-1 block below the reproposed one");
    let (mut h, mut t) = started(n, n.s(1));
    let p = n.proposal(k, 0, n.root);
    t.msg(&mut h, n.s(1) + 1, &n.reproposal(j, 1, n.polka(&p, 0, true)));
    for i in (1..4).filter(|&i| i != j) {
        t.msg(&mut h, n.s(1) + 2, &enc(Message::Proposal(n.proposal(i, 1, n.root))));
    }
    t.timer(&mut h, n.s(1) + 1500, "collect_deadline", 1);
    t
}

fn unheld_leader(n: &Net) -> Trace {
    let z = own_id(n, 0);
    let root = (0u32..1_000_000).map(|x| hash::sha256(&x.to_be_bytes())).find(|r| n.header(1, 0, *r).block_id() < z).expect("a lower block id");
    let (mut h, mut t) = started(n, n.s(0));
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Proposal(n.proposal(1, 0, root))));
    t.timer(&mut h, n.s(0) + 1000, "collect_deadline", 0);
    t
}

fn unsolicited_body(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let txs = vec![n.txs[0].clone()];
    let p = n.proposal(1, 0, hash::merkle_root(&txs));
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Block(Block { header: p.header, signature: p.signature, transactions: txs })));
    t
}

fn invalid_body(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let txs = vec![n.txs[0].clone(), vec![0xbd, 1]];
    let p = n.proposal(1, 0, hash::merkle_root(&txs));
    t.msg(&mut h, n.s(0) + 1, &enc(Message::Proposal(p.clone())));
    t.msg(&mut h, n.s(0) + 2, &enc(Message::Block(Block { header: p.header, signature: p.signature, transactions: txs })));
    t
}

fn body_requests(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let z = own_id(n, 0);
    let si = sig::body_request_signing_input(&n.cfg.chain_id, 1, &z);
    let q = enc(Message::BodyRequest(BodyRequest { chain_id: n.cfg.chain_id, height: 1, block_id: z, requester: n.key(1), signature: sig::sign(&n.seeds[1], &si) }));
    for _ in 0..49 {
        t.msg(&mut h, n.s(0) + 1, &q);
    }
    t
}

fn late_block_commit(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let p = n.proposal(1, 1, n.root);
    t.msg(&mut h, n.s(0) + 1, &n.commit(&p, 0, true));
    t
}

fn forged_commit(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    let p = n.proposal(1, 0, n.root);
    t.msg(&mut h, n.s(0) + 1, &n.commit(&p, 0, false));
    t
}

fn two_commits(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    t.msg(&mut h, n.s(0) + 1, &n.commit(&n.proposal(1, 0, n.root), 0, true));
    t.msg(&mut h, n.s(0) + 2, &n.commit(&n.proposal(2, 0, n.root), 0, true));
    t
}

/// Node 0 adopts a round-0 commit, then member 1 sends votes of rounds 0 … 17.
fn decided_replies(n: &Net) -> Trace {
    let (mut h, mut t) = started(n, n.s(0));
    t.msg(&mut h, n.s(0) + 1, &n.commit(&n.proposal(1, 0, n.root), 0, true));
    for r in 0..=17 {
        t.msg(&mut h, n.s(0) + 2, &n.vote_msg(1, r, STEP_PREVOTE, [1; 32], true));
    }
    t
}

/// Node 0 restarts with a block store of heights 1 … 5 (a chain whose last height is 6),
/// then member 1 asks for each of the five heights at once: rule "answer" (§7.5) gives it
/// four commits in one window (one per height), the fifth waits.
fn five_heights_requests(n: &Net) -> Trace {
    let mut config = n.config.clone();
    config["last_height"] = json!(6);
    let cfg = Config::from_json(&config).unwrap();
    let mempool: Vec<Vec<u8>> = config["mempool"].as_array().unwrap().iter().map(b).collect();
    let mut prev = cfg.genesis_id;
    let mut store = Vec::new();
    for k in 1..=5u64 {
        let content = block::build_content(&cfg.chain_id, k, &cfg.members, cfg.reward, &mempool, &|t: &[u8]| t.first() != Some(&0xbd));
        let hd = block::proposal_header(&cfg.chain_id, k, 0, &prev, &content.merkle_root, cfg.s(k, 0), &n.key(1));
        let bid = hd.block_id();
        let mut entries: Vec<CertEntry> = [1usize, 2, 3]
            .iter()
            .map(|&i| {
                let mut v = Vote { chain_id: cfg.chain_id, height: k, round: 0, step: STEP_PRECOMMIT, block_id: bid, approve: true, voter: n.key(i), signature: [0; 64] };
                v.signature = sig::sign(&n.seeds[i], &v.signing_input());
                CertEntry { voter: n.key(i), signature: v.signature }
            })
            .collect();
        entries.sort_by(|a, b| a.voter.cmp(&b.voter));
        let certificate = Certificate { chain_id: cfg.chain_id, height: k, round: 0, block_id: bid, entries };
        let signature = sig::sign(&n.seeds[1], &hd.signing_input());
        store.push(hex::encode(enc(Message::Commit(Commit { certificate, block: Block { header: hd, signature, transactions: content.transactions } }))));
        prev = bid;
    }
    let mut h = Host::from_json(&json!({"config": config, "seed": hex::encode(n.seeds[0]), "vrf_seed": hex::encode(n.vrf_seeds[0]), "mempool": config["mempool"]})).unwrap();
    let mut t = Trace(Vec::new());
    let now = cfg.s(5, 0) + 1;
    t.ev(&mut h, now, json!({"kind": "restart", "block_store": store, "journal": ""}));
    for k in 1..=5u64 {
        let si = sig::commit_request_signing_input(&cfg.chain_id, k);
        let q = enc(Message::CommitRequest(CommitRequest { chain_id: cfg.chain_id, height: k, requester: n.key(1), signature: sig::sign(&n.seeds[1], &si) }));
        t.msg(&mut h, now + 1, &q);
    }
    t
}

/// Node 0 locks on its own block in round 0, moves to round 1, then receives the round-0
/// precommits of members 1 and 2: it finalizes in round 0 while in round 1; member 1 then
/// sends a prevote of round 1.
fn finalize_previous_round(n: &Net) -> Trace {
    let z = own_id(n, 0);
    let (mut h, mut t) = started(n, n.s(0));
    t.timer(&mut h, n.s(0) + 1000, "collect_deadline", 0);
    for i in [1, 2] {
        t.msg(&mut h, n.s(0) + 1001, &n.vote_msg(i, 0, STEP_PREVOTE, z, true));
    }
    t.timer(&mut h, n.s(1), "round_end", 0);
    for i in [1, 2] {
        t.msg(&mut h, n.s(1) + 1, &n.vote_msg(i, 0, STEP_PRECOMMIT, z, true));
    }
    t.msg(&mut h, n.s(1) + 2, &n.vote_msg(1, 1, STEP_PREVOTE, [1; 32], true));
    t
}

/// Node 0 finalizes by its own quorum in round 0.
fn own_quorum(n: &Net) -> Trace {
    let z = own_id(n, 0);
    let (mut h, mut t) = started(n, n.s(0));
    t.timer(&mut h, n.s(0) + 1000, "collect_deadline", 0);
    for i in [1, 2] {
        t.msg(&mut h, n.s(0) + 1001, &n.vote_msg(i, 0, STEP_PREVOTE, z, true));
    }
    for i in [1, 2] {
        t.msg(&mut h, n.s(0) + 1002, &n.vote_msg(i, 0, STEP_PRECOMMIT, z, true));
    }
    t
}

#[test]
fn every_mutant_not_caught_by_the_vectors_changes_a_probe() {
    let probes: &[(&str, fn(&Net) -> Trace)] = &[
        ("fixed-step-length", late_start),
        ("restart-below-journal-round", restart_at_journal_round),
        ("second-vote-signed", restored_vote_reused),
        ("ask-unthrottled", ask_twice),
        ("third-vote-counted", three_votes),
        ("no-equivocation-count", two_votes),
        ("no-parent-check", bad_parent),
        ("no-timestamp-check", bad_timestamp),
        ("proposal-conflict-accepted", conflict),
        ("no-replace", replace),
        ("proposal-unsigned-accepted", unsigned_proposal),
        ("vrf-unverified", bad_vrf),
        ("vote-other-height", other_height_vote),
        ("no-window-check", behind_window_vote),
        ("polka-unverified", forged_polka),
        ("reproposal-polka-round-unchecked", reproposal_same_round),
        ("reproposal-not-first", reproposal_ranks_first),
        ("prevote-unheld-body", unheld_leader),
        ("no-fetch", unheld_leader),
        ("hold-unsolicited", unsolicited_body),
        ("hold-unchecked", invalid_body),
        ("no-serve", body_requests),
        ("unbounded-body-answers", body_requests),
        ("commit-round-unchecked", late_block_commit),
        ("adopt-unverified-commit", forged_commit),
        ("conflicting-commit-accepted", two_commits),
        ("no-commit-answer", decided_replies),
        ("commit-answer-same-round", decided_replies),
        ("unbounded-commit-replies", decided_replies),
        ("unbounded-answers", five_heights_requests),
        ("finalize-current-round-only", finalize_previous_round),
        ("decision-round-wrong", finalize_previous_round),
        ("broadcast-commit", own_quorum),
    ];
    let n = net("lowest-hash");
    let mut same = Vec::new();
    for (m, probe) in probes {
        assert!(midnight_interop::mutant::NAMES.contains(m), "{m} is not a mutant");
        std::env::remove_var("MIDNIGHT_MUTANT");
        let good = probe(&n).0;
        std::env::set_var("MIDNIGHT_MUTANT", m);
        let bad = probe(&n).0;
        std::env::remove_var("MIDNIGHT_MUTANT");
        match good.iter().zip(&bad).position(|(a, b)| a != b).or((good.len() != bad.len()).then(|| good.len().min(bad.len()))) {
            Some(k) => eprintln!(
                "{m}: event {k}: correct {} | mutant {}",
                good.get(k).map_or("-", |s| &s[..s.len().min(120)]),
                bad.get(k).map_or("-", |s| &s[..s.len().min(120)])
            ),
            None => same.push(*m),
        }
    }
    assert!(same.is_empty(), "mutants that change no probe: {same:?}");
}
