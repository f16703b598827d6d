//! JSON forms of values, as in spec/vectors and spec/adapter.md §2.
use crate::codec::*;
use serde_json::{json, Map, Value};

pub type JResult<T> = Result<T, String>;

pub fn hx(b: &[u8]) -> Value {
    Value::String(hex::encode(b))
}

/// A byte string: a hex string, or `{"size", "sha256", "segments": [{"hex", "repeat"}]}`.
pub fn bytes(v: &Value) -> JResult<Vec<u8>> {
    match v {
        Value::String(s) => hex::decode(s).map_err(|e| format!("bad hex: {e}")),
        Value::Object(o) => {
            let segs = o.get("segments").and_then(|s| s.as_array()).ok_or("byte object without segments")?;
            let mut out = Vec::new();
            if let Some(n) = o.get("size").and_then(|n| n.as_u64()) {
                out.reserve(n as usize);
            }
            for s in segs {
                let h = bytes(s.get("hex").ok_or("segment without hex")?)?;
                let r = s.get("repeat").and_then(|r| r.as_u64()).ok_or("segment without repeat")?;
                for _ in 0..r {
                    out.extend_from_slice(&h);
                }
            }
            if let Some(n) = o.get("size").and_then(|n| n.as_u64()) {
                if n as usize != out.len() {
                    return Err(format!("segments give {} bytes, size says {n}", out.len()));
                }
            }
            if let Some(h) = o.get("sha256").and_then(|h| h.as_str()) {
                if hex::encode(crate::hash::sha256(&out)) != h {
                    return Err("segments do not match sha256".into());
                }
            }
            Ok(out)
        }
        _ => Err("not a byte string".into()),
    }
}

pub fn get<'a>(o: &'a Value, k: &str) -> JResult<&'a Value> {
    o.get(k).ok_or_else(|| format!("missing `{k}`"))
}

pub fn field_bytes(o: &Value, k: &str) -> JResult<Vec<u8>> {
    bytes(get(o, k)?).map_err(|e| format!("`{k}`: {e}"))
}

pub fn arr<const N: usize>(o: &Value, k: &str) -> JResult<[u8; N]> {
    let b = field_bytes(o, k)?;
    b.as_slice().try_into().map_err(|_| format!("`{k}` must be {N} bytes, is {}", b.len()))
}

pub fn uint(o: &Value, k: &str) -> JResult<u64> {
    get(o, k)?.as_u64().ok_or_else(|| format!("`{k}` is not an unsigned integer"))
}

fn u32f(o: &Value, k: &str) -> JResult<u32> {
    u32::try_from(uint(o, k)?).map_err(|_| format!("`{k}` does not fit u32"))
}

fn u16f(o: &Value, k: &str) -> JResult<u16> {
    u16::try_from(uint(o, k)?).map_err(|_| format!("`{k}` does not fit u16"))
}

pub fn list<'a>(o: &'a Value, k: &str) -> JResult<&'a Vec<Value>> {
    get(o, k)?.as_array().ok_or_else(|| format!("`{k}` is not a list"))
}

pub fn bytes_list(o: &Value, k: &str) -> JResult<Vec<Vec<u8>>> {
    list(o, k)?.iter().map(bytes).collect()
}

// ------------------------------------------------------------------ headers

pub fn header_to_json(h: &Header) -> Value {
    json!({
        "version": h.version,
        "chain_id": hx(&h.chain_id),
        "height": h.height,
        "round": h.round,
        "prev_id": hx(&h.prev_id),
        "merkle_root": hx(&h.merkle_root),
        "timestamp_ms": h.timestamp_ms,
        "proposer": hx(&h.proposer),
    })
}

pub fn header_from_json(v: &Value) -> JResult<Header> {
    Ok(Header {
        version: u16f(v, "version")?,
        chain_id: arr(v, "chain_id")?,
        height: uint(v, "height")?,
        round: u32f(v, "round")?,
        prev_id: arr(v, "prev_id")?,
        merkle_root: arr(v, "merkle_root")?,
        timestamp_ms: uint(v, "timestamp_ms")?,
        proposer: arr(v, "proposer")?,
    })
}

// ------------------------------------------------------------------ parts

fn proposal_to_json(p: &Proposal) -> Value {
    json!({
        "header": header_to_json(&p.header),
        "block_id": hx(&p.header.block_id()),
        "signature": hx(&p.signature),
        "vrf_proof": hx(&p.vrf_proof),
    })
}

fn proposal_from_json(v: &Value) -> JResult<Proposal> {
    Ok(Proposal {
        header: header_from_json(get(v, "header")?)?,
        signature: arr(v, "signature")?,
        vrf_proof: arr(v, "vrf_proof")?,
    })
}

fn cert_to_json(c: &Certificate) -> Value {
    let first = c.entries.first().map(|e| hx(&e.voter)).unwrap_or(Value::Null);
    let last = c.entries.last().map(|e| hx(&e.voter)).unwrap_or(Value::Null);
    json!({
        "first_voter": first,
        "last_voter": last,
        "chain_id": hx(&c.chain_id),
        "height": c.height,
        "round": c.round,
        "block_id": hx(&c.block_id),
        "count": c.entries.len(),
        "signatures": c.entries.iter().map(|e| json!({"voter": hx(&e.voter), "signature": hx(&e.signature)})).collect::<Vec<_>>(),
    })
}

fn cert_from_json(v: &Value) -> JResult<Certificate> {
    let entries = list(v, "signatures")?
        .iter()
        .map(|e| Ok(CertEntry { voter: arr(e, "voter")?, signature: arr(e, "signature")? }))
        .collect::<JResult<Vec<_>>>()?;
    if let Some(c) = v.get("count").and_then(|c| c.as_u64()) {
        if c as usize != entries.len() {
            return Err(format!("count {c} but {} signatures", entries.len()));
        }
    }
    Ok(Certificate {
        chain_id: arr(v, "chain_id")?,
        height: uint(v, "height")?,
        round: u32f(v, "round")?,
        block_id: arr(v, "block_id")?,
        entries,
    })
}

fn block_to_json(b: &Block) -> Value {
    json!({
        "header": header_to_json(&b.header),
        "block_id": hx(&b.header.block_id()),
        "signature": hx(&b.signature),
        "tx_count": b.transactions.len(),
        "transactions": b.transactions.iter().map(|t| hx(t)).collect::<Vec<_>>(),
    })
}

fn block_from_json(v: &Value) -> JResult<Block> {
    let transactions = bytes_list(v, "transactions")?;
    if let Some(c) = v.get("tx_count").and_then(|c| c.as_u64()) {
        if c as usize != transactions.len() {
            return Err(format!("tx_count {c} but {} transactions", transactions.len()));
        }
    }
    Ok(Block { header: header_from_json(get(v, "header")?)?, signature: arr(v, "signature")?, transactions })
}

fn polka_to_json(p: &Polka) -> Value {
    json!({"proposal": proposal_to_json(&p.proposal), "polka": cert_to_json(&p.polka)})
}

fn polka_from_json(v: &Value) -> JResult<Polka> {
    Ok(Polka { proposal: proposal_from_json(get(v, "proposal")?)?, polka: cert_from_json(get(v, "polka")?)? })
}

fn step_name(s: u8) -> Value {
    match s {
        STEP_PREVOTE => json!("prevote"),
        STEP_PRECOMMIT => json!("precommit"),
        x => json!(x),
    }
}

fn step_from(v: &Value) -> JResult<u8> {
    match v {
        Value::String(s) if s == "prevote" => Ok(STEP_PREVOTE),
        Value::String(s) if s == "precommit" => Ok(STEP_PRECOMMIT),
        Value::Number(n) => n.as_u64().and_then(|n| u8::try_from(n).ok()).ok_or_else(|| "bad step".to_string()),
        _ => Err("bad step".into()),
    }
}

fn kind_name(k: u8) -> Value {
    match k {
        KIND_SKETCH => json!("sketch"),
        KIND_TRANSACTIONS => json!("transactions"),
        x => json!(x),
    }
}

fn kind_from(v: &Value) -> JResult<u8> {
    match v {
        Value::String(s) if s == "sketch" => Ok(KIND_SKETCH),
        Value::String(s) if s == "transactions" => Ok(KIND_TRANSACTIONS),
        Value::Number(n) => n.as_u64().and_then(|n| u8::try_from(n).ok()).ok_or_else(|| "bad kind".to_string()),
        _ => Err("bad kind".into()),
    }
}

pub fn vote_to_json(v: &Vote) -> Value {
    json!({
        "chain_id": hx(&v.chain_id),
        "height": v.height,
        "round": v.round,
        "step": step_name(v.step),
        "block_id": hx(&v.block_id),
        "approve": v.approve,
        "voter": hx(&v.voter),
        "signature": hx(&v.signature),
    })
}

/// A vote from fields; `signature` may be absent (then zero).
pub fn vote_from_json(v: &Value) -> JResult<Vote> {
    let approve = match get(v, "approve")? {
        Value::Bool(b) => *b,
        Value::Number(n) if n.as_u64() == Some(0) => false,
        Value::Number(n) if n.as_u64() == Some(1) => true,
        _ => return Err("bad approve".into()),
    };
    Ok(Vote {
        chain_id: arr(v, "chain_id")?,
        height: uint(v, "height")?,
        round: u32f(v, "round")?,
        step: step_from(get(v, "step")?)?,
        block_id: arr(v, "block_id")?,
        approve,
        voter: arr(v, "voter")?,
        signature: if v.get("signature").is_some() { arr(v, "signature")? } else { [0u8; 64] },
    })
}

// ------------------------------------------------------------------ messages

pub fn message_to_json(m: &Message) -> Value {
    match m {
        Message::Transaction(t) => json!({"bytes": hx(t)}),
        Message::Masternode(n) => json!({
            "key": hx(&n.key), "vrf_key": hx(&n.vrf_key), "reward_to": hx(&n.reward_to), "weight": n.weight,
        }),
        Message::Header(h) => json!({"header": header_to_json(h), "block_id": hx(&h.block_id())}),
        Message::Proposal(p) => proposal_to_json(p),
        Message::Vote(v) => vote_to_json(v),
        Message::Certificate(c) => cert_to_json(c),
        Message::Block(b) => block_to_json(b),
        Message::Commit(c) => json!({"certificate": cert_to_json(&c.certificate), "block": block_to_json(&c.block)}),
        Message::Reproposal(r) => {
            let out = crate::vrf::proof_to_hash(&r.vrf_proof).map(|b| hx(&b)).unwrap_or(Value::Null);
            json!({
                "round": r.round,
                "reproposer": hx(&r.reproposer),
                "vrf_proof": hx(&r.vrf_proof),
                "vrf_output": out,
                "signing_input_hex": hx(&r.signing_input()),
                "signature": hx(&r.signature),
                "proposal": proposal_to_json(&r.polka.proposal),
                "polka": cert_to_json(&r.polka.polka),
            })
        }
        Message::CommitRequest(c) => json!({
            "chain_id": hx(&c.chain_id), "height": c.height, "requester": hx(&c.requester), "signature": hx(&c.signature),
        }),
        Message::BodyRequest(b) => json!({
            "chain_id": hx(&b.chain_id), "height": b.height, "block_id": hx(&b.block_id),
            "requester": hx(&b.requester), "signature": hx(&b.signature),
        }),
        Message::ReconcileRequest(q) => json!({
            "chain_id": hx(&q.chain_id), "height": q.height, "block_id": hx(&q.block_id),
            "requester": hx(&q.requester), "kind": kind_name(q.kind), "have": q.have,
            "short_ids": q.ids.iter().map(|i| json!(format!("{i:016x}"))).collect::<Vec<_>>(),
            "signature": hx(&q.signature),
        }),
        Message::BodySketch(s) => {
            let mut sk = Vec::with_capacity(4 + s.cells.len());
            sk.extend_from_slice(&s.cells_per_hash.to_be_bytes());
            sk.extend_from_slice(&s.cells);
            json!({
                "chain_id": hx(&s.chain_id), "height": s.height, "block_id": hx(&s.block_id),
                "tx_count": s.tx_count, "cells_per_hash": s.cells_per_hash,
                "sketch_bytes": sk.len(), "sketch": hx(&sk),
            })
        }
        Message::BodyTransactions(b) => json!({
            "chain_id": hx(&b.chain_id), "height": b.height, "block_id": hx(&b.block_id),
            "transactions": b.transactions.iter().map(|t| json!({
                "txid": hx(&crate::hash::txid(&b.chain_id, t)), "hex": hx(t)
            })).collect::<Vec<_>>(),
        }),
        Message::Polka(p) => polka_to_json(p),
    }
}

pub fn message_from_json(t: MsgType, v: &Value) -> JResult<Message> {
    Ok(match t {
        MsgType::Transaction => Message::Transaction(field_bytes(v, "bytes")?),
        MsgType::Masternode => Message::Masternode(masternode_from_json(v)?),
        MsgType::Header => Message::Header(header_from_json(get(v, "header")?)?),
        MsgType::Proposal => Message::Proposal(proposal_from_json(v)?),
        MsgType::Vote => Message::Vote(vote_from_json(v)?),
        MsgType::Certificate => Message::Certificate(cert_from_json(v)?),
        MsgType::Block => Message::Block(block_from_json(v)?),
        MsgType::Commit => Message::Commit(Commit {
            certificate: cert_from_json(get(v, "certificate")?)?,
            block: block_from_json(get(v, "block")?)?,
        }),
        MsgType::Reproposal => Message::Reproposal(Reproposal {
            round: u32f(v, "round")?,
            reproposer: arr(v, "reproposer")?,
            vrf_proof: arr(v, "vrf_proof")?,
            signature: arr(v, "signature")?,
            polka: Polka { proposal: proposal_from_json(get(v, "proposal")?)?, polka: cert_from_json(get(v, "polka")?)? },
        }),
        MsgType::CommitRequest => Message::CommitRequest(CommitRequest {
            chain_id: arr(v, "chain_id")?,
            height: uint(v, "height")?,
            requester: arr(v, "requester")?,
            signature: arr(v, "signature")?,
        }),
        MsgType::BodyRequest => Message::BodyRequest(BodyRequest {
            chain_id: arr(v, "chain_id")?,
            height: uint(v, "height")?,
            block_id: arr(v, "block_id")?,
            requester: arr(v, "requester")?,
            signature: arr(v, "signature")?,
        }),
        MsgType::ReconcileRequest => Message::ReconcileRequest(ReconcileRequest {
            chain_id: arr(v, "chain_id")?,
            height: uint(v, "height")?,
            block_id: arr(v, "block_id")?,
            requester: arr(v, "requester")?,
            kind: kind_from(get(v, "kind")?)?,
            have: u32f(v, "have")?,
            ids: short_ids(get(v, "short_ids")?)?,
            signature: arr(v, "signature")?,
        }),
        MsgType::BodySketch => {
            let sk = field_bytes(v, "sketch")?;
            if sk.len() < 4 {
                return Err("sketch shorter than 4 bytes".into());
            }
            let c = u32::from_be_bytes(sk[0..4].try_into().unwrap());
            if let Some(cph) = v.get("cells_per_hash").and_then(|c| c.as_u64()) {
                if cph != c as u64 {
                    return Err("cells_per_hash differs from the sketch's".into());
                }
            }
            Message::BodySketch(BodySketch {
                chain_id: arr(v, "chain_id")?,
                height: uint(v, "height")?,
                block_id: arr(v, "block_id")?,
                tx_count: u32f(v, "tx_count")?,
                cells_per_hash: c,
                cells: sk[4..].to_vec(),
            })
        }
        MsgType::BodyTransactions => Message::BodyTransactions(BodyTransactions {
            chain_id: arr(v, "chain_id")?,
            height: uint(v, "height")?,
            block_id: arr(v, "block_id")?,
            transactions: list(v, "transactions")?
                .iter()
                .map(|t| match t {
                    Value::Object(_) if t.get("hex").is_some() => field_bytes(t, "hex"),
                    _ => bytes(t),
                })
                .collect::<JResult<Vec<_>>>()?,
        }),
        MsgType::Polka => Message::Polka(polka_from_json(v)?),
    })
}

pub fn short_ids(v: &Value) -> JResult<Vec<u64>> {
    v.as_array()
        .ok_or("short ids are not a list")?
        .iter()
        .map(|s| {
            let s = s.as_str().ok_or("short id is not a string")?;
            if s.len() != 16 {
                return Err(format!("short id `{s}` is not 16 hex digits"));
            }
            u64::from_str_radix(s, 16).map_err(|e| format!("short id `{s}`: {e}"))
        })
        .collect()
}

pub fn masternode_from_json(v: &Value) -> JResult<Masternode> {
    let key = if v.get("key").is_some() { arr(v, "key")? } else { arr(v, "public_key")? };
    Ok(Masternode { key, vrf_key: arr(v, "vrf_key")?, reward_to: arr(v, "reward_to")?, weight: uint(v, "weight")? })
}

pub fn members_from_json(v: &Value) -> JResult<Vec<Masternode>> {
    v.as_array().ok_or("members is not a list")?.iter().map(masternode_from_json).collect()
}

pub fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}
