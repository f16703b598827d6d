//! journal.md §4.2 "Any error in step 2": the records read before the one that fails stay
//! restored (the reader gives records in order and the machine has taken those): their votes
//! count and their lock is the node's, which `node_state` shows (adapter.md §3.8); the
//! restart is still answered with the error and the node signs and journals nothing at the
//! height. And when the block store already holds the chain's last height, the journal is
//! not read. (rounds.json `restart_keeps_what_it_read` pins the first case in a vector.)
mod common;
use common::*;
use midnight_interop::node::{self, Host, Record};
use serde_json::{json, Value};

const FRAME: usize = 256;

/// `lock_carried_into_next_round` run to `upto` (every event with `seq <= upto`, or all):
/// the journal node 0 appended (emptied on a decision), each node's journal, the commits
/// node 0 stored, and the time of the last event run.
struct Run {
    journal: Vec<u8>,
    journals: Vec<Vec<u8>>,
    stored: Vec<Vec<u8>>,
    now: u64,
    scenario: Value,
}

fn run(upto: Option<u64>) -> Run {
    let v = load("rounds.json");
    let s = v["scenarios"].as_array().unwrap().iter().find(|s| s["name"] == "lock_carried_into_next_round").unwrap().clone();
    let msgs: Vec<Vec<u8>> = s["messages"].as_array().unwrap().iter().map(|m| b(&m["hex"])).collect();
    let mut hosts: Vec<Host> = s["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| Host::from_json(&json!({"config": s["config"], "seed": n["seed"], "vrf_seed": n["vrf_seed"], "mempool": s["config"]["mempool"]})).unwrap())
        .collect();
    let (mut journals, mut stored, mut now) = (vec![Vec::new(); hosts.len()], Vec::new(), 0);
    for e in s["events"].as_array().unwrap() {
        if upto.map_or(false, |u| e["seq"].as_u64().unwrap() > u) {
            break;
        }
        let node = e["node"].as_u64().unwrap() as usize;
        now = e["now_ms"].as_u64().unwrap();
        let mut input = e["input"].clone();
        if input["kind"] == "message" {
            input["message"] = Value::String(hex::encode(&msgs[input["message"].as_u64().unwrap() as usize]));
        }
        let Ok(o) = hosts[node].event(now, &input) else { continue };
        if o["journal_reset"] == true {
            journals[node].clear();
        }
        journals[node].extend_from_slice(&b(&o["journal_append"]));
        if node == 0 {
            stored.extend(o["stored"].as_array().unwrap().iter().map(b));
        }
    }
    Run { journal: journals[0].clone(), journals, stored, now, scenario: s }
}

fn fresh(r: &Run, i: usize) -> Host {
    let (s, n) = (&r.scenario, &r.scenario["nodes"][i]);
    Host::from_json(&json!({"config": s["config"], "seed": n["seed"], "vrf_seed": n["vrf_seed"], "mempool": s["config"]["mempool"]})).unwrap()
}

fn restart(h: &mut Host, now: u64, store: &[Vec<u8>], j: &[u8]) -> Result<Value, String> {
    let store: Vec<String> = store.iter().map(hex::encode).collect();
    h.event(now, &json!({"kind": "restart", "block_store": store, "journal": hex::encode(j)}))
}

/// The locked node's journal: prevote, three polka parts, precommit, lock.
fn locked() -> Run {
    let r = run(Some(27));
    assert_eq!(r.journal.len(), FRAME * 6, "prevote, three polka parts, precommit, lock");
    r
}

fn assert_locked_refusing(h: &mut Host, now: u64) {
    let st = h.state();
    assert_eq!(st["lock"]["held"], true, "{st}");
    assert_eq!(st["lock"]["round"], 0, "{st}");
    assert!(h.refuses_to_vote());
    let o = h.event(now, &json!({"kind": "start"})).unwrap();
    assert_eq!(o["output"], json!([]), "the start sets no timer and sends nothing");
    assert_eq!(o["journal_append"], "", "nothing journaled, not the restored lock either");
    assert_eq!(h.state()["lock"]["held"], true);
}

/// The vector's case: the last frame (the lock record) damaged, an intact frame after it.
#[test]
fn damaged_lock_record_keeps_the_precommits_lock() {
    let r = locked();
    let mut j = r.journal.clone();
    j[5 * FRAME + 10] ^= 0x04;
    j.extend_from_slice(&r.journal[..FRAME]);
    // the reader gives the three records before the damaged frame, then the error
    let (recs, e) = node::read_journal_prefix(&j);
    assert_eq!(e, Err(("corrupt_frame", 5 * FRAME)));
    assert_eq!(recs.len(), 3, "prevote, polka, precommit");
    assert!(matches!(recs[1], Record::Polka(_)));
    assert!(node::read_journal(&j).is_err());
    let mut h = fresh(&r, 0);
    assert_eq!(restart(&mut h, r.now, &[], &j), Err("corrupt_frame".to_string()));
    assert_locked_refusing(&mut h, r.now);
}

/// A bad record after the lock: the lock record was read, the lock stays.
#[test]
fn bad_record_after_the_lock() {
    let r = locked();
    let mut j = r.journal.clone();
    let mut f = vec![0u8; FRAME];
    let payload = [9u8, 1, 2, 3];
    f[..4].copy_from_slice(&(payload.len() as u32).to_be_bytes());
    f[4..8].copy_from_slice(&payload);
    let check = midnight_interop::hash::sha256_parts(&[node::TAG_JOURNAL, &f[..8]]);
    f[8..16].copy_from_slice(&check[..8]);
    j.extend_from_slice(&f);
    let (recs, e) = node::read_journal_prefix(&j);
    assert_eq!(e, Err(("bad_record", 6 * FRAME)));
    assert_eq!(recs.len(), 4);
    let mut h = fresh(&r, 0);
    assert_eq!(restart(&mut h, r.now, &[], &j), Err("bad_record".to_string()));
    assert_locked_refusing(&mut h, r.now);
}

/// A record the machine refuses (another member's vote) after the lock: the machine's error,
/// and what it took before stays.
#[test]
fn refused_record_after_the_lock() {
    let r = locked();
    // node 1's prevote, its first journal frame
    let j1 = &r.journals[1];
    assert!(j1.len() >= FRAME);
    let mut j = r.journal.clone();
    j.extend_from_slice(&j1[..FRAME]);
    let mut h = fresh(&r, 0);
    assert_eq!(restart(&mut h, r.now, &[], &j), Err("not_own_vote".to_string()));
    assert_locked_refusing(&mut h, r.now);
    // and the machine's refusal comes first when the reader would fail later on
    let mut k = j.clone();
    k.extend_from_slice(&[0u8; FRAME]);
    k.extend_from_slice(&r.journal[..FRAME]);
    let mut h = fresh(&r, 0);
    assert_eq!(restart(&mut h, r.now, &[], &k), Err("not_own_vote".to_string()));
    assert_locked_refusing(&mut h, r.now);
}

/// A damaged polka part in the middle: only the prevote before it is restored, no lock.
#[test]
fn damaged_polka_part_restores_only_the_prevote() {
    let r = locked();
    let mut j = r.journal.clone();
    j[2 * FRAME + 40] ^= 0x80;
    let (recs, e) = node::read_journal_prefix(&j);
    assert_eq!(e, Err(("corrupt_frame", FRAME)), "at the polka record's first frame");
    assert_eq!(recs.len(), 1);
    let mut h = fresh(&r, 0);
    assert_eq!(restart(&mut h, r.now, &[], &j), Err("corrupt_frame".to_string()));
    assert_eq!(h.state()["lock"]["held"], false);
    assert!(h.refuses_to_vote());
}

/// A torn lock record at the very end stays a torn append (journal.md §3 rule 3): no error,
/// the precommit's lock restored, and journaled again (polka and lock) by the next step.
#[test]
fn torn_lock_record_is_no_error() {
    let r = locked();
    let mut j = r.journal.clone();
    j[5 * FRAME + 10] ^= 0x04;
    let (recs, e) = node::read_journal_prefix(&j);
    assert_eq!(e, Ok(5 * FRAME));
    assert_eq!(recs.len(), 3);
    let mut h = fresh(&r, 0);
    let o = restart(&mut h, r.now, &[], &j).unwrap();
    assert_eq!(o["replayed_records"], 3);
    assert_eq!(h.state()["lock"]["held"], true);
    assert!(!h.refuses_to_vote());
}

/// journal.md §4.2: when the block store already holds the chain's last height the journal
/// is not read: a corrupt journal is no error, and nothing of it is restored or counted.
#[test]
fn last_height_stored_journal_not_read() {
    let locked = locked();
    let done = run(None);
    assert_eq!(done.stored.len(), 1, "node 0 decides the last height");
    let last = done.scenario["config"]["last_height"].as_u64().unwrap();
    let mut corrupt = locked.journal.clone();
    corrupt[20] ^= 1;
    for j in [&locked.journal, &corrupt] {
        let mut h = fresh(&done, 0);
        let o = restart(&mut h, done.now, &done.stored, j).unwrap();
        assert_eq!(o["replayed_records"], 0);
        assert!(!h.refuses_to_vote());
        let st = h.state();
        assert_eq!(st["decided_height"], last, "{st}");
        assert_eq!(st["lock"]["held"], false, "{st}");
        let o = h.event(done.now, &json!({"kind": "start"})).unwrap();
        assert_eq!(o["output"], json!([]));
        assert_eq!(o["journal_append"], "");
    }
    // without the commit the same corrupt journal is read and refused
    let mut h = fresh(&done, 0);
    assert_eq!(restart(&mut h, done.now, &[], &corrupt), Err("corrupt_frame".to_string()));
}
