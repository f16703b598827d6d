//! The adapter of spec/adapter.md (version 2): newline-delimited JSON requests on stdin,
//! one answer line each on stdout.
use midnight_interop::codec::{self, MsgType};
use midnight_interop::json::{self as j, hx, JResult};
use midnight_interop::{block, hash, membership, node, reconcile, selection, sig, vrf};
use serde_json::{json, Value};
use std::io::{BufRead, Write};

const OPS: &[&str] = &[
    "hello",
    "sha256",
    "domain_tag",
    "txid",
    "block_id",
    "merkle_root",
    "public_key",
    "sign",
    "verify",
    "proposal_signing_input",
    "vote_signing_input",
    "decode",
    "encode",
    "membership",
    "quorum_threshold",
    "is_quorum",
    "build_block",
    "check_body",
    "proposal_header",
    "vrf_input",
    "vrf_prove",
    "vrf_verify",
    "select",
    "estimate_difference",
    "sketch_answer_cells",
    "node_create",
    "node_event",
    "node_state",
];

thread_local! {
    /// The node hosts of this session (adapter.md §3.8), by the oracle's number.
    static HOSTS: std::cell::RefCell<std::collections::HashMap<u64, node::Host>> = Default::default();
}

/// What an operation answers.
enum Answer {
    Ok(Value),
    Error(String),
    Unsupported(String),
}

fn validity(t: &[u8]) -> bool {
    t.first() != Some(&0xbd)
}

fn tag_named(name: &str) -> Option<&'static [u8]> {
    hash::TAGS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

fn canonical_members(req: &Value) -> Result<Vec<codec::Masternode>, Answer> {
    let ms = j::members_from_json(j::get(req, "members").map_err(Answer::Unsupported)?).map_err(Answer::Unsupported)?;
    membership::validate(&ms).map_err(|e| Answer::Error(e.to_string()))
}

fn run(op: &str, req: &Value) -> JResult<Answer> {
    Ok(match op {
        "hello" => Answer::Ok(json!({
            "adapter_version": 2,
            "implementation": format!("midnight-interop (Rust, from spec/ alone) {}{}", env!("CARGO_PKG_VERSION"),
                midnight_interop::mutant::current().map(|m| format!(", mutant {m}")).unwrap_or_default()),
            "ops": OPS,
        })),
        "sha256" => Answer::Ok(json!({"digest": hx(&hash::sha256(&j::field_bytes(req, "data")?))})),
        "domain_tag" => {
            let name = j::get(req, "name")?.as_str().ok_or("`name` is not a string")?;
            match tag_named(name) {
                Some(t) => Answer::Ok(json!({"tag": hx(t)})),
                None => Answer::Error("unknown_tag".into()),
            }
        }
        "txid" => {
            let chain: [u8; 32] = j::arr(req, "chain_id")?;
            let tx = j::field_bytes(req, "transaction")?;
            Answer::Ok(json!({"preimage": hx(&hash::txid_preimage(&chain, &tx)), "txid": hx(&hash::txid(&chain, &tx))}))
        }
        "block_id" => {
            let hd = j::header_from_json(j::get(req, "header")?)?;
            Answer::Ok(json!({"header_body": hx(&hd.body()), "block_id": hx(&hd.block_id())}))
        }
        "merkle_root" => {
            let leaves = j::bytes_list(req, "leaves")?;
            let lh: Vec<[u8; 32]> = leaves.iter().map(|l| hash::merkle_leaf(l)).collect();
            Answer::Ok(json!({
                "leaf_hashes": lh.iter().map(|x| hx(x)).collect::<Vec<_>>(),
                "root": hx(&hash::merkle_root_of_leaf_hashes(&lh)),
            }))
        }
        "public_key" => Answer::Ok(json!({"public_key": hx(&sig::public_key(&j::arr(req, "seed")?))})),
        "sign" => {
            let s = sig::sign(&j::arr(req, "seed")?, &j::field_bytes(req, "message")?);
            Answer::Ok(json!({"signature": hx(&s)}))
        }
        "verify" => {
            let pk: [u8; 32] = match j::field_bytes(req, "public_key")?.try_into() {
                Ok(k) => k,
                Err(_) => return Ok(Answer::Ok(json!({"valid": false}))),
            };
            let s: [u8; 64] = match j::field_bytes(req, "signature")?.try_into() {
                Ok(s) => s,
                Err(_) => return Ok(Answer::Ok(json!({"valid": false}))),
            };
            Answer::Ok(json!({"valid": sig::verify(&pk, &j::field_bytes(req, "message")?, &s)}))
        }
        "proposal_signing_input" => {
            let hd = j::header_from_json(j::get(req, "header")?)?;
            Answer::Ok(json!({"signing_input": hx(&hd.signing_input())}))
        }
        "vote_signing_input" => {
            let v = j::vote_from_json(j::get(req, "vote")?)?;
            Answer::Ok(json!({"signing_input": hx(&v.signing_input())}))
        }
        "decode" => {
            let tn = j::get(req, "type")?.as_str().ok_or("`type` is not a string")?;
            let t = MsgType::from_name(tn).ok_or_else(|| format!("unknown message type name `{tn}`"))?;
            let m = j::field_bytes(req, "message")?;
            match codec::decode(&m, t) {
                Ok(msg) => Answer::Ok(json!({"fields": j::message_to_json(&msg)})),
                Err(e) => Answer::Error(e.code.to_string()),
            }
        }
        "encode" => {
            let tn = j::get(req, "type")?.as_str().ok_or("`type` is not a string")?;
            let t = MsgType::from_name(tn).ok_or_else(|| format!("unknown message type name `{tn}`"))?;
            let msg = j::message_from_json(t, j::get(req, "fields")?)?;
            match codec::encode(&msg) {
                Ok(b) => Answer::Ok(json!({"message": hx(&b)})),
                Err(e) => Answer::Error(e.code.to_string()),
            }
        }
        "membership" => match canonical_members(req) {
            Ok(ms) => Answer::Ok(json!({
                "canonical_keys": ms.iter().map(|m| hx(&m.key)).collect::<Vec<_>>(),
                "total_weight": membership::total_weight(&ms),
            })),
            Err(a) => a,
        },
        "quorum_threshold" => Answer::Ok(json!({"threshold": membership::threshold(j::uint(req, "total_weight")?)})),
        "is_quorum" => Answer::Ok(json!({
            "quorum": membership::is_quorum(j::uint(req, "weight")?, j::uint(req, "total_weight")?)
        })),
        "build_block" => {
            let ms = match canonical_members(req) {
                Ok(ms) => ms,
                Err(a) => return Ok(a),
            };
            let chain: [u8; 32] = j::arr(req, "chain_id")?;
            let height = j::uint(req, "height")?;
            let reward = j::uint(req, "reward")?;
            let mempool = j::bytes_list(req, "mempool")?;
            let c = block::build_content(&chain, height, &ms, reward, &mempool, &|_| true);
            let shares = block::reward_shares(&ms, reward);
            let rewards: Vec<Value> = ms
                .iter()
                .enumerate()
                .map(|(i, m)| json!({
                    "member_index": i, "public_key": hx(&m.key), "reward_to": hx(&m.reward_to),
                    "weight": m.weight, "amount": shares[i],
                }))
                .collect();
            let cat: Vec<u8> = c.txids.iter().flatten().copied().collect();
            let mut out = json!({
                "rewards": rewards,
                "coinbase": hx(&c.transactions[0]),
                "coinbase_hex": hx(&c.transactions[0]),
                "tx_count": c.transactions.len(),
                "mempool_bytes": c.mempool_bytes,
                "txids_sha256": hx(&hash::sha256(&cat)),
                "merkle_root": hx(&c.merkle_root),
            });
            if c.transactions.len() <= 4096 {
                out["transactions"] = Value::Array(
                    c.transactions
                        .iter()
                        .zip(&c.txids)
                        .enumerate()
                        .map(|(i, (t, id))| json!({"index": i, "txid": hx(id), "bytes": hx(t)}))
                        .collect(),
                );
            }
            Answer::Ok(out)
        }
        "check_body" => {
            let ms = match canonical_members(req) {
                Ok(ms) => ms,
                Err(a) => return Ok(a),
            };
            let chain: [u8; 32] = j::arr(req, "chain_id")?;
            let height = j::uint(req, "height")?;
            let reward = j::uint(req, "reward")?;
            let root: [u8; 32] = j::arr(req, "merkle_root")?;
            let body = j::bytes_list(req, "body")?;
            // The node's coinbase depends only on the height's inputs; its own mempool is
            // not needed by the checks of protocol.md §3.4.
            let cb = block::coinbase(&chain, height, &ms, reward);
            match block::check_body(&chain, &body, &root, &cb, &validity) {
                Ok(()) => Answer::Ok(json!({"holds": true})),
                Err(e) => Answer::Error(e.to_string()),
            }
        }
        "proposal_header" => {
            let chain: [u8; 32] = j::arr(req, "chain_id")?;
            let height = j::uint(req, "height")?;
            let round = u32::try_from(j::uint(req, "round")?).map_err(|_| "`round` does not fit u32")?;
            let prev: [u8; 32] = j::arr(req, "prev_id")?;
            let root: [u8; 32] = j::arr(req, "merkle_root")?;
            let proposer: [u8; 32] = j::arr(req, "proposer")?;
            let midnight = j::uint(req, "midnight_ms")?;
            let start = block::round_start(midnight, round, 1000, 1000, 1000, 500);
            let hd = block::proposal_header(&chain, height, round, &prev, &root, start, &proposer);
            Answer::Ok(json!({"header": j::header_to_json(&hd), "block_id": hx(&hd.block_id())}))
        }
        "vrf_input" => {
            let chain: [u8; 32] = j::arr(req, "chain_id")?;
            let prev: [u8; 32] = j::arr(req, "prev_id")?;
            let round = u32::try_from(j::uint(req, "round")?).map_err(|_| "`round` does not fit u32")?;
            Answer::Ok(json!({"vrf_input": hx(&hash::vrf_input(&chain, j::uint(req, "height")?, round, &prev))}))
        }
        "vrf_prove" => {
            let sk: [u8; 32] = j::arr(req, "secret_key")?;
            let alpha = j::field_bytes(req, "alpha")?;
            match vrf::prove(&sk, &alpha) {
                Ok(pi) => Answer::Ok(json!({
                    "public_key": hx(&vrf::public_key(&sk)),
                    "pi": hx(&pi),
                    "beta": hx(&vrf::proof_to_hash(&pi).map_err(|e| e.to_string())?),
                })),
                Err(e) => Answer::Error(e.to_string()),
            }
        }
        "vrf_verify" => {
            let pk: [u8; 32] = j::arr(req, "public_key")?;
            let pi: [u8; 80] = j::arr(req, "pi")?;
            let alpha = j::field_bytes(req, "alpha")?;
            match vrf::verify(&pk, &pi, &alpha) {
                Ok(beta) => Answer::Ok(json!({"beta": hx(&beta)})),
                Err(e) => Answer::Error(e.to_string()),
            }
        }
        "select" => {
            let pn = j::get(req, "policy")?.as_str().ok_or("`policy` is not a string")?;
            let policy = match selection::Policy::from_name(pn) {
                Some(p) => p,
                None => return Ok(Answer::Unsupported(format!("unknown policy `{pn}`"))),
            };
            let own = match req.get("own_member_index") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_u64().ok_or("`own_member_index` is not an integer")?),
            };
            let props = j::list(req, "proposals")?;
            let mut cands = Vec::with_capacity(props.len());
            let mut idx = Vec::with_capacity(props.len());
            for (pos, p) in props.iter().enumerate() {
                let mi = j::uint(p, "member_index")?;
                let id: [u8; 32] = j::arr(p, "block_id")?;
                let key = match policy {
                    selection::Policy::LowestHash => id.to_vec(),
                    selection::Policy::Vrf => j::field_bytes(p, "vrf_output")?,
                    selection::Policy::FirstToQuorum => {
                        selection::arrival_key(u32::try_from(pos).unwrap_or(u32::MAX - 1), Some(mi) == own)
                    }
                };
                cands.push((key, id));
                idx.push(mi);
            }
            match selection::pick(&cands) {
                Some(i) => Answer::Ok(json!({"chosen_member_index": idx[i], "chosen_block_id": hx(&cands[i].1)})),
                None => Answer::Ok(json!({"chosen_member_index": Value::Null})),
            }
        }
        "estimate_difference" => {
            let a = j::short_ids(j::get(req, "sample_a")?)?;
            let x = j::short_ids(j::get(req, "sample_x")?)?;
            let d = reconcile::estimate_difference(&a, j::uint(req, "count_a")?, &x, j::uint(req, "count_x")?);
            Answer::Ok(json!({"estimate": d}))
        }
        "sketch_answer_cells" => {
            let c = reconcile::sketch_answer_cells(j::uint(req, "difference")?, j::uint(req, "have")?, j::uint(req, "block_bytes")?);
            Answer::Ok(json!({"cells_per_hash": c}))
        }
        "node_create" => {
            let n = j::uint(req, "node")?;
            let host = node::Host::from_json(req)?;
            HOSTS.with(|h| h.borrow_mut().insert(n, host));
            Answer::Ok(json!({}))
        }
        "node_event" => {
            let n = j::uint(req, "node")?;
            let now = j::uint(req, "now_ms")?;
            let input = j::get(req, "input")?;
            HOSTS.with(|h| match h.borrow_mut().get_mut(&n) {
                None => Answer::Unsupported(format!("no node {n}")),
                Some(host) => match host.event_checked(now, input) {
                    Ok(v) => Answer::Ok(v),
                    Err(node::EventError::Rejected(e)) => Answer::Error(e.to_string()),
                    Err(node::EventError::Malformed(e)) => Answer::Unsupported(e),
                },
            })
        }
        "node_state" => {
            let n = j::uint(req, "node")?;
            HOSTS.with(|h| match h.borrow().get(&n) {
                None => Answer::Unsupported(format!("no node {n}")),
                Some(host) => Answer::Ok(host.state()),
            })
        }
        other => Answer::Unsupported(format!("operation `{other}` is not implemented")),
    })
}

fn answer_line(line: &str) -> Value {
    let req: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return json!({"id": Value::Null, "unsupported": format!("cannot parse the request: {e}")}),
    };
    let id = req.get("id").cloned().unwrap_or(Value::Null);
    if !req.is_object() {
        return json!({"id": id, "unsupported": "the request is not a JSON object"});
    }
    let op = match req.get("op").and_then(|o| o.as_str()) {
        Some(o) => o.to_string(),
        None => return json!({"id": id, "unsupported": "the request has no `op`"}),
    };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&op, &req)));
    match r {
        Ok(Ok(Answer::Ok(v))) => json!({"id": id, "ok": v}),
        Ok(Ok(Answer::Error(e))) => json!({"id": id, "error": e}),
        Ok(Ok(Answer::Unsupported(u))) => json!({"id": id, "unsupported": u}),
        Ok(Err(msg)) => json!({"id": id, "unsupported": format!("cannot read the arguments of `{op}`: {msg}")}),
        Err(_) => json!({"id": id, "unsupported": format!("internal failure in `{op}`")}),
    }
}

fn main() {
    std::panic::set_hook(Box::new(|info| eprintln!("midnight-adapter: {info}")));
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut input = stdin.lock();
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("midnight-adapter: reading stdin: {e}");
                // answer the unreadable line rather than stop
                let mut out = stdout.lock();
                let _ = writeln!(out, "{}", json!({"id": Value::Null, "unsupported": format!("unreadable input: {e}")}));
                let _ = out.flush();
                continue;
            }
        }
        let t = line.trim_end_matches(['\n', '\r']);
        if t.trim().is_empty() {
            continue;
        }
        let ans = answer_line(t);
        let mut out = stdout.lock();
        if writeln!(out, "{}", serde_json::to_string(&ans).unwrap()).is_err() || out.flush().is_err() {
            break;
        }
    }
}
