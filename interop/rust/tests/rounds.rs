//! Replays every scenario of rounds.json on our node hosts (spec/vectors/README.md "rounds",
//! adapter.md §3.8 and §4) and compares, per event, what adapter.md §4 compares exactly:
//! the verdict, every proposal and vote sent with its destination (a multiset per event),
//! every re-proposal and polka announcement except its polka's entries (which must form a
//! valid polka), `journal_reset`, `journal_append`, `replayed_records`; stored commits must
//! verify and name the vector's block; and the final node state.
mod common;
use common::*;
use common::replay::*;
use midnight_interop::node::Host;
use serde_json::Value;

struct Lib(std::collections::BTreeMap<usize, Host>);

impl Driver for Lib {
    fn create(&mut self, node: usize, config: &Value, seed: &Value, vrf_seed: &Value, mempool: &Value) {
        let req = serde_json::json!({"config": config, "seed": seed, "vrf_seed": vrf_seed, "mempool": mempool});
        self.0.insert(node, Host::from_json(&req).unwrap());
    }
    fn event(&mut self, node: usize, now: u64, input: &Value) -> Result<Value, String> {
        self.0.get_mut(&node).unwrap().event(now, input)
    }
    fn state(&mut self, node: usize) -> Value {
        self.0[&node].state()
    }
}

fn scenario(name: &str) {
    let v = load("rounds.json");
    let s = v["scenarios"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("no scenario {name}"));
    if let Err(e) = replay(s, &mut Lib(Default::default())) {
        panic!("{name}: {e}");
    }
}

#[test]
fn all_delivered() {
    scenario("all_delivered");
}
#[test]
fn lock_carried_into_next_round() {
    scenario("lock_carried_into_next_round");
}
#[test]
fn round_skip() {
    scenario("round_skip");
}
#[test]
fn far_round() {
    scenario("far_round");
}
#[test]
fn catch_up_by_commit_request() {
    scenario("catch_up_by_commit_request");
}
#[test]
fn restart_from_journal() {
    scenario("restart_from_journal");
}

#[test]
fn two_thirds_is_no_quorum() {
    scenario("two_thirds_is_no_quorum");
}
#[test]
fn lock_announced() {
    scenario("lock_announced");
}
#[test]
fn commit_with_another_coinbase_refused() {
    scenario("commit_with_another_coinbase_refused");
}

/// Every scenario the file holds, including any added after this test was written.
#[test]
fn every_scenario_replays() {
    let v = load("rounds.json");
    let mut fails = Vec::new();
    for s in cases(&v, "scenarios") {
        if let Err(e) = replay(s, &mut Lib(Default::default())) {
            fails.push(format!("{}: {e}", s["name"]));
        }
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

/// journal.md §2.3: the lock record example.
#[test]
fn journal_example() {
    let f = midnight_interop::node::lock_record(1, 0, &[0x11; 32]);
    assert_eq!(f.len(), 256);
    assert_eq!(hex::encode(&f[49..57]), "e21a4100b24a0c0f");
    assert!(f[57..].iter().all(|&x| x == 0));
    let (recs, len) = midnight_interop::node::read_journal(&f).unwrap();
    assert_eq!((recs.len(), len), (1, 256));
    // a torn last frame is dropped; a damaged frame followed by another is corrupt
    let (recs, len) = midnight_interop::node::read_journal(&f[..200]).unwrap();
    assert_eq!((recs.len(), len), (0, 0));
    let mut two = f.clone();
    two.extend_from_slice(&f);
    two[10] ^= 1;
    assert_eq!(midnight_interop::node::read_journal(&two).unwrap_err(), ("corrupt_frame", 0));
}

fn broadcasts(o: &Value) -> Vec<Vec<u8>> {
    o["output"].as_array().unwrap().iter().filter(|a| a["kind"] == "broadcast").map(|a| b(&a["message"])).collect()
}

fn msg(m: &[u8]) -> Value {
    serde_json::json!({"kind": "message", "message": hex::encode(m)})
}

/// A control scenario for the lock rule (protocol.md §6), which no vector exercises: under
/// policy B, one node alone sees the round-0 polka and locks; in round 1 the leader (best VRF
/// output) is another node, which proposes a fresh block. The locked node must prevote nil
/// naming that block. The mutant `no-lock` approves it.
#[test]
fn lock_rule_control() {
    use midnight_interop::codec::{self, Message};
    use midnight_interop::node::Config;
    use midnight_interop::{hash, vrf};
    use serde_json::json;
    let v = load("rounds.json");
    let s = &v["scenarios"][0];
    let mut config = s["config"].clone();
    config["policy"] = json!("vrf");
    let cfg = Config::from_json(&config).unwrap();
    let nodes = s["nodes"].as_array().unwrap();
    let mut hosts: Vec<Host> = nodes
        .iter()
        .map(|n| Host::from_json(&json!({"config": config, "seed": n["seed"], "vrf_seed": n["vrf_seed"], "mempool": config["mempool"]})).unwrap())
        .collect();
    let alpha = hash::vrf_input(&cfg.chain_id, 1, 1, &cfg.genesis_id);
    let outs: Vec<[u8; 64]> = nodes.iter().map(|n| vrf::proof_to_hash(&vrf::prove(&a32(&n["vrf_seed"]), &alpha).unwrap()).unwrap()).collect();
    let leader = (0..4).min_by_key(|&i| outs[i]).unwrap();
    let locked = (leader + 1) % 4;
    let t0 = cfg.midnight(1);
    let props: Vec<Vec<Vec<u8>>> = hosts.iter_mut().map(|h| broadcasts(&h.event(t0, &json!({"kind": "start"})).unwrap())).collect();
    let mut prevotes = Vec::new();
    for (i, ms) in props.iter().enumerate() {
        for m in ms {
            for k in 0..4 {
                if k != i {
                    for x in broadcasts(&hosts[k].event(t0, &msg(m)).unwrap()) {
                        prevotes.push((k, x));
                    }
                }
            }
        }
    }
    assert_eq!(prevotes.len(), 4, "every node prevotes once");
    for (k, m) in &prevotes {
        if *k != locked {
            hosts[locked].event(t0, &msg(m)).unwrap();
        }
    }
    let st = hosts[locked].state();
    assert_eq!((st["lock"]["held"].clone(), st["lock"]["round"].clone()), (serde_json::json!(true), serde_json::json!(0)), "the node that saw the polka is locked");
    let t1 = cfg.s(1, 1);
    let end = json!({"kind": "timer", "timer": "round_end", "height": 1, "round": 0});
    let r1: Vec<Vec<Vec<u8>>> = hosts.iter_mut().map(|h| broadcasts(&h.event(t1, &end).unwrap())).collect();
    let mut leader_block = None;
    let mut prevote = None;
    for (i, ms) in r1.iter().enumerate() {
        if i == locked {
            continue;
        }
        for m in ms {
            if let Ok(Message::Proposal(p)) = codec::decode_any(m) {
                if i == leader {
                    leader_block = Some(p.header.block_id());
                }
            }
            for x in broadcasts(&hosts[locked].event(t1, &msg(m)).unwrap()) {
                if let Ok(Message::Vote(v)) = codec::decode_any(&x) {
                    if v.step == codec::STEP_PREVOTE {
                        prevote = Some(v);
                    }
                }
            }
        }
    }
    let pv = prevote.expect("the locked node prevotes once every round-1 message is in");
    assert_eq!(Some(pv.block_id), leader_block, "the choice is the leader's block");
    assert!(!pv.approve, "the lock rule forbids approving another block than the lock's (protocol.md §6)");
}

#[test]
fn commit_with_invalid_transaction_refused() {
    scenario("commit_with_invalid_transaction_refused");
}

/// A small network of hosts on one clock: every broadcast is delivered to every other node
/// at once (FIFO), every timer fires at its time. Returns each node's state.
fn simulate(config: &Value, start_at: &[u64], until: u64) -> Vec<Value> {
    simulate_with(config, start_at, until, &[])
}

/// As `simulate`, with node `i`'s mempool replaced by `mempools[i]` when given.
fn simulate_with(config: &Value, start_at: &[u64], until: u64, mempools: &[Option<Value>]) -> Vec<Value> {
    use std::collections::{BTreeMap, VecDeque};
    let v = load("rounds.json");
    let nodes = v["scenarios"][0]["nodes"].as_array().unwrap().clone();
    let n = start_at.len();
    let mut hosts: Vec<Host> = nodes[..n]
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let mp = mempools.get(i).cloned().flatten().unwrap_or(config["mempool"].clone());
            Host::from_json(&serde_json::json!({"config": config, "seed": x["seed"], "vrf_seed": x["vrf_seed"], "mempool": mp})).unwrap()
        })
        .collect();
    let mut timers: BTreeMap<(u64, u64), (usize, Value)> = BTreeMap::new();
    let mut k = 0u64;
    for (i, &t) in start_at.iter().enumerate() {
        timers.insert((t, k), (i, serde_json::json!({"kind": "start"})));
        k += 1;
    }
    while let Some(((now, _), (i, input))) = timers.pop_first() {
        if now > until {
            break;
        }
        let mut q: VecDeque<(usize, Value)> = VecDeque::from([(i, input)]);
        while let Some((i, input)) = q.pop_front() {
            let Ok(o) = hosts[i].event(now, &input) else { continue };
            for a in o["output"].as_array().unwrap() {
                match a["kind"].as_str().unwrap() {
                    "broadcast" => {
                        for j in 0..n {
                            if j != i {
                                q.push_back((j, serde_json::json!({"kind": "message", "message": a["message"]})));
                            }
                        }
                    }
                    "send" => {
                        let key = hex::encode(midnight_interop::node::Config::from_json(config).unwrap().members[a["member_index"].as_u64().unwrap() as usize].key);
                        let j = nodes.iter().position(|x| hex::encode(midnight_interop::sig::public_key(&a32(&x["seed"]))) == key).unwrap();
                        if j < n {
                            q.push_back((j, serde_json::json!({"kind": "message", "message": a["message"]})));
                        }
                    }
                    _ => {
                        let mut t = a.clone();
                        t["kind"] = serde_json::json!("timer");
                        let at = t["at_ms"].as_u64().unwrap();
                        timers.insert((at, k), (i, t));
                        k += 1;
                    }
                }
            }
        }
    }
    hosts.iter().map(|h| h.state()).collect()
}

/// Heights in a row (protocol.md §7.5): three heights, each begun at its midnight.
#[test]
fn three_heights_in_a_row() {
    let v = load("rounds.json");
    let mut config = v["scenarios"][0]["config"].clone();
    config["last_height"] = serde_json::json!(3);
    let m = config["first_midnight_ms"].as_u64().unwrap();
    let st = simulate(&config, &[m, m, m, m], m + 3 * 86_400_000);
    for s in &st {
        assert_eq!(s["decided_height"], 3, "{st:?}");
        assert_eq!(s["block_id"], st[0]["block_id"]);
    }
}

/// One member down (3 of 4 up, policy vrf): decided by the collect deadlines.
#[test]
fn one_member_down_vrf() {
    let v = load("rounds.json");
    let mut config = v["scenarios"][0]["config"].clone();
    config["policy"] = serde_json::json!("vrf");
    config["last_height"] = serde_json::json!(2);
    let m = config["first_midnight_ms"].as_u64().unwrap();
    let st = simulate(&config, &[m, m, m], m + 2 * 86_400_000);
    for s in &st {
        assert_eq!(s["decided_height"], 2, "{st:?}");
        assert_eq!(s["block_id"], st[0]["block_id"]);
    }
}

/// journal.md §4.2 beyond the vectors: node 0 of `lock_carried_into_next_round` crashes
/// after locking (after seq 27) and restarts from its journal (its prevote; the polka, its
/// precommit and its lock) at the round-0 end: it restores the four records, and its
/// round-1 message is the vector's re-proposal (message 12, entries aside), with no vote
/// signed a second time.
#[test]
fn restart_locked_reproposes() {
    use common::replay::comparable;
    let v = load("rounds.json");
    let s = v["scenarios"].as_array().unwrap().iter().find(|s| s["name"] == "lock_carried_into_next_round").unwrap();
    let msgs: Vec<Vec<u8>> = s["messages"].as_array().unwrap().iter().map(|m| b(&m["hex"])).collect();
    let mut d = Lib(Default::default());
    for n in s["nodes"].as_array().unwrap() {
        d.create(n["node"].as_u64().unwrap() as usize, &s["config"], &n["seed"], &n["vrf_seed"], &s["config"]["mempool"]);
    }
    let mut journal = Vec::new();
    for e in s["events"].as_array().unwrap() {
        if e["seq"].as_u64().unwrap() > 27 {
            break;
        }
        let node = e["node"].as_u64().unwrap() as usize;
        let mut input = e["input"].clone();
        if input["kind"] == "message" {
            input["message"] = Value::String(hex::encode(&msgs[input["message"].as_u64().unwrap() as usize]));
        }
        let o = d.event(node, e["now_ms"].as_u64().unwrap(), &input).unwrap();
        if node == 0 {
            journal.extend_from_slice(&b(&o["journal_append"]));
        }
    }
    assert_eq!(journal.len(), 256 * 6, "prevote, three polka parts, precommit, lock");
    let t1 = s["config"]["first_midnight_ms"].as_u64().unwrap() + 3000;
    let o = d.event(0, t1, &serde_json::json!({"kind": "restart", "block_store": [], "journal": hex::encode(&journal)})).unwrap();
    assert_eq!(o["replayed_records"], 4);
    assert!(o["output"].as_array().unwrap().is_empty());
    let st = d.state(0);
    assert_eq!(st["lock"]["held"], true);
    assert_eq!(st["lock"]["round"], 0);
    let o = d.event(0, t1, &serde_json::json!({"kind": "start"})).unwrap();
    let sent: Vec<Vec<u8>> = o["output"].as_array().unwrap().iter().filter(|a| a["kind"] == "broadcast").map(|a| b(&a["message"])).collect();
    let want = comparable(&msgs[12]).unwrap();
    assert!(sent.iter().any(|m| comparable(m) == Some(want.clone())), "the round-1 re-proposal");
    assert!(sent.iter().all(|m| !matches!(midnight_interop::codec::decode_any(m), Ok(midnight_interop::codec::Message::Vote(_)))));
    assert_eq!(o["journal_append"], "", "nothing new to journal: the lock is the restored one");
}

/// Differing snapshots (protocol.md §1.1, §5.7): two nodes hold a transaction the others do
/// not, so their blocks' bodies must be fetched (here by body request) before anyone can
/// approve them; the height still decides, on one block everywhere.
#[test]
fn differing_mempools_fetch_bodies() {
    for policy in ["lowest-hash", "vrf", "first-to-quorum"] {
        let v = load("rounds.json");
        let mut config = v["scenarios"][0]["config"].clone();
        config["policy"] = serde_json::json!(policy);
        let m = config["first_midnight_ms"].as_u64().unwrap();
        let extra = Some(serde_json::json!(["68656c6c6f", "6d69646e69676874", "65787472612d7478"]));
        let st = simulate_with(&config, &[m, m, m, m], m + 60_000, &[extra.clone(), None, extra, None]);
        for s in &st {
            assert_eq!(s["decided_height"], 1, "{policy}: {st:?}");
            assert_eq!(s["block_id"], st[0]["block_id"], "{policy}");
        }
    }
}

/// journal.md §3, §4.2; adapter.md §3.8: a journal with a damaged frame followed by another
/// is corrupt: the restart is answered with the error `corrupt_frame`, yet the node has
/// restarted (it refuses to sign, and the `start` that follows sets no timer and sends
/// nothing); an intact frame with a bad record is `bad_record`; a record the machine refuses
/// is its `round_errc` (`not_own_vote`); a torn last frame is dropped.
#[test]
fn restart_with_damaged_journal() {
    let v = load("rounds.json");
    let s = v["scenarios"].as_array().unwrap().iter().find(|s| s["name"] == "restart_from_journal").unwrap();
    let e = s["events"].as_array().unwrap().iter().find(|e| e["input"]["kind"] == "restart").unwrap();
    let journal = b(&e["input"]["journal"]);
    let now = e["now_ms"].as_u64().unwrap();
    let node = e["node"].as_u64().unwrap() as usize;
    let mk = |i: usize| {
        let n = &s["nodes"][i];
        Host::from_json(&serde_json::json!({"config": s["config"], "seed": n["seed"], "vrf_seed": n["vrf_seed"], "mempool": s["config"]["mempool"]})).unwrap()
    };
    let restart = |h: &mut Host, j: &[u8]| h.event(now, &serde_json::json!({"kind": "restart", "block_store": [], "journal": hex::encode(j)}));
    // torn: the frame cut short is dropped, nothing restored, the node works normally
    let mut h = mk(node);
    let o = restart(&mut h, &journal[..100]).unwrap();
    assert_eq!(o["replayed_records"], 0);
    assert!(!h.refuses_to_vote());
    // corrupt: a damaged frame followed by an intact one
    let mut two = journal.clone();
    two.extend_from_slice(&journal);
    two[20] ^= 0x40;
    let mut h = mk(node);
    assert_eq!(restart(&mut h, &two), Err("corrupt_frame".to_string()));
    assert!(h.refuses_to_vote(), "the failed restart's state stays");
    let o = h.event(now, &serde_json::json!({"kind": "start"})).unwrap();
    assert_eq!(o["output"], serde_json::json!([]), "the start sets no timer and sends nothing");
    assert_eq!(o["journal_append"], "");
    // a damaged frame in the middle is corrupt whatever follows
    let mut three = journal.repeat(3);
    three[256 + 30] ^= 1;
    assert_eq!(restart(&mut mk(node), &three), Err("corrupt_frame".to_string()));
    // an intact frame holding a bad record (an unknown record type), even the last one
    let mut bad = journal.clone();
    let mut f = vec![0u8; 256];
    let payload = [9u8, 1, 2, 3];
    f[..4].copy_from_slice(&(payload.len() as u32).to_be_bytes());
    f[4..8].copy_from_slice(&payload);
    let check = midnight_interop::hash::sha256_parts(&[midnight_interop::node::TAG_JOURNAL, &f[..8]]);
    f[8..16].copy_from_slice(&check[..8]);
    bad.extend_from_slice(&f);
    let mut h = mk(node);
    assert_eq!(restart(&mut h, &bad), Err("bad_record".to_string()));
    assert!(h.refuses_to_vote());
    // a record the machine refuses: another member's vote
    let other = (node + 1) % s["nodes"].as_array().unwrap().len();
    let mut h = mk(other);
    assert_eq!(restart(&mut h, &journal), Err("not_own_vote".to_string()));
    assert!(h.refuses_to_vote());
    let o = h.event(now, &serde_json::json!({"kind": "start"})).unwrap();
    assert_eq!(o["output"], serde_json::json!([]));
    // the same record twice is accepted (journal.md §4.2)
    let mut h = mk(node);
    let o = restart(&mut h, &journal.repeat(2)).unwrap();
    assert_eq!(o["replayed_records"], 2);
    assert!(!h.refuses_to_vote());
}

/// adapter.md §3.8 (rounds.json `restart_with_damaged_journal`, which does the same from
/// its own run): node 0 of `lock_carried_into_next_round` crashes after locking (after seq
/// 27); its journal's first frame is damaged, with intact frames after it. The restart is
/// refused `corrupt_frame`; the node starts no round and signs nothing at the height, still
/// takes the others' messages, and decides by the precommit quorum it counts.
#[test]
fn failed_restart_still_decides() {
    let v = load("rounds.json");
    let s = v["scenarios"].as_array().unwrap().iter().find(|s| s["name"] == "lock_carried_into_next_round").unwrap();
    let msgs: Vec<Vec<u8>> = s["messages"].as_array().unwrap().iter().map(|m| b(&m["hex"])).collect();
    let mut d = Lib(Default::default());
    for n in s["nodes"].as_array().unwrap() {
        d.create(n["node"].as_u64().unwrap() as usize, &s["config"], &n["seed"], &n["vrf_seed"], &s["config"]["mempool"]);
    }
    let mut journal = Vec::new();
    let mut restarted = false;
    for e in s["events"].as_array().unwrap() {
        let node = e["node"].as_u64().unwrap() as usize;
        let now = e["now_ms"].as_u64().unwrap();
        if e["seq"].as_u64().unwrap() > 27 && !restarted {
            restarted = true;
            journal[7] ^= 0x10;
            let r = d.event(0, now, &serde_json::json!({"kind": "restart", "block_store": [], "journal": hex::encode(&journal)}));
            assert_eq!(r, Err("corrupt_frame".to_string()));
            let o = d.event(0, now, &serde_json::json!({"kind": "start"})).unwrap();
            assert_eq!(o["output"], serde_json::json!([]));
            assert_eq!(d.state(0)["lock"]["held"], false, "everything forgotten");
        }
        let mut input = e["input"].clone();
        if input["kind"] == "message" {
            input["message"] = Value::String(hex::encode(&msgs[input["message"].as_u64().unwrap() as usize]));
        }
        if restarted && node == 0 {
            if input["kind"] != "message" {
                // its timers were forgotten with the process
                continue;
            }
            // it takes every message, and signs and journals nothing
            let o = d.event(0, now, &input).unwrap_or_else(|err| panic!("seq {}: {err}", e["seq"]));
            assert!(o["output"].as_array().unwrap().iter().all(|a| a["kind"] == "send"), "seq {}: {o}", e["seq"]);
            assert_eq!(o["journal_append"], "");
            continue;
        }
        let o = d.event(node, now, &input);
        if node == 0 {
            journal.extend_from_slice(&b(&o.unwrap()["journal_append"]));
        }
    }
    assert!(restarted);
    let want = s["expected"].as_array().unwrap().iter().find(|x| x["node"] == 0).unwrap();
    let st = d.state(0);
    assert_eq!(st["decided_height"], want["decided_height"], "{st}");
    assert_eq!(st["block_id"], want["block_id"], "{st}");
}

/// Hostile inputs: every message of every scenario with seeded byte flips, delivered to a
/// host in several states, never panics (a verdict or ok each time).
#[test]
fn hostile_inputs_do_not_panic() {
    let v = load("rounds.json");
    let mut seed = 0x9e3779b97f4a7c15u64;
    let mut rnd = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for s in v["scenarios"].as_array().unwrap() {
        let n = &s["nodes"][0];
        let mut h = Host::from_json(&serde_json::json!({"config": s["config"], "seed": n["seed"], "vrf_seed": n["vrf_seed"], "mempool": s["config"]["mempool"]})).unwrap();
        let t0 = s["config"]["first_midnight_ms"].as_u64().unwrap();
        h.event(t0, &serde_json::json!({"kind": "start"})).unwrap();
        for m in s["messages"].as_array().unwrap() {
            let orig = b(&m["hex"]);
            let _ = h.event(t0, &msg(&orig));
            for _ in 0..8 {
                let mut x = orig.clone();
                let k = (rnd() % 3 + 1) as usize;
                for _ in 0..k {
                    let i = (rnd() as usize) % x.len();
                    x[i] ^= 1 << (rnd() % 8);
                }
                let _ = h.event(t0, &msg(&x));
                let _ = h.event(t0, &serde_json::json!({"kind": "restart", "block_store": [hex::encode(&x)], "journal": hex::encode(&x)}));
                let _ = h.event(t0, &serde_json::json!({"kind": "start"}));
            }
        }
        for t in ["collect_deadline", "prevote_deadline", "round_end", "height_start", "ask_again"] {
            let _ = h.event(t0 + 10_000, &serde_json::json!({"kind": "timer", "timer": t, "height": 1, "round": 0}));
        }
    }
}
