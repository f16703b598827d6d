//! protocol.md §7.5 rule "answer": the per-member budget of commits from the block store is
//! kept in FIXED windows of one round-0 length (`T_c + T_p + T_q`), not a sliding one. A
//! member's window opens at the first answer due to it when it has none open and is open
//! while the clock is in `[opened, opened + len)`; within it the member gets at most
//! `kCommitAnswersPerWindow` = 4 answers, each of a different height.
//!
//! Each test restarts node 0 of `rounds.json` scenario 0 with a block store of heights 1 … 5
//! (the chain's last height is 6) and has member 1 send commit requests. No test here sets
//! `MIDNIGHT_MUTANT` (this file is its own process).
mod common;
use common::*;
use midnight_interop::codec::{self, Block, CertEntry, Certificate, Commit, CommitRequest, Message, Vote, STEP_PRECOMMIT};
use midnight_interop::node::{Config, Host};
use midnight_interop::{block, sig};
use serde_json::{json, Value};

struct Setup {
    cfg: Config,
    host: Host,
    seed1: [u8; 32],
}

fn setup() -> (Setup, u64) {
    let v = load("rounds.json");
    let s = &v["scenarios"][0];
    let mut config = s["config"].clone();
    config["policy"] = json!("lowest-hash");
    config["last_height"] = json!(6);
    let cfg = Config::from_json(&config).unwrap();
    let nodes = s["nodes"].as_array().unwrap();
    let seeds: Vec<[u8; 32]> = nodes.iter().map(|n| a32(&n["seed"])).collect();
    let vrf_seeds: Vec<[u8; 32]> = nodes.iter().map(|n| a32(&n["vrf_seed"])).collect();
    let key = |i: usize| sig::public_key(&seeds[i]);
    let mempool: Vec<Vec<u8>> = config["mempool"].as_array().unwrap().iter().map(b).collect();
    let mut prev = cfg.genesis_id;
    let mut store = Vec::new();
    for k in 1..=5u64 {
        let content = block::build_content(&cfg.chain_id, k, &cfg.members, cfg.reward, &mempool, &|t: &[u8]| t.first() != Some(&0xbd));
        let hd = block::proposal_header(&cfg.chain_id, k, 0, &prev, &content.merkle_root, cfg.s(k, 0), &key(1));
        let bid = hd.block_id();
        let mut entries: Vec<CertEntry> = [1usize, 2, 3]
            .iter()
            .map(|&i| {
                let mut v = Vote { chain_id: cfg.chain_id, height: k, round: 0, step: STEP_PRECOMMIT, block_id: bid, approve: true, voter: key(i), signature: [0; 64] };
                v.signature = sig::sign(&seeds[i], &v.signing_input());
                CertEntry { voter: key(i), signature: v.signature }
            })
            .collect();
        entries.sort_by(|a, b| a.voter.cmp(&b.voter));
        let certificate = Certificate { chain_id: cfg.chain_id, height: k, round: 0, block_id: bid, entries };
        let signature = sig::sign(&seeds[1], &hd.signing_input());
        store.push(hex::encode(codec::encode_unchecked(&Message::Commit(Commit { certificate, block: Block { header: hd, signature, transactions: content.transactions } }))));
        prev = bid;
    }
    let mut host = Host::from_json(&json!({"config": config, "seed": hex::encode(seeds[0]), "vrf_seed": hex::encode(vrf_seeds[0]), "mempool": config["mempool"]})).unwrap();
    let t0 = cfg.s(5, 0) + 1;
    host.event(t0 - 1, &json!({"kind": "restart", "block_store": store, "journal": ""})).unwrap();
    (Setup { cfg, host, seed1: seeds[1] }, t0)
}

impl Setup {
    /// Member 1 asks for `height` at `now`: the heights of the commits node 0 sends it.
    fn ask(&mut self, now: u64, height: u64) -> Vec<u64> {
        let si = sig::commit_request_signing_input(&self.cfg.chain_id, height);
        let q = Message::CommitRequest(CommitRequest { chain_id: self.cfg.chain_id, height, requester: sig::public_key(&self.seed1), signature: sig::sign(&self.seed1, &si) });
        let out = self.host.event(now, &json!({"kind": "message", "message": hex::encode(codec::encode_unchecked(&q))})).unwrap();
        let to = self.cfg.index_of(&sig::public_key(&self.seed1)).unwrap();
        commits_sent(&out, to)
    }
}

/// The heights of the commits in `out`, every one sent to member index `to`.
fn commits_sent(out: &Value, to: usize) -> Vec<u64> {
    out["output"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "send")
        .map(|a| {
            assert_eq!(a["member_index"], to, "{a}");
            match codec::decode(&hex::decode(a["message"].as_str().unwrap()).unwrap(), codec::MsgType::Commit) {
                Ok(Message::Commit(c)) => c.certificate.height,
                other => panic!("not a commit: {other:?}"),
            }
        })
        .collect()
}

#[test]
fn fixed_window_one_answer_per_height_and_reset_at_its_end() {
    let (mut s, t0) = setup();
    let len = s.cfg.round0_len();
    assert!(len > 2, "round-0 length {len}");
    let mut given = 0;
    // heights 1, 2, then 1 again within the window (opened at t0): two answers
    for (dt, hh, want) in [(0, 1, vec![1]), (1, 2, vec![2]), (2, 1, vec![])] {
        let got = s.ask(t0 + dt, hh);
        assert_eq!(got, want, "height {hh} at opened + {dt}");
        given += got.len();
    }
    assert_eq!(given, 2, "heights 1, 2, 1 in one window give two answers");
    // at opened + len - 1 the window is still open: a new height counts in it (the third
    // and fourth answers), height 1 and 2 are still not answered again, and a fifth height
    // is over the budget
    assert_eq!(s.ask(t0 + len - 1, 3), vec![3], "a new height at opened + len - 1");
    assert_eq!(s.ask(t0 + len - 1, 1), Vec::<u64>::new(), "height 1 at opened + len - 1");
    assert_eq!(s.ask(t0 + len - 1, 4), vec![4], "the fourth answer of the window");
    assert_eq!(s.ask(t0 + len - 1, 5), Vec::<u64>::new(), "a fifth answer in one window");
    // at opened + len the window has passed: height 1 is answered again and opens a new
    // window (opened = t0 + len). The window is fixed, not sliding: heights 2, 3 and 4,
    // answered less than one round-0 length ago, are answered again too, then the budget
    // of the new window is spent.
    let t1 = t0 + len;
    assert_eq!(s.ask(t1, 1), vec![1], "height 1 at opened + len");
    assert_eq!(s.ask(t1, 2), vec![2], "height 2 in the new window (answered at t0 + 1)");
    assert_eq!(s.ask(t1 + 1, 3), vec![3], "height 3 in the new window (answered at t0 + len - 1)");
    assert_eq!(s.ask(t1 + len - 1, 4), vec![4], "height 4, the fourth of the new window");
    assert_eq!(s.ask(t1 + len - 1, 5), Vec::<u64>::new(), "a fifth answer in the new window");
    assert_eq!(s.ask(t1 + len - 1, 1), Vec::<u64>::new(), "height 1 again in the new window");
}

#[test]
fn fixed_window_a_clock_before_opened_opens_a_new_one() {
    let (mut s, t0) = setup();
    let len = s.cfg.round0_len();
    let opened = t0 + 10;
    assert_eq!(s.ask(opened, 1), vec![1]);
    assert_eq!(s.ask(opened, 1), Vec::<u64>::new());
    // §7.5: "an answer due when that has passed (or when the clock reads earlier than
    // `opened`) opens a new one"
    assert_eq!(s.ask(opened - 1, 1), vec![1], "the clock earlier than opened");
    // that window opened at `opened - 1`: it is open until `opened - 1 + len`
    assert_eq!(s.ask(opened - 1 + len - 1, 1), Vec::<u64>::new());
    assert_eq!(s.ask(opened - 1 + len, 1), vec![1]);
}

#[test]
fn fixed_window_requests_for_undecided_heights_open_no_window() {
    let (mut s, t0) = setup();
    let len = s.cfg.round0_len();
    // height 6 is not in the block store: no answer is due, so no window opens at t0
    assert_eq!(s.ask(t0, 6), Vec::<u64>::new());
    // the window opens at the first answer, at t0 + 5
    assert_eq!(s.ask(t0 + 5, 1), vec![1]);
    // at t0 + len a window opened at t0 would have passed; the one opened at t0 + 5 has not
    assert_eq!(s.ask(t0 + len, 1), Vec::<u64>::new());
    assert_eq!(s.ask(t0 + 5 + len, 1), vec![1]);
}
