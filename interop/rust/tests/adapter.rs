//! Drives the `midnight-adapter` binary as the oracle of spec/adapter.md would, with the
//! vectors, and checks each mutant diverges where it should.
mod common;
use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

struct Adapter {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    id: u64,
}

impl Adapter {
    fn start(mutant: Option<&str>) -> Adapter {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_midnight-adapter"));
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        match mutant {
            Some(m) => cmd.env("MIDNIGHT_MUTANT", m),
            None => cmd.env_remove("MIDNIGHT_MUTANT"),
        };
        let mut child = cmd.spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut a = Adapter { child, stdin, stdout, id: 0 };
        let hello = a.call("hello", json!({"adapter_version": 2}));
        assert_eq!(hello["ok"]["adapter_version"], 2);
        for op in ["node_create", "node_event", "node_state"] {
            assert!(hello["ok"]["ops"].as_array().unwrap().iter().any(|o| o == op), "{op} not listed");
        }
        a
    }
    fn call(&mut self, op: &str, args: Value) -> Value {
        self.id += 1;
        let mut req = args;
        req["id"] = json!(self.id);
        req["op"] = json!(op);
        writeln!(self.stdin, "{}", serde_json::to_string(&req).unwrap()).unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["id"], json!(self.id));
        let n = ["ok", "error", "unsupported"].iter().filter(|k| v.get(**k).is_some()).count();
        assert_eq!(n, 1, "{v}");
        v
    }
    fn ok(&mut self, op: &str, args: Value) -> Value {
        let v = self.call(op, args);
        v.get("ok").cloned().unwrap_or_else(|| panic!("{op}: {v}"))
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run_families(a: &mut Adapter) -> Vec<String> {
    let mut fails = Vec::new();
    let mut check = |what: String, r: Result<(), String>| {
        if let Err(e) = r {
            fails.push(format!("{what}: {e}"));
        }
    };
    // hashing
    let v = load("hashing.json");
    for c in cases(&v, "sha256") {
        let r = a.ok("sha256", json!({"data": c["input_hex"]}));
        check("sha256".into(), subset_eq(&json!({"digest": c["sha256"]}), &r, "sha256"));
    }
    for c in cases(&v, "tags") {
        let r = a.ok("domain_tag", json!({"name": c["name"]}));
        check("tag".into(), subset_eq(&json!({"tag": c["hex"]}), &r, "tag"));
    }
    for c in cases(&v, "txid") {
        let r = a.ok("txid", json!({"chain_id": c["chain_id"], "transaction": c["tx_hex"]}));
        check("txid".into(), subset_eq(&json!({"preimage": c["preimage_hex"], "txid": c["txid"]}), &r, "txid"));
    }
    for c in cases(&v, "block_id") {
        let r = a.ok("block_id", json!({"header": c["header"]}));
        check("block_id".into(), subset_eq(&json!({"header_body": c["header_body_hex"], "block_id": c["block_id"]}), &r, "block_id"));
    }
    let m = &v["merkle"];
    for r in cases(m, "roots") {
        let n = r["n"].as_u64().unwrap() as usize;
        let leaves: Vec<Value> = m["leaves_hex"].as_array().unwrap()[..n].to_vec();
        let got = a.ok("merkle_root", json!({"leaves": leaves}));
        check(format!("merkle {n}"), subset_eq(&json!({"root": r["root"], "leaf_hashes": m["leaf_hashes"].as_array().unwrap()[..n].to_vec()}), &got, "merkle"));
    }
    for c in cases(m, "no_duplication") {
        let got = a.ok("merkle_root", json!({"leaves": c["leaves_hex"]}));
        check("merkle no_duplication".into(), subset_eq(&json!({"root": c["root"]}), &got, "merkle"));
    }
    // signing
    let v = load("signing.json");
    for c in cases(&v, "keypairs") {
        let r = a.ok("public_key", json!({"seed": c["seed"]}));
        check("public_key".into(), subset_eq(&json!({"public_key": c["public_key"]}), &r, "pk"));
    }
    for c in cases(&v, "ed25519") {
        let r = a.ok("sign", json!({"seed": c["seed"], "message": c["message_hex"]}));
        check("sign".into(), subset_eq(&json!({"signature": c["signature"]}), &r, "sign"));
    }
    for c in cases(&v, "proposals") {
        let r = a.ok("proposal_signing_input", json!({"header": c["header"]}));
        check("proposal si".into(), subset_eq(&json!({"signing_input": c["signing_input_hex"]}), &r, "psi"));
    }
    for c in cases(&v, "votes") {
        let r = a.ok("vote_signing_input", json!({"vote": c["vote"]}));
        check("vote si".into(), subset_eq(&json!({"signing_input": c["signing_input_hex"]}), &r, "vsi"));
    }
    for c in cases(&v, "verify") {
        let r = a.ok("verify", json!({"public_key": c["public_key"], "message": c["message_hex"], "signature": c["signature"]}));
        check(format!("verify {}", c["name"]), subset_eq(&json!({"valid": c["valid"]}), &r, "verify"));
    }
    // encoding
    let v = load("encoding.json");
    for c in cases(&v, "messages") {
        if c.get("hex").is_none() {
            continue; // the 10000-entry certificate, by digest (tests/encoding.rs)
        }
        let name = c["name"].as_str().unwrap().to_string();
        let r = a.call("decode", json!({"type": c["type"], "message": c["hex"]}));
        let Some(okv) = r.get("ok") else {
            check(name, Err(format!("{r}")));
            continue;
        };
        check(name.clone(), subset_eq(&c["fields"], &okv["fields"], "fields"));
        // encode the vector's fields, or (abbreviated body sketch) our own decoded fields
        let f = if c["type"] == "body_sketch" { okv["fields"].clone() } else { c["fields"].clone() };
        let e = a.call("encode", json!({"type": c["type"], "fields": f}));
        check(name, subset_eq(&json!({"ok": {"message": c["hex"]}}), &e, "encode"));
    }
    // rejections (those given by hex)
    let v = load("rejections.json");
    for c in cases(&v, "cases") {
        if c.get("hex").is_none() {
            continue;
        }
        let r = a.call("decode", json!({"type": c["decode_as"], "message": c["hex"]}));
        check(format!("rejection {}", c["name"]), subset_eq(&json!({"error": c["error"]}), &r, "rejection"));
    }
    // quorum
    let v = load("quorum.json");
    for c in cases(&v, "memberships") {
        let r = a.call("membership", json!({"members": c["members"]}));
        let exp = if c["expected"] == "valid" {
            json!({"ok": {"canonical_keys": c["canonical_keys"], "total_weight": c["total_weight"]}})
        } else {
            json!({"error": c["expected"]})
        };
        check(format!("membership {}", c["name"]), subset_eq(&exp, &r, "membership"));
    }
    for k in ["equal_weights", "weighted"] {
        for c in cases(&v, k) {
            let r = a.ok("quorum_threshold", json!({"total_weight": c["total_weight"]}));
            check(format!("threshold {}", c["total_weight"]), subset_eq(&json!({"threshold": c["threshold"]}), &r, "threshold"));
        }
    }
    for c in cases(&v, "is_quorum") {
        let r = a.ok("is_quorum", json!({"weight": c["weight"], "total_weight": c["total_weight"]}));
        check(format!("is_quorum {c}"), subset_eq(&json!({"quorum": c["quorum"]}), &r, "is_quorum"));
    }
    // block building: the listed mempool and the approvals
    let v = load("block_building.json");
    let c0 = &v["cases"][0];
    let r = a.ok("build_block", json!({"chain_id": v["chain_id"]["hex"], "height": v["height"], "reward": c0["reward"], "members": c0["members"], "mempool": c0["mempool"]}));
    let mut exp = c0["expected"].clone();
    exp["coinbase"] = exp["coinbase_hex"].clone();
    check("build_block".into(), subset_eq(&exp, &r, "build_block"));
    for c in cases(&v, "approvals") {
        let r = a.call("check_body", json!({"chain_id": v["chain_id"]["hex"], "height": v["height"], "reward": c["reward"],
            "members": c0["members"], "mempool": c["checking_node_mempool"], "merkle_root": c["merkle_root"], "body": c["body"]}));
        let exp = if c["expected"].get("holds").is_some() { json!({"ok": {"holds": true}}) } else { json!({"error": c["expected"]["error"]}) };
        check(format!("check_body {}", c["name"]), subset_eq(&exp, &r, "check_body"));
    }
    // vrf
    let v = load("vrf.json");
    for c in cases(&v, "prove") {
        let r = a.ok("vrf_prove", json!({"secret_key": c["sk"], "alpha": c["alpha"]}));
        check(format!("vrf_prove {}", c["name"]), subset_eq(&json!({"public_key": c["pk"], "pi": c["pi"], "beta": c["beta"]}), &r, "prove"));
    }
    for c in cases(&v, "verify") {
        let r = a.call("vrf_verify", json!({"public_key": c["pk"], "alpha": c["alpha"], "pi": c["pi"]}));
        let exp = if c["expected"] == "valid" { json!({"ok": {"beta": c["beta"]}}) } else { json!({"error": c["expected"]}) };
        check(format!("vrf_verify {}", c["name"]), subset_eq(&exp, &r, "verify"));
    }
    // selection
    let v = load("selection.json");
    let props = cases(&v, "proposals");
    for p in props {
        let r = a.ok("proposal_header", json!({"chain_id": v["chain_id"]["hex"], "height": 1, "round": p["round"], "prev_id": v["prev_id"]["hex"],
            "merkle_root": v["merkle_root"], "proposer": p["header"]["proposer"], "midnight_ms": 1735689600000u64}));
        check("proposal_header".into(), subset_eq(&json!({"header": p["header"]}), &r, "header"));
        let r = a.ok("vrf_input", json!({"chain_id": v["chain_id"]["hex"], "height": 1, "round": p["round"], "prev_id": v["prev_id"]["hex"]}));
        check("vrf_input".into(), subset_eq(&json!({"vrf_input": p["vrf_input"]}), &r, "vrf_input"));
    }
    for c in cases(&v, "cases") {
        let list: Vec<Value> = c["arrival_order"].as_array().unwrap().iter().map(|mi| {
            let p = props.iter().find(|p| p["round"] == c["round"] && p["member_index"] == *mi).unwrap();
            json!({"member_index": mi, "block_id": p["block_id"], "vrf_output": p["vrf_output"]})
        }).collect();
        let r = a.ok("select", json!({"policy": c["policy"], "round": c["round"], "proposals": list, "own_member_index": c["own_member_index"]}));
        check(format!("select {c}"), subset_eq(&json!({"chosen_member_index": c["chosen_member_index"]}), &r, "select"));
    }
    // reconciliation
    let v = load("reconciliation.json");
    for c in cases(&v, "estimates") {
        let r = a.ok("estimate_difference", json!({"sample_a": c["sample_a"], "count_a": c["count_a"], "sample_x": c["sample_x"], "count_x": c["count_x"]}));
        check(format!("estimate {}", c["name"]), subset_eq(&json!({"estimate": c["estimate"]}), &r, "estimate"));
    }
    for c in cases(&v, "answers") {
        let r = a.ok("sketch_answer_cells", json!({"difference": c["difference"], "have": c["have"], "block_bytes": c["block_bytes"]}));
        check(format!("answer {c}"), subset_eq(&json!({"cells_per_hash": c["cells_per_hash"]}), &r, "answer"));
    }
    // rounds: every scenario replayed on the adapter's node hosts (adapter.md §3.8, §4)
    let v = load("rounds.json");
    for s in cases(&v, "scenarios") {
        if let Err(e) = common::replay::replay(s, a) {
            fails.push(format!("rounds {}: {e}", s["name"]));
        }
    }
    fails
}

impl common::replay::Driver for Adapter {
    fn create(&mut self, node: usize, config: &Value, seed: &Value, vrf_seed: &Value, mempool: &Value) {
        self.ok("node_create", json!({"node": node, "config": config, "seed": seed, "vrf_seed": vrf_seed, "mempool": mempool}));
    }
    fn event(&mut self, node: usize, now: u64, input: &Value) -> Result<Value, String> {
        let r = self.call("node_event", json!({"node": node, "now_ms": now, "input": input}));
        match (r.get("ok"), r.get("error")) {
            (Some(o), _) => Ok(o.clone()),
            (_, Some(e)) => Err(e.as_str().unwrap().to_string()),
            _ => Err(format!("unsupported: {r}")),
        }
    }
    fn state(&mut self, node: usize) -> Value {
        self.ok("node_state", json!({"node": node}))
    }
}

#[test]
fn correct_build_agrees_with_every_vector() {
    let mut a = Adapter::start(None);
    let fails = run_families(&mut a);
    assert!(fails.is_empty(), "{} divergences:\n{}", fails.len(), fails.join("\n"));
}

#[test]
fn unknown_ops_and_garbage_are_unsupported() {
    let mut a = Adapter::start(None);
    let r = a.call("round_machine", json!({}));
    assert!(r.get("unsupported").is_some());
    let r = a.call("decode", json!({"type": "vote"}));
    assert!(r.get("unsupported").is_some());
    writeln!(a.stdin, "not json").unwrap();
    a.stdin.flush().unwrap();
    let mut line = String::new();
    a.stdout.read_line(&mut line).unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["id"], Value::Null);
    assert!(v.get("unsupported").is_some());
}

/// Every mutant whose MUTANTS.md row says the vectors catch it ("yes" in the column
/// "vectors (tests/adapter.rs)") must diverge from at least one vector; the others are run
/// and reported (several rules of protocol.md §5–§7 are not exercised by the vectors).
#[test]
fn every_mutant_is_caught_by_the_vectors() {
    let doc = include_str!("../MUTANTS.md");
    let expect_caught = |m: &str| {
        let row = doc.lines().find(|l| l.starts_with(&format!("| `{m}` |"))).unwrap_or_else(|| panic!("no row for {m}"));
        let cols: Vec<&str> = row.split(" | ").collect();
        cols.len() >= 5 && cols[3].trim().starts_with("yes")
    };
    let mut missed = Vec::new();
    for m in midnight_interop::mutant::NAMES {
        let mut a = Adapter::start(Some(m));
        let fails = run_families(&mut a);
        match fails.first() {
            Some(f) => eprintln!("mutant {m}: caught, {} divergences, first: {f}", fails.len()),
            None => eprintln!("mutant {m}: not caught by the vectors"),
        }
        if fails.is_empty() && expect_caught(m) {
            missed.push(*m);
        }
    }
    assert!(missed.is_empty(), "mutants MUTANTS.md says the vectors catch pass every vector: {missed:?}");
}

/// The abbreviated vector (the certificate of 10,000 entries) through the adapter: the
/// decoded fields carry its `first_voter`/`last_voter`, and encoding them gives the bytes.
#[test]
fn big_certificate_through_the_adapter() {
    use midnight_interop::{codec::*, sig};
    let v = load("encoding.json");
    let c = v["messages"].as_array().unwrap().iter().find(|m| m.get("hex").is_none()).unwrap();
    let f = &c["fields"];
    let chain_id = a32(&f["chain_id"]);
    let block_id = a32(&f["block_id"]);
    let si = sig::vote_signing_input(&chain_id, 1, 0, STEP_PRECOMMIT, &block_id, true);
    let mut entries: Vec<CertEntry> = (1..=f["count"].as_u64().unwrap() as u32)
        .map(|k| {
            let s = wide_seed(k);
            CertEntry { voter: sig::public_key(&s), signature: sig::sign(&s, &si) }
        })
        .collect();
    entries.sort_by(|a, b| a.voter.cmp(&b.voter));
    let bytes = encode(&Message::Certificate(Certificate { chain_id, height: 1, round: 0, block_id, entries })).unwrap();
    let mut a = Adapter::start(None);
    let r = a.ok("decode", json!({"type": "certificate", "message": h(&bytes)}));
    subset_eq(f, &r["fields"], "fields").unwrap();
    let e = a.ok("encode", json!({"type": "certificate", "fields": r["fields"]}));
    assert_eq!(e["message"].as_str().unwrap(), h(&bytes));
}
