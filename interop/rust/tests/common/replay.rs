//! The replay of rounds.json scenarios (spec/vectors/README.md "rounds", adapter.md §4),
//! shared by tests/rounds.rs (the library's hosts) and tests/adapter.rs (the adapter's).
use super::*;
use midnight_interop::codec::{self, Message};
use midnight_interop::node::Config;
use midnight_interop::{membership, sig};
use serde_json::Value;

/// Something that runs node hosts: the library directly, or the adapter.
pub trait Driver {
    fn create(&mut self, node: usize, config: &Value, seed: &Value, vrf_seed: &Value, mempool: &Value);
    /// Ok(the `ok` object) or Err(the error name)
    fn event(&mut self, node: usize, now: u64, input: &Value) -> Result<Value, String>;
    fn state(&mut self, node: usize) -> Value;
}

/// What of a sent message is compared: its bytes, with a re-proposal's or polka's entries
/// removed (count set to zero). None: not compared (commit requests, commits).
pub fn comparable(bytes: &[u8]) -> Option<Vec<u8>> {
    match codec::decode_any(bytes).ok()? {
        Message::Proposal(_) | Message::Vote(_) => Some(bytes.to_vec()),
        Message::Reproposal(mut r) => {
            r.polka.polka.entries.clear();
            Some(codec::encode_unchecked(&Message::Reproposal(r)))
        }
        Message::Polka(mut p) => {
            p.polka.entries.clear();
            Some(codec::encode_unchecked(&Message::Polka(p)))
        }
        _ => None,
    }
}

pub fn cert_ok(cfg: &Config, c: &codec::Certificate, step: u8) -> bool {
    let mut w = 0;
    for (k, e) in c.entries.iter().enumerate() {
        if k > 0 && c.entries[k - 1].voter >= e.voter {
            return false;
        }
        let Some(i) = cfg.index_of(&e.voter) else { return false };
        w += cfg.members[i].weight;
        let si = sig::vote_signing_input(&c.chain_id, c.height, c.round, step, &c.block_id, true);
        if !sig::verify(&e.voter, &si, &e.signature) {
            return false;
        }
    }
    c.chain_id == cfg.chain_id && membership::is_quorum(w, cfg.total)
}

/// Checks what is not compared: polkas carried must be valid, commits must verify.
fn check_valid(cfg: &Config, bytes: &[u8]) -> Result<(), String> {
    match codec::decode_any(bytes).map_err(|e| e.to_string())? {
        Message::Reproposal(r) if !cert_ok(cfg, &r.polka.polka, codec::STEP_PREVOTE) => Err("reproposal's polka invalid".into()),
        Message::Polka(p) if !cert_ok(cfg, &p.polka, codec::STEP_PREVOTE) => Err("announced polka invalid".into()),
        Message::Commit(c) if !cert_ok(cfg, &c.certificate, codec::STEP_PRECOMMIT) => Err("commit's certificate invalid".into()),
        _ => Ok(()),
    }
}

fn commit_block(bytes: &[u8]) -> Option<[u8; 32]> {
    match codec::decode_any(bytes).ok()? {
        Message::Commit(c) => Some(c.certificate.block_id),
        _ => None,
    }
}

fn dest(o: &Value) -> String {
    match o["kind"].as_str().unwrap() {
        "broadcast" => "broadcast".into(),
        "send" => format!("send {}", o["member_index"]),
        k => k.into(),
    }
}

/// Replay one scenario; Err(the first differing event and why).
pub fn replay(s: &Value, d: &mut dyn Driver) -> Result<(), String> {
    let cfg = Config::from_json(&s["config"]).map_err(|e| e)?;
    let msgs: Vec<Vec<u8>> = s["messages"].as_array().unwrap().iter().map(|m| b(&m["hex"])).collect();
    for n in s["nodes"].as_array().unwrap() {
        let node = n["node"].as_u64().unwrap() as usize;
        d.create(node, &s["config"], &n["seed"], &n["vrf_seed"], &s["config"]["mempool"]);
    }
    let mut notes = Vec::new();
    for e in s["events"].as_array().unwrap() {
        let seq = e["seq"].as_u64().unwrap();
        let node = e["node"].as_u64().unwrap() as usize;
        let now = e["now_ms"].as_u64().unwrap();
        let mut input = e["input"].clone();
        match input["kind"].as_str().unwrap() {
            "message" => {
                let id = input["message"].as_u64().unwrap() as usize;
                input["message"] = Value::String(hex::encode(&msgs[id]));
            }
            "restart" => {
                let store: Vec<Value> = input["block_store"]
                    .as_array()
                    .map(|a| a.iter().map(|id| Value::String(hex::encode(&msgs[id.as_u64().unwrap() as usize]))).collect())
                    .unwrap_or_default();
                input["block_store"] = Value::Array(store);
                if input.get("journal").is_none() {
                    input["journal"] = Value::String(String::new());
                }
            }
            _ => {}
        }
        let got = d.event(node, now, &input);
        let at = format!("seq {seq} (node {node}, {})", e["input"]);
        match (e.get("error"), &got) {
            (Some(x), Err(g)) if x.as_str() == Some(g.as_str()) => continue,
            (Some(x), _) => return Err(format!("{at}: expected error {x}, got {got:?}")),
            (None, Err(g)) => return Err(format!("{at}: expected ok, got error {g}")),
            _ => {}
        }
        let got = got.unwrap();
        // journal
        let ja = e.get("journal_append").map(|v| v.as_str().unwrap().to_string()).unwrap_or_default();
        if got["journal_append"].as_str().unwrap() != ja {
            return Err(format!("{at}: journal_append differs:\n  want {ja}\n  got  {}", got["journal_append"]));
        }
        let jr = e.get("journal_reset").and_then(|v| v.as_bool()).unwrap_or(false);
        if got["journal_reset"].as_bool().unwrap() != jr {
            return Err(format!("{at}: journal_reset want {jr} got {}", got["journal_reset"]));
        }
        if let Some(n) = e.get("replayed_records") {
            if got.get("replayed_records") != Some(n) {
                return Err(format!("{at}: replayed_records want {n} got {:?}", got.get("replayed_records")));
            }
        }
        // stored commits: same count, verify, same block
        let want_stored: Vec<usize> = e.get("stored").and_then(|v| v.as_array()).map(|a| a.iter().map(|x| x.as_u64().unwrap() as usize).collect()).unwrap_or_default();
        let got_stored: Vec<Vec<u8>> = got["stored"].as_array().unwrap().iter().map(b).collect();
        if want_stored.len() != got_stored.len() {
            return Err(format!("{at}: stored {} commits, want {}", got_stored.len(), want_stored.len()));
        }
        for (w, g) in want_stored.iter().zip(&got_stored) {
            check_valid(&cfg, g).map_err(|x| format!("{at}: stored: {x}"))?;
            if commit_block(g) != commit_block(&msgs[*w]) {
                return Err(format!("{at}: stored commit names another block"));
            }
        }
        // actions
        let mut want: Vec<(String, Vec<u8>)> = Vec::new();
        let mut want_commits: Vec<(String, [u8; 32])> = Vec::new();
        for o in e.get("output").and_then(|v| v.as_array()).cloned().unwrap_or_default().iter() {
            if o["kind"] == "set_timer" {
                continue;
            }
            let m = &msgs[o["message"].as_u64().unwrap() as usize];
            if let Some(c) = comparable(m) {
                want.push((dest(o), c));
            } else if let Some(bid) = commit_block(m) {
                want_commits.push((dest(o), bid));
            }
        }
        let mut gotv: Vec<(String, Vec<u8>)> = Vec::new();
        let mut got_commits: Vec<(String, [u8; 32])> = Vec::new();
        for o in got["output"].as_array().unwrap() {
            if o["kind"] == "set_timer" {
                continue;
            }
            let m = b(&o["message"]);
            check_valid(&cfg, &m).map_err(|x| format!("{at}: {x}"))?;
            if let Some(c) = comparable(&m) {
                gotv.push((dest(o), c));
            } else if let Some(bid) = commit_block(&m) {
                got_commits.push((dest(o), bid));
            }
        }
        want.sort();
        gotv.sort();
        if want != gotv {
            let show = |v: &Vec<(String, Vec<u8>)>| {
                v.iter().map(|(d, m)| format!("{d} {}", hex::encode(&m[..m.len().min(24)]))).collect::<Vec<_>>().join(", ")
            };
            return Err(format!("{at}: sent messages differ:\n  want [{}]\n  got  [{}]", show(&want), show(&gotv)));
        }
        want_commits.sort();
        got_commits.sort();
        if want_commits != got_commits {
            notes.push(format!("{at}: commits sent differ (not compared): want {} got {}", want_commits.len(), got_commits.len()));
        }
    }
    for x in s["expected"].as_array().unwrap() {
        let node = x["node"].as_u64().unwrap() as usize;
        let st = d.state(node);
        if st["decided_height"] != x["decided_height"] {
            return Err(format!("final: node {node} decided_height {} want {}", st["decided_height"], x["decided_height"]));
        }
        if let Some(bid) = x.get("block_id") {
            if &st["block_id"] != bid {
                return Err(format!("final: node {node} block_id {} want {bid}", st["block_id"]));
            }
        }
        if let Some(l) = x.get("lock") {
            if &st["lock"] != l {
                return Err(format!("final: node {node} lock {} want {l}", st["lock"]));
            }
        }
    }
    for n in notes {
        eprintln!("note: {n}");
    }
    Ok(())
}

