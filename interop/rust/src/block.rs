//! Block building (protocol.md §3.1-§3.3) and the body checks of approval (§3.4).
use crate::codec::{Header, Masternode, MAX_BLOCK_TRANSACTIONS, MAX_BLOCK_TRANSACTION_BYTES, MAX_TRANSACTION_BYTES};
use crate::hash::{self, Hash};

/// Share of each member, in the canonical order of `members` (which must be canonical).
pub fn reward_shares(members: &[Masternode], reward: u64) -> Vec<u64> {
    let w: u128 = members.iter().map(|m| m.weight as u128).sum();
    let floors: Vec<u64> = members.iter().map(|m| ((reward as u128 * m.weight as u128) / w) as u64).collect();
    let r = reward - floors.iter().sum::<u64>();
    floors.iter().enumerate().map(|(i, f)| f + if (i as u64) < r { 1 } else { 0 }).collect()
}

/// The coinbase bytes (§3.2); `members` in canonical order.
pub fn coinbase(chain_id: &Hash, height: u64, members: &[Masternode], reward: u64) -> Vec<u8> {
    let shares = reward_shares(members, reward);
    let mut v = Vec::with_capacity(63 + 40 * members.len());
    v.extend_from_slice(hash::TAG_COINBASE);
    v.extend_from_slice(chain_id);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&(members.len() as u16).to_be_bytes());
    for (m, s) in members.iter().zip(shares) {
        v.extend_from_slice(&m.reward_to);
        v.extend_from_slice(&s.to_be_bytes());
    }
    v
}

/// The block content: transactions (coinbase first) with their txids, and the Merkle root.
pub struct Content {
    pub transactions: Vec<Vec<u8>>,
    pub txids: Vec<Hash>,
    pub merkle_root: Hash,
    /// the bytes of the kept transactions after the coinbase
    pub mempool_bytes: u64,
}

/// Kept mempool transactions (§3.1), as (txid, bytes), in block order.
pub fn select_transactions<'a>(
    chain_id: &Hash,
    mempool: &'a [Vec<u8>],
    valid: &dyn Fn(&[u8]) -> bool,
) -> Vec<(Hash, &'a [u8])> {
    let mut v: Vec<(Hash, &[u8])> = mempool
        .iter()
        .filter(|t| !t.is_empty() && t.len() <= MAX_TRANSACTION_BYTES as usize && valid(t))
        .map(|t| (hash::txid(chain_id, t), t.as_slice()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v.dedup_by(|a, b| a.0 == b.0);
    let mut total: u64 = 0;
    let mut keep = 0;
    for (i, (_, t)) in v.iter().enumerate() {
        if i as u64 >= MAX_BLOCK_TRANSACTIONS as u64 || total + t.len() as u64 > MAX_BLOCK_TRANSACTION_BYTES {
            break;
        }
        total += t.len() as u64;
        keep = i + 1;
    }
    v.truncate(keep);
    v
}

pub fn build_content(
    chain_id: &Hash,
    height: u64,
    members: &[Masternode],
    reward: u64,
    mempool: &[Vec<u8>],
    valid: &dyn Fn(&[u8]) -> bool,
) -> Content {
    let cb = coinbase(chain_id, height, members, reward);
    let kept = select_transactions(chain_id, mempool, valid);
    let mut transactions = Vec::with_capacity(kept.len() + 1);
    let mut txids = Vec::with_capacity(kept.len() + 1);
    let mut leaf_hashes = Vec::with_capacity(kept.len() + 1);
    txids.push(hash::txid(chain_id, &cb));
    leaf_hashes.push(hash::merkle_leaf(&cb));
    transactions.push(cb);
    let mut mempool_bytes = 0u64;
    for (id, t) in kept {
        txids.push(id);
        leaf_hashes.push(hash::merkle_leaf(t));
        mempool_bytes += t.len() as u64;
        transactions.push(t.to_vec());
    }
    let merkle_root = hash::merkle_root_of_leaf_hashes(&leaf_hashes);
    Content { transactions, txids, merkle_root, mempool_bytes }
}

/// The scheduled start of round r (protocol.md §5.1), saturating.
pub fn round_start(midnight: u64, round: u32, t_c: u64, t_p: u64, t_q: u64, t_inc: u64) -> u64 {
    let r = round as u64;
    let base = t_c.saturating_add(t_p).saturating_add(t_q);
    let a = r.saturating_mul(base);
    // r·(r−1)/2, exact (one factor is even), then times 3·T_inc, saturating.
    let tri = if r % 2 == 0 { (r / 2).saturating_mul(r.saturating_sub(1)) } else { r.saturating_mul((r - 1) / 2) };
    let b = 3u64.saturating_mul(t_inc).saturating_mul(tri);
    midnight.saturating_add(a).saturating_add(b)
}

/// The header of a node's block for a round (§3.3).
pub fn proposal_header(
    chain_id: &Hash,
    height: u64,
    round: u32,
    prev_id: &Hash,
    merkle_root: &Hash,
    round_start_ms: u64,
    proposer: &[u8; 32],
) -> Header {
    let timestamp_ms = if crate::mutant::is("clock-timestamp") {
        // MUTANT: the timestamp is a clock reading.
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
    } else {
        round_start_ms
    };
    Header {
        version: 1,
        chain_id: *chain_id,
        height,
        round,
        prev_id: *prev_id,
        merkle_root: *merkle_root,
        timestamp_ms,
        proposer: *proposer,
    }
}

/// The body checks of §3.4, in order; `coinbase` is the node's own coinbase.
pub fn check_body(
    chain_id: &Hash,
    body: &[Vec<u8>],
    merkle_root: &Hash,
    own_coinbase: &[u8],
    valid: &dyn Fn(&[u8]) -> bool,
) -> Result<(), &'static str> {
    if body.is_empty() {
        return Err("no_coinbase");
    }
    if body[0] != own_coinbase {
        return Err("bad_coinbase");
    }
    let rest = &body[1..];
    if rest.len() > MAX_BLOCK_TRANSACTIONS as usize {
        return Err("too_many_transactions");
    }
    let mut total = 0u64;
    for t in rest {
        if t.is_empty() || t.len() > MAX_TRANSACTION_BYTES as usize {
            return Err("bad_transaction_size");
        }
        total += t.len() as u64;
    }
    if total > MAX_BLOCK_TRANSACTION_BYTES {
        return Err("too_many_bytes");
    }
    let ids: Vec<Hash> = rest.iter().map(|t| hash::txid(chain_id, t)).collect();
    if ids.windows(2).any(|w| w[0] >= w[1]) {
        return Err("not_canonical_order");
    }
    if rest.iter().any(|t| !valid(t)) {
        return Err("invalid_transaction");
    }
    if &hash::merkle_root(body) != merkle_root {
        return Err("bad_merkle_root");
    }
    Ok(())
}
