//! The node host (adapter.md §3.8): one member's node around its round machine
//! (protocol.md §5–§7), heights in a row, the vote journal (journal.md), restart and replay,
//! commit requests and answers. Sans-I/O: every event comes with the clock, and what must be
//! stored, appended to the journal, sent or scheduled comes out as JSON (adapter.md §3.8).
//!
//! Bodies (§5.7) are not fetched: a node holds the body of a block exactly when the block's
//! Merkle root is its own content's (in the vectors every node has the same mempool).
use crate::block::{self, Content};
use crate::codec::{self, Block, CertEntry, Certificate, Commit, CommitRequest, Header, Masternode, Message, Polka, Proposal, Reproposal, Vote};
use crate::hash::{self, Hash};
use crate::json::{self as j, hx};
use crate::membership;
use crate::selection::Policy;
use crate::sig;
use crate::vrf;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const LAST_ROUND: u32 = u32::MAX - 1;
pub const ROUNDS_BEHIND: u32 = 1;
pub const ROUNDS_AHEAD: u32 = 2;
/// §7.3 kMaxCommitReplies: the round machine's cap. The host answers late messages by
/// rule "answer" (§7.5) instead, so it does not use it.
pub const MAX_COMMIT_REPLIES: u32 = 16;
pub const COMMIT_ANSWERS_PER_WINDOW: usize = 4;
pub const MAX_FOREIGN_BODIES: usize = 4;
pub const MAX_BODY_ANSWERS: u32 = 48;
pub const FRAME: usize = 256;
pub const MAX_PAYLOAD: usize = 244;
pub const POLKA_CHUNK: usize = 239;
pub const TAG_JOURNAL: &[u8] = b"midnight/v1/journal\0";

type Err = &'static str;
const ZERO_ID: Hash = [0u8; 32];

/// A scenario's `config` (adapter.md §3.8).
#[derive(Clone)]
pub struct Config {
    pub chain_id: Hash,
    pub genesis_id: Hash,
    pub first_height: u64,
    pub first_midnight_ms: u64,
    pub last_height: u64,
    pub t_c: u64,
    pub t_p: u64,
    pub t_q: u64,
    pub t_inc: u64,
    pub policy: Policy,
    pub reward: u64,
    /// canonical order
    pub members: Vec<Masternode>,
    pub total: u64,
}

fn idhex(v: &Value) -> Result<Hash, String> {
    let x = if v.get("hex").is_some() { &v["hex"] } else { v };
    let b = j::bytes(x)?;
    b.try_into().map_err(|_| "id is not 32 bytes".to_string())
}

impl Config {
    pub fn from_json(c: &Value) -> Result<Config, String> {
        let t = j::get(c, "timing")?;
        let members = j::members_from_json(j::get(c, "members")?)?;
        let members = membership::validate(&members).map_err(|e| e.to_string())?;
        let pn = j::get(c, "policy")?.as_str().ok_or("policy")?;
        Ok(Config {
            chain_id: idhex(j::get(c, "chain_id")?)?,
            genesis_id: idhex(j::get(c, "genesis_id")?)?,
            first_height: j::uint(c, "first_height")?,
            first_midnight_ms: j::uint(c, "first_midnight_ms")?,
            last_height: j::uint(c, "last_height")?,
            t_c: j::uint(t, "collect_ms")?,
            t_p: j::uint(t, "prevote_ms")?,
            t_q: j::uint(t, "precommit_ms")?,
            t_inc: j::uint(t, "increment_ms")?,
            policy: Policy::from_name(pn).ok_or_else(|| format!("unknown policy {pn}"))?,
            reward: j::uint(c, "reward")?,
            total: membership::total_weight(&members),
            members,
        })
    }
    pub fn midnight(&self, h: u64) -> u64 {
        self.first_midnight_ms.saturating_add(h.saturating_sub(self.first_height).saturating_mul(86_400_000))
    }
    pub fn s(&self, h: u64, r: u32) -> u64 {
        block::round_start(self.midnight(h), r, self.t_c, self.t_p, self.t_q, self.t_inc)
    }
    fn step_len(&self, base: u64, r: u32) -> u64 {
        if crate::mutant::is("fixed-step-length") {
            return base; // MUTANT: §5.1 every step of round r is r·T_inc longer
        }
        base.saturating_add((r as u64).saturating_mul(self.t_inc))
    }
    pub fn collect_deadline(&self, h: u64, r: u32) -> u64 {
        self.s(h, r).saturating_add(self.step_len(self.t_c, r))
    }
    pub fn prevote_deadline(&self, h: u64, r: u32) -> u64 {
        self.collect_deadline(h, r).saturating_add(self.step_len(self.t_p, r))
    }
    pub fn round0_len(&self) -> u64 {
        self.t_c.saturating_add(self.t_p).saturating_add(self.t_q)
    }
    /// The highest r with S(r) ≤ now (0 before midnight).
    pub fn round_at(&self, h: u64, now: u64) -> u32 {
        let (mut lo, mut hi) = (0u32, LAST_ROUND);
        if self.s(h, 0) > now {
            return 0;
        }
        while lo < hi {
            let mid = lo + (hi - lo + 1) / 2;
            if self.s(h, mid) <= now {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    }
    pub fn index_of(&self, key: &[u8; 32]) -> Option<usize> {
        self.members.binary_search_by(|m| m.key.cmp(key)).ok()
    }
    fn weight_of<'a>(&self, idx: impl Iterator<Item = &'a usize>) -> u64 {
        idx.map(|&i| self.members[i].weight).sum()
    }
}

/// Why an event gave no `ok`.
#[derive(Debug)]
pub enum EventError {
    /// rejected by the protocol's rules (the `round_errc`/`codec_errc` name); changes nothing
    Rejected(&'static str),
    /// the input could not be read
    Malformed(String),
}

/// What one event asks of the host.
#[derive(Default, Debug)]
pub struct Out {
    pub stored: Vec<Vec<u8>>,
    pub journal_reset: bool,
    pub journal_append: Vec<u8>,
    pub actions: Vec<Action>,
    pub replayed_records: Option<u64>,
}

#[derive(Debug, Clone)]
pub enum Action {
    Broadcast(Vec<u8>),
    Send(usize, Vec<u8>),
    Timer { timer: &'static str, height: u64, round: Option<u32>, at_ms: u64 },
}

impl Out {
    pub fn to_json(&self) -> Value {
        let out: Vec<Value> = self
            .actions
            .iter()
            .map(|a| match a {
                Action::Broadcast(m) => json!({"kind": "broadcast", "message": hx(m)}),
                Action::Send(i, m) => json!({"kind": "send", "member_index": i, "message": hx(m)}),
                Action::Timer { timer, height, round, at_ms } => match round {
                    Some(r) => json!({"kind": "set_timer", "timer": timer, "height": height, "round": r, "at_ms": at_ms}),
                    None => json!({"kind": "set_timer", "timer": timer, "height": height, "at_ms": at_ms}),
                },
            })
            .collect();
        let mut v = json!({
            "stored": self.stored.iter().map(|s| hx(s)).collect::<Vec<_>>(),
            "journal_reset": self.journal_reset,
            "journal_append": hx(&self.journal_append),
            "output": out,
        });
        if let Some(n) = self.replayed_records {
            v["replayed_records"] = json!(n);
        }
        v
    }
}

// ---------------------------------------------------------------------------------------
// The journal (journal.md §2–§3)

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(FRAME);
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    f.extend_from_slice(payload);
    let check = hash::sha256_parts(&[TAG_JOURNAL, &f]);
    f.extend_from_slice(&check[..8]);
    f.resize(FRAME, 0);
    f
}

pub fn vote_record(vote_bytes: &[u8]) -> Vec<u8> {
    let mut p = vec![1u8];
    p.extend_from_slice(vote_bytes);
    frame(&p)
}

pub fn lock_record(height: u64, round: u32, block_id: &Hash) -> Vec<u8> {
    let mut p = vec![2u8];
    p.extend_from_slice(&height.to_be_bytes());
    p.extend_from_slice(&round.to_be_bytes());
    p.extend_from_slice(block_id);
    frame(&p)
}

pub fn polka_record(polka_bytes: &[u8]) -> Vec<u8> {
    let chunks: Vec<&[u8]> = polka_bytes.chunks(POLKA_CHUNK).collect();
    let count = chunks.len() as u16;
    let mut out = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        let mut p = vec![3u8];
        p.extend_from_slice(&(i as u16).to_be_bytes());
        p.extend_from_slice(&count.to_be_bytes());
        p.extend_from_slice(c);
        out.extend_from_slice(&frame(&p));
    }
    out
}

#[derive(Debug, Clone)]
pub enum Record {
    Vote(Vec<u8>),
    Lock(u64, u32, Hash),
    Polka(Vec<u8>),
}

/// Read a journal (journal.md §3): the records and the intact length, or the error
/// (`corrupt_frame` / `bad_record`) with the offset.
pub fn read_journal(j: &[u8]) -> Result<(Vec<Record>, usize), (&'static str, usize)> {
    let (recs, r) = read_journal_prefix(j);
    r.map(|len| (recs, len))
}

/// Read a journal (journal.md §3) as a reader that gives its records in order: every
/// record read before the reader stops, and then the intact length, or the error
/// (`corrupt_frame` / `bad_record`) with the offset. The records before an error are
/// the ones a replay has already given to the machine (journal.md §4.2 "Any error in
/// step 2": they stay restored).
pub fn read_journal_prefix(j: &[u8]) -> (Vec<Record>, Result<usize, (&'static str, usize)>) {
    let mut recs = Vec::new();
    let r = read_frames(j, &mut recs);
    (recs, r)
}

fn read_frames(j: &[u8], recs: &mut Vec<Record>) -> Result<usize, (&'static str, usize)> {
    // Each slot: Ok(Some(payload)) intact, Ok(None) damaged.
    let slot = |i: usize| -> Option<Vec<u8>> {
        let s = &j[i * FRAME..(i + 1) * FRAME];
        let l = u32::from_be_bytes(s[0..4].try_into().unwrap()) as usize;
        if l == 0 || l > MAX_PAYLOAD {
            return None;
        }
        let check = hash::sha256_parts(&[TAG_JOURNAL, &s[..4 + l]]);
        if s[4 + l..12 + l] != check[..8] || s[12 + l..].iter().any(|&b| b != 0) {
            return None;
        }
        Some(s[4..4 + l].to_vec())
    };
    let n_full = j.len() / FRAME;
    let n_slots = (j.len() + FRAME - 1) / FRAME;
    let mut i = 0;
    while i < n_slots {
        let last = i + 1 == n_slots;
        let p = if i < n_full { slot(i) } else { None };
        let p = match p {
            Some(p) => p,
            None => {
                if last {
                    return Ok(i * FRAME);
                }
                return Err(("corrupt_frame", i * FRAME));
            }
        };
        match p[0] {
            1 if p.len() == 177 => {
                if codec::decode(&p[1..], codec::MsgType::Vote).is_err() {
                    return Err(("bad_record", i * FRAME));
                }
                recs.push(Record::Vote(p[1..].to_vec()));
                i += 1;
            }
            2 if p.len() == 45 => {
                let h = u64::from_be_bytes(p[1..9].try_into().unwrap());
                let r = u32::from_be_bytes(p[9..13].try_into().unwrap());
                recs.push(Record::Lock(h, r, p[13..45].try_into().unwrap()));
                i += 1;
            }
            3 if p.len() >= 6 => {
                let start = i;
                let idx = u16::from_be_bytes([p[1], p[2]]);
                let count = u16::from_be_bytes([p[3], p[4]]);
                if idx != 0 || count == 0 {
                    return Err(("bad_record", start * FRAME));
                }
                let mut bytes = p[5..].to_vec();
                let mut cur = p;
                for k in 1..count {
                    if cur.len() != MAX_PAYLOAD {
                        return Err(("bad_record", start * FRAME));
                    }
                    let s = i + k as usize;
                    if s >= n_slots {
                        return Ok(start * FRAME); // torn
                    }
                    let q = if s < n_full { slot(s) } else { None };
                    let q = match q {
                        Some(q) => q,
                        None if s + 1 == n_slots => return Ok(start * FRAME),
                        None => return Err(("corrupt_frame", start * FRAME)),
                    };
                    if q[0] != 3 || q.len() < 6 || u16::from_be_bytes([q[1], q[2]]) != k || u16::from_be_bytes([q[3], q[4]]) != count {
                        return Err(("bad_record", start * FRAME));
                    }
                    bytes.extend_from_slice(&q[5..]);
                    cur = q;
                }
                if codec::decode(&bytes, codec::MsgType::Polka).is_err() {
                    return Err(("bad_record", start * FRAME));
                }
                recs.push(Record::Polka(bytes));
                i += count as usize;
            }
            _ => return Err(("bad_record", i * FRAME)),
        }
    }
    Ok(j.len())
}

// ---------------------------------------------------------------------------------------
// The round machine of one height

#[derive(Clone)]
struct RoundMsg {
    block_id: Hash,
    merkle_root: Hash,
    /// Some(vr) for a re-proposal
    polka_round: Option<u32>,
    rank: Vec<u8>,
    /// the proposal's bytes, or the reproposal's (duplicate detection)
    bytes: Vec<u8>,
}

#[derive(Default)]
struct Tally {
    votes: BTreeMap<usize, Vec<Vote>>,
    approvers: HashMap<Hash, BTreeSet<usize>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    Collect,
    Prevoted,
    Precommitted,
}

struct Decision {
    round: u32,
}

struct Machine {
    h: u64,
    prev_id: Hash,
    content: Content,
    round: u32,
    round_started: bool,
    step: Step,
    msgs: BTreeMap<(u32, usize), RoundMsg>,
    proposals: HashMap<Hash, Proposal>,
    tallies: BTreeMap<(u32, u8), Tally>,
    polkas: BTreeMap<u32, Hash>,
    held: Option<Polka>,
    pending: Option<Polka>,
    lock: Option<(Hash, u32)>,
    lock_polka: Option<Polka>,
    own_votes: HashMap<(u32, u8), Vote>,
    restored: HashMap<(u32, u8), Vote>,
    skip_rounds: Vec<Option<u32>>,
    arrival: u32,
    announced: BTreeSet<u32>,
    decided: Option<Decision>,
    refuse_votes: bool,
    last_ask_ms: Option<u64>,
    /// the highest round of a polka restored from the journal
    restored_polka_round: Option<u32>,
    /// bodies held besides the node's own (rule "hold"), oldest first: (root, transactions)
    bodies: Vec<(Hash, Vec<Vec<u8>>)>,
    /// answers to body requests, per member (rule "serve")
    body_answers: HashMap<usize, u32>,
}

impl Machine {
    /// §4.1: the node holds a body when its root is its own content's or a body it received.
    fn holds(&self, root: &Hash) -> bool {
        *root == self.content.merkle_root || self.bodies.iter().any(|(r, _)| r == root)
    }
    fn body(&self, root: &Hash) -> Option<&Vec<Vec<u8>>> {
        if *root == self.content.merkle_root {
            return Some(&self.content.transactions);
        }
        self.bodies.iter().find(|(r, _)| r == root).map(|(_, t)| t)
    }
    /// Rule "hold": keep a body; a fifth replaces the oldest that is not the body of the
    /// lock, of the held polka or of the pending re-proposal.
    fn hold(&mut self, root: Hash, txs: Vec<Vec<u8>>) {
        if self.bodies.len() >= MAX_FOREIGN_BODIES {
            let keep: Vec<Hash> = [
                self.lock.and_then(|(b, _)| self.proposals.get(&b).map(|p| p.header.merkle_root)),
                self.held.as_ref().map(|p| p.proposal.header.merkle_root),
                self.pending.as_ref().map(|p| p.proposal.header.merkle_root),
            ]
            .into_iter()
            .flatten()
            .collect();
            if let Some(i) = self.bodies.iter().position(|(r, _)| !keep.contains(r)) {
                self.bodies.remove(i);
            }
        }
        self.bodies.push((root, txs));
    }
}

fn m_refuses(m: &Machine) -> bool {
    m.refuse_votes
}

/// A node host.
pub struct Host {
    cfg: Config,
    seed: [u8; 32],
    vrf_seed: [u8; 32],
    key: [u8; 32],
    me: Option<usize>,
    mempool: Vec<Vec<u8>>,
    /// block store: height → (block id, commit bytes)
    store: BTreeMap<u64, (Hash, Vec<u8>)>,
    /// the height being worked on
    h: u64,
    m: Option<Machine>,
    last_journaled_lock: Option<(Hash, u32)>,
    /// rule "answer" (§7.5): per member, its fixed answer window (absent: none opened yet)
    answers: HashMap<usize, AnswerWindow>,
    // per-event scratch
    out: Out,
    /// the votes this event signed (or sent again), with their height (journal.md §4.1)
    signed: Vec<(u64, Vec<u8>)>,
    asked: Vec<(usize, Hash)>,
}

/// Rule "answer" (§7.5): one member's fixed answer window.
#[derive(Clone, Debug)]
struct AnswerWindow {
    /// the node's clock at the answer that opened it
    opened: u64,
    /// the heights answered in it, in order (at most `kCommitAnswersPerWindow`)
    heights: Vec<u64>,
}

impl AnswerWindow {
    /// Open while the clock is in `[opened, opened + len)` (§7.5).
    fn is_open(&self, now: u64, len: u64) -> bool {
        now >= self.opened && now - self.opened < len
    }
}

/// The validity predicate of the vectors (adapter.md §3.8, block_building.json): a
/// transaction is invalid exactly when its first byte is 0xbd.
fn valid_all(t: &[u8]) -> bool {
    t.first() != Some(&0xbd)
}

impl Host {
    pub fn new(cfg: Config, seed: [u8; 32], vrf_seed: [u8; 32], mempool: Vec<Vec<u8>>) -> Host {
        let key = sig::public_key(&seed);
        let me = cfg.index_of(&key);
        let h = cfg.first_height;
        Host {
            cfg,
            seed,
            vrf_seed,
            key,
            me,
            mempool,
            store: BTreeMap::new(),
            h,
            m: None,
            last_journaled_lock: None,
            answers: HashMap::new(),
            out: Out::default(),
            signed: Vec::new(),
            asked: Vec::new(),
        }
    }

    pub fn from_json(req: &Value) -> Result<Host, String> {
        let cfg = Config::from_json(j::get(req, "config")?)?;
        let mempool = j::bytes_list(req, "mempool")?;
        Ok(Host::new(cfg, j::arr(req, "seed")?, j::arr(req, "vrf_seed")?, mempool))
    }

    /// `node_state` (adapter.md §3.8).
    pub fn state(&self) -> Value {
        let (dh, bid) = match self.store.iter().next_back() {
            Some((h, (b, _))) => (*h, json!(hx(b))),
            None => (self.cfg.first_height.saturating_sub(1), Value::Null),
        };
        let lock = match &self.m {
            Some(m) if m.decided.is_none() => match m.lock {
                Some((b, r)) => json!({"held": true, "round": r, "block_id": hx(&b)}),
                None => json!({"held": false}),
            },
            _ => json!({"held": false}),
        };
        json!({"decided_height": dh, "block_id": bid, "lock": lock})
    }

    /// After a restart: true when the journal could not be replayed (journal.md §4.2), so
    /// the node signs nothing at this height.
    pub fn refuses_to_vote(&self) -> bool {
        self.m.as_ref().map_or(false, m_refuses)
    }

    fn prev_id_for(&self, h: u64) -> Hash {
        if h == self.cfg.first_height {
            self.cfg.genesis_id
        } else {
            self.store.get(&(h - 1)).map(|x| x.0).unwrap_or([0; 32])
        }
    }

    fn new_machine(&self, h: u64) -> Machine {
        let content = block::build_content(&self.cfg.chain_id, h, &self.cfg.members, self.cfg.reward, &self.mempool, &valid_all);
        Machine {
            h,
            prev_id: self.prev_id_for(h),
            content,
            round: 0,
            round_started: false,
            step: Step::Collect,
            msgs: BTreeMap::new(),
            proposals: HashMap::new(),
            tallies: BTreeMap::new(),
            polkas: BTreeMap::new(),
            held: None,
            pending: None,
            lock: None,
            lock_polka: None,
            own_votes: HashMap::new(),
            restored: HashMap::new(),
            skip_rounds: vec![None; self.cfg.members.len()],
            arrival: 0,
            announced: BTreeSet::new(),
            decided: None,
            refuse_votes: false,
            last_ask_ms: None,
            restored_polka_round: None,
            bodies: Vec::new(),
            body_answers: HashMap::new(),
        }
    }

    /// `node_event`: Ok(the answer's `ok` object) or Err(the error name).
    pub fn event(&mut self, now: u64, input: &Value) -> Result<Value, String> {
        match self.event_checked(now, input) {
            Ok(v) => Ok(v),
            Err(EventError::Rejected(e)) => Err(e.to_string()),
            Err(EventError::Malformed(e)) => Err(format!("malformed input: {e}")),
        }
    }

    /// `node_event`, telling a rejected event from an input the host cannot read.
    pub fn event_checked(&mut self, now: u64, input: &Value) -> Result<Value, EventError> {
        let r = self.event_inner(now, input);
        r
    }

    fn event_inner(&mut self, now: u64, input: &Value) -> Result<Value, EventError> {
        use EventError::*;
        self.out = Out::default();
        self.asked.clear();
        self.signed.clear();
        let kind = j::get(input, "kind").map_err(Malformed)?.as_str().ok_or(Malformed("kind".into()))?.to_string();
        let r = match kind.as_str() {
            "start" => {
                self.on_start(now);
                Ok(())
            }
            "message" => {
                let b = j::field_bytes(input, "message").map_err(Malformed)?;
                // encoding.md §1, §4: "A receiver that expects one type and gets another known
                // type MUST reject the message (`wrong_message_type`)"; a node receives the
                // network messages only, never a bare transaction (0x01), masternode (0x02),
                // header (0x03) or certificate (0x06). Version and type byte come first.
                if b.len() >= 2 && b[0] == codec::WIRE_VERSION && matches!(b[1], 0x01 | 0x02 | 0x03 | 0x06) {
                    self.out = Out::default();
                    return Err(Rejected("wrong_message_type"));
                }
                match codec::decode_any(&b) {
                    Err(e) => Err(e.code),
                    Ok(msg) => self.on_message(now, msg, &b),
                }
            }
            "timer" => {
                let t = j::get(input, "timer").map_err(Malformed)?.as_str().ok_or(Malformed("timer".into()))?.to_string();
                let h = j::uint(input, "height").map_err(Malformed)?;
                let round = input.get("round").and_then(|v| v.as_u64()).map(|r| r as u32);
                self.on_timer(now, &t, h, round)
            }
            "restart" => {
                let store: Vec<Vec<u8>> = j::bytes_list(input, "block_store").map_err(Malformed)?;
                let journal = j::field_bytes(input, "journal").map_err(Malformed)?;
                // adapter.md §3.8: a replay that fails is answered with its error, yet the
                // node has restarted: `on_restart` leaves the new host state in place (the
                // error path below only drops this event's `out`, which holds nothing a
                // restart releases), so the restart's state survives the error answer.
                self.on_restart(now, &store, &journal)
            }
            k => return Err(Malformed(format!("unsupported input kind {k}"))),
        };
        match r {
            Err(e) => {
                // Only the event's output is dropped; host state is not rolled back here
                // (every other handler must reject before it changes anything). A failed
                // `restart` relies on this: unlike every other error it does not leave the
                // node as it was (adapter.md §3.8), its new state (forgotten, block store
                // adopted, height begun, refusing to sign at this height) stays.
                self.out = Out::default();
                Err(Rejected(e))
            }
            Ok(()) => {
                if kind == "restart" {
                    // a restart signs nothing and appends nothing (journal.md §4.2): a lock
                    // that differs from the last one journaled is journaled by the next step
                    self.signed.clear();
                } else {
                    self.finish_journal();
                }
                Ok(std::mem::take(&mut self.out).to_json())
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // journal writing (journal.md §4.1)

    fn finish_journal(&mut self) {
        // journal.md §4.3: the step that decides a height empties the journal right after
        // storing the commit and appends nothing of the decided height, not even a vote it
        // signed in the same step; no later step journals anything of it. When the next
        // height begins in the same step, what that height's steps journal is appended after
        // the emptying (`journal_reset`, then `journal_append`, adapter.md §3.8).
        if self.m.as_ref().map_or(true, |m| m.decided.is_some()) {
            self.signed.clear();
            return;
        }
        // journal.md §4.2 "Any error in step 2": a node whose replay failed signs nothing at
        // this height, and its lock can only be the one the records read before the error
        // restored; it journals nothing there (not that lock again either: the journal it
        // would append to is not one it can read back; rounds.json
        // `restart_keeps_what_it_read`, the `start` after the failed restart appends nothing).
        if self.m.as_ref().map_or(false, m_refuses) {
            self.signed.clear();
            return;
        }
        // The machine is the undecided height `self.h`: only its votes are journaled (a vote
        // of a height decided in this event, signed before the decision, is dropped), and its
        // lock against `last_journaled_lock`, which a decision and a new height reset.
        let h = self.h;
        self.signed.retain(|(vh, _)| *vh == h);
        let lock = self.m.as_ref().and_then(|m| m.lock);
        let mut app = Vec::new();
        // MUTANT: journal.md / §5.4 the lock and its polka are journaled
        let lock_changed = lock.is_some() && lock != self.last_journaled_lock && !crate::mutant::is("lock-not-journaled");
        if lock_changed {
            if let Some(p) = self.m.as_ref().and_then(|m| m.lock_polka.clone()) {
                app.extend_from_slice(&polka_record(&codec::encode_unchecked(&Message::Polka(p))));
            }
        }
        for (_, v) in &self.signed {
            if crate::mutant::is("journal-skip") {
                break; // MUTANT: journal.md §4.1 every signed vote is journaled before it is sent
            }
            app.extend_from_slice(&vote_record(v));
        }
        if lock_changed {
            let (b, r) = lock.unwrap();
            app.extend_from_slice(&lock_record(self.h, r, &b));
            self.last_journaled_lock = lock;
        }
        self.signed.clear();
        self.out.journal_append = app;
    }

    // -----------------------------------------------------------------------------------
    // heights

    fn on_start(&mut self, now: u64) {
        if self.m.as_ref().map_or(false, |m| m.decided.is_some()) {
            self.next_height(now);
            return;
        }
        if self.h > self.cfg.last_height {
            return;
        }
        if self.m.as_ref().map_or(false, |m| m.round_started) {
            return;
        }
        let mid = self.cfg.midnight(self.h);
        if now < mid {
            self.out.actions.push(Action::Timer { timer: "height_start", height: self.h, round: None, at_ms: mid });
            return;
        }
        self.begin_height(now);
    }

    /// Heights in a row (§7.5): after deciding `h`, begin `h + 1` at its midnight, or at
    /// once if that has passed (unless `h` is the last height).
    fn next_height(&mut self, now: u64) {
        if !self.m.as_ref().map_or(false, |m| m.decided.is_some()) || self.h + 1 > self.cfg.last_height {
            return;
        }
        let mid = self.cfg.midnight(self.h + 1);
        if now < mid {
            self.out.actions.push(Action::Timer { timer: "height_start", height: self.h + 1, round: None, at_ms: mid });
            return;
        }
        self.h += 1;
        self.m = None;
        self.last_journaled_lock = None;
        self.begin_height(now);
    }

    fn begin_height(&mut self, now: u64) {
        if self.m.is_none() {
            let m = self.new_machine(self.h);
            self.m = Some(m);
        }
        let h = self.h;
        // MUTANT: §5.1 a node that begins a height late starts at the round the schedule is in
        let r_clock = if crate::mutant::is("late-start-round-zero") { 0 } else { self.cfg.round_at(h, now) };
        let m = self.m.as_ref().unwrap();
        let r_restored = m.restored.keys().map(|k| k.0).chain(m.restored_polka_round).max().unwrap_or(0);
        // MUTANT: §5.1 a restarted node does not start below the round of a restored vote
        let r = if crate::mutant::is("restart-below-journal-round") { r_clock } else { r_clock.max(r_restored) };
        if m_refuses(self.m.as_ref().unwrap()) {
            // journal.md §4.2: after a replay error no round is started at this height (a
            // commit may still be adopted); adapter.md §3.8: "the `start` that follows sets
            // no timer and sends nothing" (so no commit request either)
            return;
        }
        // rule "ask": a height begun after its round 0 is over
        if now >= self.cfg.s(h, 1) {
            self.ask(now);
        }
        self.start_round(now, r);
        self.run_rules(now);
    }

    fn ask(&mut self, now: u64) {
        let Some(me) = self.me else { return };
        let len = self.cfg.round0_len();
        let m = self.m.as_mut().unwrap();
        if m.decided.is_some() {
            return;
        }
        if let Some(t) = m.last_ask_ms {
            // MUTANT: §7.5 rule "ask": at most one request per round-0 length for one height
            if now < t.saturating_add(len) && !crate::mutant::is("ask-unthrottled") {
                return;
            }
        }
        m.last_ask_ms = Some(now);
        let _ = me;
        let signature = sig::sign(&self.seed, &sig::commit_request_signing_input(&self.cfg.chain_id, self.h));
        let cr = CommitRequest { chain_id: self.cfg.chain_id, height: self.h, requester: self.key, signature };
        self.out.actions.push(Action::Timer { timer: "ask_again", height: self.h, round: None, at_ms: now.saturating_add(len) });
        self.out.actions.push(Action::Broadcast(codec::encode_unchecked(&Message::CommitRequest(cr))));
    }

    fn decide(&mut self, now: u64, height: u64, block_id: Hash, round: u32, commit_bytes: Vec<u8>) {
        self.store.insert(height, (block_id, commit_bytes.clone()));
        if !crate::mutant::is("commit-not-stored") {
            // MUTANT: §7.5 on deciding, the commit is first stored durably in the block store
            self.out.stored.push(commit_bytes);
        }
        self.out.journal_reset = true;
        self.last_journaled_lock = None;
        if let Some(m) = self.m.as_mut() {
            m.decided = Some(Decision { round });
        }
        self.next_height(now);
    }

    // -----------------------------------------------------------------------------------
    // restart (journal.md §4.2)

    /// `restart` (adapter.md §3.8; journal.md §4.2 steps 1 and 2): forget everything, adopt
    /// the block store, begin the next height and replay the journal, starting no round.
    /// Err(the reader's `corrupt_frame` / `bad_record`, or the machine's `round_errc`) when
    /// the replay fails; the node has restarted all the same and refuses to sign at this
    /// height (journal.md §4.2 "Any error in step 2").
    fn on_restart(&mut self, now: u64, store: &[Vec<u8>], journal: &[u8]) -> Result<(), Err> {
        let _ = now;
        self.store.clear();
        self.m = None;
        self.h = self.cfg.first_height;
        self.last_journaled_lock = None;
        self.answers.clear();
        let mut commits: Vec<(u64, Commit, Vec<u8>)> = store
            .iter()
            .filter_map(|b| match codec::decode(b, codec::MsgType::Commit) {
                Ok(Message::Commit(c)) => Some((c.certificate.height, c, b.clone())),
                _ => None,
            })
            .collect();
        commits.sort_by_key(|c| c.0);
        for (hh, c, b) in commits {
            if hh != self.h {
                continue;
            }
            let m = self.new_machine(hh);
            self.m = Some(m);
            if self.check_commit(&c).is_ok() {
                self.store.insert(hh, (c.certificate.block_id, b));
                self.h = hh + 1;
            }
            self.m = None;
        }
        let m = self.new_machine(self.h);
        self.m = Some(m);
        let mut n = 0u64;
        let mut last_lock_record: Option<(Hash, u32)> = None;
        let mut failure: Option<Err> = None;
        // journal.md §4.2: "When the block store already holds the chain's last height there
        // is no height to begin, and the journal is not read" (nothing restored, no error).
        if self.h <= self.cfg.last_height {
            // journal.md §4.2 step 2: the reader gives its records in order and the machine
            // takes each as it comes; on an error (the reader's or the machine's) the records
            // taken before it stay restored ("Any error in step 2"). The machine's refusal
            // of a record comes before any reader error further on.
            let (recs, read) = read_journal_prefix(journal);
            for rec in recs {
                let lock_rec = match &rec {
                    Record::Lock(lh, lr, lb) if *lh == self.h => Some((*lb, *lr)),
                    _ => None,
                };
                let r = self.restore(&rec);
                if let (Ok(true), Some(l)) = (&r, lock_rec) {
                    last_lock_record = Some(l);
                }
                match r {
                    // adapter.md §3.8: `replayed_records` counts every intact record
                    // read, records of other heights (skipped) too
                    Ok(_) => n += 1,
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            if failure.is_none() {
                if let Err((e, _offset)) = read {
                    failure = Some(e);
                }
            }
            if failure.is_some() {
                self.m.as_mut().unwrap().refuse_votes = true;
            }
        }
        // journal.md §4.1: "the last lock journaled" is the last lock record in the journal,
        // not the lock the restored precommits give: when a crash tore the lock record off
        // the end of the step that locked, the next step journals the polka and the lock
        // again (the oracle's simulated run '--nodes 5 --crash 0@238:1337:torn-append
        // --policy lowest-hash --seed 1017'; this replaces the choice of SPEC_GAPS.md F21).
        self.last_journaled_lock = last_lock_record;
        self.out.replayed_records = Some(n);
        match failure {
            // adapter.md §3.8: "A replay that fails ... is answered with the error"
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Restore one journal record: Ok(true) restored, Ok(false) skipped (another height).
    fn restore(&mut self, rec: &Record) -> Result<bool, Err> {
        let h = self.h;
        match rec {
            Record::Vote(b) => {
                let Ok(Message::Vote(v)) = codec::decode(b, codec::MsgType::Vote) else { return Err("bad_record") };
                if v.height != h {
                    return Ok(false);
                }
                if v.voter != self.key {
                    return Err("not_own_vote");
                }
                if v.chain_id != self.cfg.chain_id {
                    return Err("wrong_chain");
                }
                if v.round > LAST_ROUND {
                    return Err("round_out_of_range");
                }
                if !sig::verify(&v.voter, &v.signing_input(), &v.signature) {
                    return Err("bad_signature");
                }
                let me = self.me.ok_or("not_own_vote")?;
                let m = self.m.as_mut().unwrap();
                let k = (v.round, v.step);
                if let Some(o) = m.restored.get(&k) {
                    if o.block_id != v.block_id || o.approve != v.approve {
                        return Err("conflicting_own_vote");
                    }
                    return Ok(true);
                }
                m.restored.insert(k, v.clone());
                m.own_votes.insert(k, v.clone());
                if v.step == codec::STEP_PRECOMMIT && v.approve {
                    let newer = m.lock.map_or(true, |(_, lr)| v.round >= lr);
                    if newer {
                        m.lock = Some((v.block_id, v.round));
                    }
                }
                self.count_vote(me, &v);
                Ok(true)
            }
            Record::Lock(lh, lr, lb) => {
                if *lh != h {
                    return Ok(false);
                }
                let m = self.m.as_mut().unwrap();
                if m.lock != Some((*lb, *lr)) {
                    return Err("lock_without_precommit");
                }
                Ok(true)
            }
            Record::Polka(b) => {
                let Ok(Message::Polka(p)) = codec::decode(b, codec::MsgType::Polka) else { return Err("bad_record") };
                if p.polka.height != h {
                    return Ok(false);
                }
                self.receive_polka(&p, true)?;
                let m = self.m.as_mut().unwrap();
                m.restored_polka_round = Some(m.restored_polka_round.map_or(p.polka.round, |x| x.max(p.polka.round)));
                if let Some((lb, lr)) = m.lock {
                    if lb == p.polka.block_id && lr == p.polka.round {
                        m.lock_polka = Some(p.clone());
                    }
                }
                // a polka restored before its precommit: keep it for the lock that follows
                if m.lock_polka.is_none() {
                    m.lock_polka = Some(p);
                }
                Ok(true)
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // rounds

    fn window(&self) -> (u32, u32) {
        let m = self.m.as_ref().unwrap();
        let r = m.round;
        (r.saturating_sub(ROUNDS_BEHIND), r.saturating_add(ROUNDS_AHEAD))
    }

    fn holds_body(&self, root: &Hash) -> bool {
        self.m.as_ref().unwrap().holds(root)
    }

    fn start_round(&mut self, now: u64, r: u32) {
        let _ = now;
        let h = self.h;
        {
            let m = self.m.as_mut().unwrap();
            m.round = r;
            m.round_started = true;
            m.step = Step::Collect;
        }
        // the polka of a round leaving the window is taken as the held polka before the
        // round's tallies are forgotten
        self.update_held();
        {
            let m = self.m.as_mut().unwrap();
            let lo = r.saturating_sub(ROUNDS_BEHIND);
            m.msgs.retain(|k, _| k.0 >= lo);
            m.tallies.retain(|k, _| k.0 >= lo);
            m.polkas.retain(|k, _| *k >= lo);
            // §5.1 Window: "of earlier rounds it keeps only its held polka ..., and when it
            // moves to a later round it forgets everything else of the rounds that leave the
            // window": a proposal (header) stored or carried only by rounds below the window
            // is forgotten too, so a polka of a later round for that block finds no body held
            // (the oracle's simulated run '--nodes 7 --byzantine 1 --byzantine-mode bad-body
            // --drop 0.18 --partition 1@1934-9040 --seed 1033', node 1 at 9687 ms). The
            // lock's, held and pending polkas keep theirs.
            let mut keep: BTreeSet<Hash> = m.msgs.values().map(|x| x.block_id).collect();
            keep.extend(m.polkas.values().copied());
            keep.extend(m.held.as_ref().map(|p| p.polka.block_id));
            keep.extend(m.pending.as_ref().map(|p| p.polka.block_id));
            keep.extend(m.lock_polka.as_ref().map(|p| p.polka.block_id));
            keep.extend(m.lock.map(|l| l.0));
            m.proposals.retain(|b, _| keep.contains(b));
            // a restored lock whose polka is above the held one
            if let (Some((_, lr)), Some(lp)) = (m.lock, m.lock_polka.clone()) {
                if m.held.as_ref().map_or(true, |hp| hp.polka.round < lr) && lp.polka.round < r {
                    if m.holds(&lp.proposal.header.merkle_root) {
                        m.held = Some(lp);
                    } else {
                        m.pending = Some(lp);
                    }
                }
            }
        }
        // rule "fetch" at the round start: the pending re-proposal, and the polkas of the
        // window whose proposal is known and whose body is not held
        let mut wanted: Vec<(Hash, usize)> = Vec::new();
        {
            let m = self.m.as_ref().unwrap();
            if let Some(pp) = &m.pending {
                let b = pp.polka.block_id;
                if let Some(pi) = self.cfg.index_of(&pp.proposal.header.proposer) {
                    wanted.push((b, pi));
                }
                if let Some(first) = pp.polka.entries.first().and_then(|e| self.cfg.index_of(&e.voter)) {
                    wanted.push((b, first));
                }
            }
            for b in m.polkas.values() {
                if let Some(p) = m.proposals.get(b) {
                    if !m.holds(&p.header.merkle_root) {
                        if let Some(pi) = self.cfg.index_of(&p.header.proposer) {
                            wanted.push((*b, pi));
                        }
                    }
                }
            }
        }
        for (b, to) in wanted {
            self.fetch(b, to);
        }
        // Propose
        if let Some(me) = self.me {
            let m = self.m.as_ref().unwrap();
            let msg_bytes;
            let rm;
            let vin = hash::vrf_input(&self.cfg.chain_id, h, r, &m.prev_id);
            let proof = vrf::prove(&self.vrf_seed, &vin).expect("vrf prove");
            let out = vrf::proof_to_hash(&proof).expect("vrf output");
            // MUTANT: §5.4 Propose: with a held polka the node MUST send a reproposal, no proposal
            if let Some(hp) = m.held.clone().filter(|hp| hp.polka.round < r && !crate::mutant::is("no-reproposal")) {
                let bid = hp.proposal.header.block_id();
                let si = sig::reproposal_signing_input(&self.cfg.chain_id, h, r, &self.key, &bid, hp.polka.round);
                let rp = Reproposal { round: r, reproposer: self.key, vrf_proof: proof, signature: sig::sign(&self.seed, &si), polka: hp.clone() };
                msg_bytes = codec::encode_unchecked(&Message::Reproposal(rp));
                let rank = match self.cfg.policy {
                    Policy::Vrf => out.to_vec(),
                    Policy::LowestHash => bid.to_vec(),
                    Policy::FirstToQuorum => crate::selection::arrival_key(0, true),
                };
                rm = RoundMsg { block_id: bid, merkle_root: hp.proposal.header.merkle_root, polka_round: Some(hp.polka.round), rank, bytes: msg_bytes.clone() };
            } else {
                let hd = block::proposal_header(&self.cfg.chain_id, h, r, &m.prev_id, &m.content.merkle_root, self.cfg.s(h, r), &self.key);
                let bid = hd.block_id();
                let signature = sig::sign(&self.seed, &hd.signing_input());
                let p = Proposal { header: hd.clone(), signature, vrf_proof: proof };
                msg_bytes = codec::encode_unchecked(&Message::Proposal(p.clone()));
                let rank = match self.cfg.policy {
                    Policy::Vrf => out.to_vec(),
                    Policy::LowestHash => bid.to_vec(),
                    Policy::FirstToQuorum => crate::selection::arrival_key(0, true),
                };
                rm = RoundMsg { block_id: bid, merkle_root: hd.merkle_root, polka_round: None, rank, bytes: msg_bytes.clone() };
                self.m.as_mut().unwrap().proposals.insert(bid, p);
            }
            let m = self.m.as_mut().unwrap();
            m.msgs.insert((r, me), rm);
            m.skip_rounds[me] = Some(m.skip_rounds[me].map_or(r, |x| x.max(r)));
            self.out.actions.push(Action::Broadcast(msg_bytes));
        }
        for (t, at) in [
            ("collect_deadline", self.cfg.collect_deadline(h, r)),
            ("prevote_deadline", self.cfg.prevote_deadline(h, r)),
            ("round_end", self.cfg.s(h, r.saturating_add(1))),
        ] {
            self.out.actions.push(Action::Timer { timer: t, height: h, round: Some(r), at_ms: at });
        }
    }

    /// The held-polka update (rule "valid block").
    fn update_held(&mut self) {
        let m = self.m.as_ref().unwrap();
        let r = m.round;
        let mut best: Option<(u32, Hash)> = None;
        for (&pr, &b) in m.polkas.iter() {
            if pr < r && m.proposals.get(&b).map_or(false, |p| m.holds(&p.header.merkle_root)) {
                if m.held.as_ref().map_or(true, |hp| hp.polka.round < pr) && best.map_or(true, |x| x.0 < pr) {
                    best = Some((pr, b));
                }
            }
        }
        if let Some((pr, b)) = best {
            let p = self.polka_from_tally(pr, &b);
            self.m.as_mut().unwrap().held = Some(p);
        }
        let m = self.m.as_mut().unwrap();
        if let Some(pp) = m.pending.clone() {
            if m.holds(&pp.proposal.header.merkle_root)
                && pp.polka.round < m.round
                && m.held.as_ref().map_or(true, |hp| hp.polka.round < pp.polka.round)
            {
                m.held = Some(pp);
                m.pending = None;
            }
        }
    }

    /// The polka of round `pr` for `b` as this node holds it: the block's proposal and the
    /// approving prevotes for `b` in its round-`pr` tally, in member order.
    fn polka_from_tally(&self, pr: u32, b: &Hash) -> Polka {
        let m = self.m.as_ref().unwrap();
        let mut entries = Vec::new();
        if let Some(t) = m.tallies.get(&(pr, codec::STEP_PREVOTE)) {
            for (&i, vs) in t.votes.iter() {
                if let Some(v) = vs.iter().find(|v| v.approve && v.block_id == *b) {
                    entries.push(CertEntry { voter: self.cfg.members[i].key, signature: v.signature });
                }
            }
        }
        Polka {
            proposal: m.proposals.get(b).cloned().expect("polka's proposal"),
            polka: Certificate { chain_id: self.cfg.chain_id, height: m.h, round: pr, block_id: *b, entries },
        }
    }

    /// Count a verified vote of member `i` (§5.3).
    fn count_vote(&mut self, i: usize, v: &Vote) {
        let total = self.cfg.total;
        let weights: Vec<u64> = self.cfg.members.iter().map(|m| m.weight).collect();
        let m = self.m.as_mut().unwrap();
        let t = m.tallies.entry((v.round, v.step)).or_default();
        let list = t.votes.entry(i).or_default();
        let same = |a: &Vote| a.block_id == v.block_id && a.approve == v.approve;
        // MUTANT: §5.3 third and later different votes of a member change nothing
        if list.iter().any(same) || (list.len() >= 2 && !crate::mutant::is("third-vote-counted")) {
            return;
        }
        list.push(v.clone());
        // MUTANT: §5.3 an equivocator's second approving vote counts toward its block
        let equivocation_dropped = list.len() > 1 && crate::mutant::is("no-equivocation-count");
        // MUTANT: §5.3 only votes with approve = 1 add weight to their block
        if (v.approve || crate::mutant::is("nil-vote-counted")) && !equivocation_dropped {
            let set = t.approvers.entry(v.block_id).or_default();
            set.insert(i);
            let w: u64 = set.iter().map(|&k| weights[k]).sum();
            if v.step == codec::STEP_PREVOTE && membership::is_quorum(w, total) && !m.polkas.contains_key(&v.round) {
                m.polkas.insert(v.round, v.block_id);
                // rule "fetch": a polka for a block whose proposal it has and whose body it lacks
                if let Some(p) = m.proposals.get(&v.block_id) {
                    if !m.holds(&p.header.merkle_root) {
                        let proposer = p.header.proposer;
                        if let Some(pi) = self.cfg.index_of(&proposer) {
                            self.fetch(v.block_id, pi);
                        }
                        self.fetch(v.block_id, i);
                    }
                }
            }
        }
    }

    fn record_skip(&mut self, i: usize, r: u32) {
        let m = self.m.as_mut().unwrap();
        m.skip_rounds[i] = Some(m.skip_rounds[i].map_or(r, |x| x.max(r)));
    }

    /// Rule "skip" (§5.5).
    fn apply_skip(&mut self, now: u64) {
        let m = self.m.as_ref().unwrap();
        if m.decided.is_some() || !m.round_started || crate::mutant::is("no-skip") {
            return; // MUTANT (no-skip): §5.5 rule "skip" MUST start round t
        }
        let mut rs: Vec<(u32, u64)> = m
            .skip_rounds
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.map(|r| (r, self.cfg.members[i].weight)))
            .collect();
        rs.sort_by(|a, b| b.0.cmp(&a.0));
        let mut w = 0u64;
        let mut t = None;
        for (r, wt) in rs {
            w += wt;
            // MUTANT: §5.5 the members at round t or later hold more than a third of the weight
            if 3 * (w as u128) > self.cfg.total as u128 || crate::mutant::is("skip-on-one-message") {
                t = Some(r);
                break;
            }
        }
        if let Some(t) = t {
            if t > m.round {
                self.start_round(now, t);
            }
        }
    }

    fn header_checks(&self, hd: &Header) -> Result<(), Err> {
        let m = self.m.as_ref().unwrap();
        if hd.version != 1 {
            return Err("bad_header_version");
        }
        if hd.chain_id != self.cfg.chain_id {
            return Err("wrong_chain");
        }
        if hd.height != m.h {
            return Err("wrong_height");
        }
        if hd.round > LAST_ROUND {
            return Err("round_out_of_range");
        }
        if self.cfg.index_of(&hd.proposer).is_none() {
            return Err("not_a_member");
        }
        // MUTANT: §5.2 step 2 prev_id is the height's (wrong_parent)
        if hd.prev_id != m.prev_id && !crate::mutant::is("no-parent-check") {
            return Err("wrong_parent");
        }
        // MUTANT: §5.2 step 2 timestamp_ms = S(round) (wrong_timestamp)
        if hd.timestamp_ms != self.cfg.s(m.h, hd.round) && !crate::mutant::is("no-timestamp-check") {
            return Err("wrong_timestamp");
        }
        Ok(())
    }

    fn cert_valid(&self, c: &Certificate, step: u8) -> bool {
        if c.chain_id != self.cfg.chain_id || hash::is_zero(&c.block_id) {
            return false;
        }
        let mut idx = Vec::new();
        for (k, e) in c.entries.iter().enumerate() {
            if k > 0 && c.entries[k - 1].voter >= e.voter {
                return false;
            }
            match self.cfg.index_of(&e.voter) {
                Some(i) => idx.push(i),
                None => return false,
            }
        }
        if !membership::is_quorum(self.cfg.weight_of(idx.iter()), self.cfg.total) {
            return false;
        }
        let si = sig::vote_signing_input(&c.chain_id, c.height, c.round, step, &c.block_id, true);
        c.entries.iter().all(|e| sig::verify(&e.voter, &si, &e.signature))
    }

    /// A message of a height the host has decided and left (§7.5 "Heights in a row"), or a
    /// proposal or vote of a later height: a proposal or vote is only authenticated (§7.5
    /// "Answering": `bad_signature` when its signer is no member, its chain not ours or its
    /// signature false), then answered by rule "answer" (a decided height, a round above the
    /// decision's, under the per-member budget) or noted (a later height: rule "ask"); a
    /// polka or re-proposal of a decided height is rejected `wrong_height` (§5.4 "Receiving a
    /// re-proposal" step 4) after its checks that do not depend on the height.
    fn on_left_height(&mut self, now: u64, msg: &Message, height: u64) -> Result<(), Err> {
        let (key, si, s, mr) = match msg {
            // §7.5 "Answering": a proposal or vote of a height other than the one being
            // decided is only authenticated (member, chain, signature: `bad_signature` for
            // any), then answered (a height decided and left) or noted (a later height).
            Message::Proposal(p) => {
                let hd = &p.header;
                if hd.version != 1 {
                    return Err("bad_header_version");
                }
                if hd.chain_id != self.cfg.chain_id || self.cfg.index_of(&hd.proposer).is_none() {
                    return Err("bad_signature");
                }
                (hd.proposer, hd.signing_input(), p.signature, hd.round)
            }
            Message::Vote(v) => {
                if v.chain_id != self.cfg.chain_id || self.cfg.index_of(&v.voter).is_none() {
                    return Err("bad_signature");
                }
                (v.voter, v.signing_input(), v.signature, v.round)
            }
            Message::Reproposal(rp) => {
                if rp.round > LAST_ROUND {
                    return Err("round_out_of_range");
                }
                if self.cfg.index_of(&rp.reproposer).is_none() {
                    return Err("not_a_member");
                }
                let hd = &rp.polka.proposal.header;
                if hd.version != 1 {
                    return Err("bad_header_version");
                }
                if hd.chain_id != self.cfg.chain_id {
                    return Err("wrong_chain");
                }
                return Err("wrong_height");
            }
            Message::Polka(p) => {
                let hd = &p.proposal.header;
                if hd.version != 1 {
                    return Err("bad_header_version");
                }
                if hd.chain_id != self.cfg.chain_id {
                    return Err("wrong_chain");
                }
                return Err("wrong_height");
            }
            _ => return Ok(()),
        };
        if !sig::verify(&key, &si, &s) {
            return Err("bad_signature");
        }
        if height > self.h {
            // A later height: the others have decided ours (rule "ask", a SHOULD).
            self.ask(now);
            return Ok(());
        }
        let x = self.cfg.index_of(&key).unwrap();
        if crate::mutant::is("no-commit-answer") {
            return Ok(()); // MUTANT: §7.3/§7.5 a valid late proposal or vote is answered with the commit
        }
        // §7.3: "A message of the decision's round ... shows nothing": only a message of a
        // round higher than the decision's is answered (rounds.json `all_delivered` seq 36;
        // SPEC_GAPS.md G.1).
        // MUTANT (commit-answer-same-round): also answers a message of the decision's round
        let dr = self.decision_round(height);
        if mr > dr || (crate::mutant::is("commit-answer-same-round") && mr == dr) {
            self.answer_from_store(now, x, height);
        }
        Ok(())
    }

    /// The round of the decision of a stored height (its certificate's round).
    fn decision_round(&self, height: u64) -> u32 {
        if let Some(Some(d)) = self.m.as_ref().filter(|m| m.h == height).map(|m| m.decided.as_ref()) {
            return d.round;
        }
        match self.store.get(&height).map(|(_, c)| codec::decode(c, codec::MsgType::Commit)) {
            Some(Ok(Message::Commit(c))) => c.certificate.round,
            _ => 0,
        }
    }

    /// Rule "answer" (§7.5), within the per-member budget: fixed (not sliding) windows of
    /// one round-0 length, at most `kCommitAnswersPerWindow` answers per window, each of a
    /// different height.
    fn answer_from_store(&mut self, now: u64, x: usize, height: u64) {
        let Some((_, bytes)) = self.store.get(&height).cloned() else { return };
        if Some(x) == self.me {
            return;
        }
        let len = self.cfg.round0_len();
        // §7.5: "a member's window opens at the first answer due to it (at `now`) when it has
        // no window open, and is open while the node's clock is in [opened, opened + T_c +
        // T_p + T_q); an answer due when that has passed (or when the clock reads earlier than
        // `opened`) opens a new one." When no window is open the answer is always given, so
        // opening the window here (before the checks) and only on an answer due is the same.
        let w = self.answers.entry(x).or_insert(AnswerWindow { opened: now, heights: Vec::new() });
        if !w.is_open(now, len) {
            *w = AnswerWindow { opened: now, heights: Vec::new() };
        }
        // §7.5: "Within one window a member gets at most 4 answers, each of a different
        // height: a second request or late message of a height already answered in the
        // window is not answered, whatever was answered in between, until the window has
        // passed."
        // MUTANT (unbounded-commit-replies): answers the same height again within the window
        if w.heights.contains(&height) && !crate::mutant::is("unbounded-commit-replies") {
            return;
        }
        // MUTANT: §7.5 at most kCommitAnswersPerWindow answers per member per window
        if w.heights.len() >= COMMIT_ANSWERS_PER_WINDOW && !crate::mutant::is("unbounded-answers") {
            return;
        }
        // Every answer given counts against the window's 4 (a repeat under the mutant too).
        w.heights.push(height);
        self.out.actions.push(Action::Send(x, bytes));
    }

    // -----------------------------------------------------------------------------------
    // messages

    fn on_message(&mut self, now: u64, msg: Message, bytes: &[u8]) -> Result<(), Err> {
        match msg {
            Message::CommitRequest(c) => self.on_commit_request(now, &c),
            Message::Commit(c) => self.on_commit(now, &c, bytes),
            Message::Block(b) => self.on_block(now, b),
            Message::BodyRequest(q) => self.on_body_request(&q),
            Message::ReconcileRequest(q) => self.on_reconcile_request(&q),
            Message::BodySketch(a) => self.on_reconcile_answer(a.chain_id, a.height, &a.block_id),
            Message::BodyTransactions(a) => self.on_reconcile_answer(a.chain_id, a.height, &a.block_id),
            _ => {
                let height = match &msg {
                    Message::Proposal(p) => p.header.height,
                    Message::Vote(v) => v.height,
                    Message::Reproposal(r) => r.polka.proposal.header.height,
                    Message::Polka(p) => p.polka.height,
                    _ => return Ok(()), // bodies and reconciliation: not driven here
                };
                if self.m.is_none() {
                    return Err("not_started");
                }
                // §7.5 "Heights in a row": a host that decided `h` has left it at once (even
                // before `h + 1` begins, and also when `h` is the chain's last height): a
                // message of a decided height is one of a height decided and left.
                let other_height_vote = matches!(msg, Message::Proposal(_) | Message::Vote(_))
                    && height > self.h
                    && !crate::mutant::is("vote-other-height");
                if (height <= self.h && self.store.contains_key(&height)) || other_height_vote {
                    return self.on_left_height(now, &msg, height);
                }
                match msg {
                    Message::Proposal(p) => self.on_proposal(now, p, bytes),
                    Message::Vote(v) => self.on_vote(now, v),
                    Message::Reproposal(r) => self.on_reproposal(now, r, bytes),
                    Message::Polka(p) => {
                        self.receive_polka(&p, false)?;
                        self.run_rules(now);
                        Ok(())
                    }
                    _ => Ok(()),
                }
            }
        }
    }

    /// Check 1 of §5.2 / §5.3 / §5.4: the node has begun the height (`not_started`). A
    /// restarted node has begun it before its round starts (adapter.md §3.8: a message
    /// between `restart` and `start` "is taken as by a node whose height has begun and whose
    /// round has not started"; so is every message after a failed replay), so this is the
    /// machine's existence, not a started round.
    fn begun(&self) -> Result<(), Err> {
        match &self.m {
            Some(_) => Ok(()),
            None => Err("not_started"),
        }
    }

    fn on_proposal(&mut self, now: u64, p: Proposal, bytes: &[u8]) -> Result<(), Err> {
        self.begun()?;
        self.header_checks(&p.header)?;
        let x = self.cfg.index_of(&p.header.proposer).unwrap();
        let r = p.header.round;
        if self.m.as_ref().unwrap().decided.is_some() {
            if !sig::verify(&p.header.proposer, &p.header.signing_input(), &p.signature) {
                return Err("bad_signature");
            }
            // unreachable from the host: a message of a decided height goes to
            // `on_left_height` (§7.5 "Heights in a row"), rule "answer"
            let _ = x;
            return Ok(());
        }
        let (lo, hi) = self.window();
        if r < lo {
            return Err("round_behind_window");
        }
        let own_root = self.m.as_ref().unwrap().content.merkle_root;
        if r <= hi {
            if let Some(st) = self.m.as_ref().unwrap().msgs.get(&(r, x)) {
                if st.polka_round.is_some() {
                    return Err("conflicting_proposal");
                }
                if st.bytes == bytes {
                    return Ok(()); // duplicate
                }
                // MUTANT (no-replace): §5.2 rule "replace" for a proposal with the node's own root
                let replaces = p.header.merkle_root == own_root && st.merkle_root != own_root && !crate::mutant::is("no-replace");
                // MUTANT (proposal-conflict-accepted): §5.2 step 4 one round message per (round, proposer)
                if !replaces && !crate::mutant::is("proposal-conflict-accepted") {
                    return Err("conflicting_proposal");
                }
            }
        }
        // MUTANT: §5.2 step 5 the proposer's signature verifies (bad_signature)
        if !sig::verify(&p.header.proposer, &p.header.signing_input(), &p.signature) && !crate::mutant::is("proposal-unsigned-accepted") {
            return Err("bad_signature");
        }
        let mut rank = p.header.block_id().to_vec();
        if self.cfg.policy == Policy::Vrf {
            match vrf::verify(&self.cfg.members[x].vrf_key, &p.vrf_proof, &p.header.vrf_input()) {
                Ok(b) => rank = b.to_vec(),
                // MUTANT: §5.2 step 6 / §4.4 under policy B the VRF proof verifies (bad_vrf_proof)
                Err(_) if crate::mutant::is("vrf-unverified") => rank = vrf::proof_to_hash(&p.vrf_proof).map(|b| b.to_vec()).unwrap_or(rank),
                Err(_) => return Err("bad_vrf_proof"),
            }
        }
        // §5.5 rule "skip": the proposer's recorded round is that of a proposal the node
        // stored or, above the window, verified.
        self.record_skip(x, r);
        let above = r > hi;
        if above {
            // §5.2: a proposal above the window counts toward the skip and is not stored,
            // "unless the skip brings its round into the window; then it is stored".
            self.apply_skip(now);
            let (_, hi2) = self.window();
            if r > hi2 {
                self.run_rules(now);
                return Ok(());
            }
        }
        let m = self.m.as_mut().unwrap();
        if self.cfg.policy == Policy::FirstToQuorum {
            rank = crate::selection::arrival_key(m.arrival, false);
            m.arrival += 1;
        }
        let bid = p.header.block_id();
        m.msgs.insert((r, x), RoundMsg { block_id: bid, merkle_root: p.header.merkle_root, polka_round: None, rank, bytes: bytes.to_vec() });
        m.proposals.insert(bid, p);
        // §5.7 rule "fetch": asked when it stores the round message
        self.fetch_if_best(r, x);
        if !above {
            // §5.5: "After a proposal, vote or re-proposal, an undecided node in round r
            // ... MUST start the round t": a proposal of the window is stored in its round
            // first (§5.2), then the skip is applied, before the rules of §5.4.
            self.apply_skip(now);
        }
        self.run_rules(now);
        Ok(())
    }

    fn on_vote(&mut self, now: u64, v: Vote) -> Result<(), Err> {
        self.begun()?;
        let m = self.m.as_ref().unwrap();
        if v.chain_id != self.cfg.chain_id {
            return Err("wrong_chain");
        }
        // MUTANT: §5.3 a vote's height is h (wrong_height)
        if v.height != m.h && !crate::mutant::is("vote-other-height") {
            return Err("wrong_height");
        }
        if v.round > LAST_ROUND {
            return Err("round_out_of_range");
        }
        let Some(x) = self.cfg.index_of(&v.voter) else { return Err("not_a_member") };
        let decided = m.decided.is_some();
        let (lo, hi) = self.window();
        // MUTANT: §5.1/§5.3 a vote of a round below the window is rejected (round_behind_window)
        if !decided && v.round < lo && !crate::mutant::is("no-window-check") {
            return Err("round_behind_window");
        }
        if !sig::verify(&v.voter, &v.signing_input(), &v.signature) {
            return Err("bad_signature");
        }
        if decided {
            // unreachable from the host: see `on_left_height` (§7.5 "Heights in a row")
            return Ok(());
        }
        // §5.5 rule "skip": the voter's recorded round is that of a vote the node counted
        // or, above the window, verified.
        self.record_skip(x, v.round);
        if v.round > hi {
            // §5.3: a vote above the window counts toward the skip and is not counted in a
            // tally, "unless the skip brings its round into the window; then it is counted
            // there".
            self.apply_skip(now);
            let (_, hi2) = self.window();
            if v.round > hi2 {
                self.run_rules(now);
                return Ok(());
            }
            self.count_vote(x, &v);
        } else {
            // a vote of the window is counted in its round's tally first (§5.3), then the
            // skip is applied (§5.5, "after a proposal, vote or re-proposal"), so a polka it
            // completes is known before a skip moves the window past its round (and may
            // become the held polka, §5.4).
            self.count_vote(x, &v);
            self.apply_skip(now);
        }
        self.run_rules(now);
        Ok(())
    }

    /// Checks 2–4 of "Receiving a polka".
    fn polka_static_checks(&self, p: &Polka) -> Result<(), Err> {
        self.header_checks(&p.proposal.header)?;
        let m = self.m.as_ref().unwrap();
        let c = &p.polka;
        if c.chain_id != self.cfg.chain_id {
            return Err("wrong_chain");
        }
        if c.height != m.h {
            return Err("wrong_height");
        }
        if c.round > LAST_ROUND {
            return Err("round_out_of_range");
        }
        if c.block_id != p.proposal.header.block_id() || c.round < p.proposal.header.round {
            return Err("bad_polka");
        }
        Ok(())
    }

    /// "Receiving a polka" (§5.4); `restoring`: from the journal (no round started yet).
    fn receive_polka(&mut self, p: &Polka, restoring: bool) -> Result<(), Err> {
        if !restoring {
            self.begun()?;
        }
        self.polka_static_checks(p)?;
        let m = self.m.as_ref().unwrap();
        if m.decided.is_some() {
            return Ok(());
        }
        let b = p.polka.block_id;
        let pr = p.polka.round;
        let (lo, hi) = self.window();
        let known = m.held.as_ref().map_or(false, |hp| hp.polka.block_id == b && hp.polka.round >= pr)
            || (pr >= lo && pr <= hi && m.polkas.get(&pr) == Some(&b) && m.proposals.contains_key(&b))
            || (pr < lo && m.held.as_ref().map_or(false, |hp| hp.polka.round >= pr));
        if known {
            return Ok(());
        }
        let hd = &p.proposal.header;
        if !sig::verify(&hd.proposer, &hd.signing_input(), &p.proposal.signature) {
            return Err("bad_signature");
        }
        // MUTANT: §5.4 "Receiving a polka" step 6: a valid prevote quorum, every signature verified
        let polka_ok = if crate::mutant::is("polka-unverified") {
            p.polka.entries.iter().all(|e| self.cfg.index_of(&e.voter).is_some())
        } else {
            self.cert_valid(&p.polka, codec::STEP_PREVOTE)
        };
        if !polka_ok {
            return Err("bad_polka");
        }
        for e in &p.polka.entries {
            let i = self.cfg.index_of(&e.voter).unwrap();
            self.record_skip(i, pr);
        }
        if !restoring {
            self.apply_skip(0);
        }
        let (lo, hi) = if restoring { (0, u32::MAX) } else { self.window() };
        if pr < lo {
            let m = self.m.as_mut().unwrap();
            if m.holds(&hd.merkle_root) {
                if m.held.as_ref().map_or(true, |hp| hp.polka.round < pr) {
                    m.held = Some(p.clone());
                }
            } else if m.pending.as_ref().map_or(true, |pp| pp.polka.round < pr) {
                m.pending = Some(p.clone());
                if let Some(pi) = self.cfg.index_of(&hd.proposer) {
                    self.fetch(b, pi);
                }
                if let Some(first) = p.polka.entries.first().and_then(|e| self.cfg.index_of(&e.voter)) {
                    self.fetch(b, first);
                }
            }
        } else if pr <= hi {
            for e in &p.polka.entries {
                let i = self.cfg.index_of(&e.voter).unwrap();
                let v = Vote {
                    chain_id: p.polka.chain_id,
                    height: p.polka.height,
                    round: pr,
                    step: codec::STEP_PREVOTE,
                    block_id: b,
                    approve: true,
                    voter: e.voter,
                    signature: e.signature,
                };
                self.count_vote(i, &v);
            }
            self.m.as_mut().unwrap().proposals.entry(b).or_insert_with(|| p.proposal.clone());
        }
        Ok(())
    }

    fn on_reproposal(&mut self, now: u64, rp: Reproposal, bytes: &[u8]) -> Result<(), Err> {
        self.begun()?;
        if rp.round > LAST_ROUND {
            return Err("round_out_of_range");
        }
        let Some(x) = self.cfg.index_of(&rp.reproposer) else { return Err("not_a_member") };
        self.polka_static_checks(&rp.polka)?;
        // MUTANT: §5.4 re-proposal step 3: the polka's round is before the reproposal's round
        if rp.polka.polka.round >= rp.round && !crate::mutant::is("reproposal-polka-round-unchecked") {
            return Err("bad_polka");
        }
        if self.m.as_ref().unwrap().decided.is_some() {
            if !sig::verify(&rp.reproposer, &rp.signing_input(), &rp.signature) {
                return Err("bad_signature");
            }
            return Ok(()); // §7.3: a decided node ignores reproposals
        }
        let (lo, hi) = self.window();
        let r = rp.round;
        if r < lo {
            return Err("round_behind_window");
        }
        let bid = rp.polka.polka.block_id;
        if r <= hi {
            if let Some(st) = self.m.as_ref().unwrap().msgs.get(&(r, x)) {
                if st.polka_round == Some(rp.polka.polka.round) && st.block_id == bid {
                    return Ok(());
                }
                return Err("conflicting_proposal");
            }
        }
        if !sig::verify(&rp.reproposer, &rp.signing_input(), &rp.signature) {
            return Err("bad_signature");
        }
        let mut rank = bid.to_vec();
        if self.cfg.policy == Policy::Vrf {
            let vin = hash::vrf_input(&self.cfg.chain_id, self.h, r, &self.m.as_ref().unwrap().prev_id);
            match vrf::verify(&self.cfg.members[x].vrf_key, &rp.vrf_proof, &vin) {
                Ok(b) => rank = b.to_vec(),
                Err(_) => return Err("bad_vrf_proof"),
            }
        }
        self.receive_polka(&rp.polka, false)?;
        self.record_skip(x, r);
        self.apply_skip(now);
        let (lo, hi) = self.window();
        if r >= lo && r <= hi {
            let m = self.m.as_mut().unwrap();
            if self.cfg.policy == Policy::FirstToQuorum {
                rank = crate::selection::arrival_key(m.arrival, false);
                m.arrival += 1;
            }
            m.msgs.insert(
                (r, x),
                RoundMsg { block_id: bid, merkle_root: rp.polka.proposal.header.merkle_root, polka_round: Some(rp.polka.polka.round), rank, bytes: bytes.to_vec() },
            );
            m.proposals.entry(bid).or_insert_with(|| rp.polka.proposal.clone());
            self.fetch_if_best(r, x);
        }
        self.run_rules(now);
        Ok(())
    }

    /// Rule "fetch" (§5.7, a SHOULD), simplified: always by body request (never by
    /// reconciliation), to one member, at most once per (member, block) per event.
    fn fetch(&mut self, block_id: Hash, to: usize) {
        // MUTANT (no-fetch): §5.7 rule "fetch": ask for a body not held
        if Some(to) == self.me || self.me.is_none() || crate::mutant::is("no-fetch") {
            return;
        }
        let m = self.m.as_ref().unwrap();
        if m.decided.is_some() || m.refuse_votes {
            return;
        }
        if m.proposals.get(&block_id).map_or(false, |p| m.holds(&p.header.merkle_root)) {
            return;
        }
        if self.asked.contains(&(to, block_id)) {
            return;
        }
        self.asked.push((to, block_id));
        let h = m.h;
        let signature = sig::sign(&self.seed, &sig::body_request_signing_input(&self.cfg.chain_id, h, &block_id));
        let q = codec::BodyRequest { chain_id: self.cfg.chain_id, height: h, block_id, requester: self.key, signature };
        self.out.actions.push(Action::Send(to, codec::encode_unchecked(&Message::BodyRequest(q))));
    }

    /// After storing a round message of round `r` from member `x`: fetch its body if it
    /// is one of the two best-ranked stored so far.
    fn fetch_if_best(&mut self, r: u32, x: usize) {
        let Some(st) = self.m.as_ref().unwrap().msgs.get(&(r, x)).cloned() else { return };
        if self.holds_body(&st.merkle_root) {
            return;
        }
        let best = self.ordered_msgs_of(r);
        if best.iter().take(2).any(|b| b.bytes == st.bytes) {
            self.fetch(st.block_id, x);
        }
    }

    /// Rule "hold" (§5.7): a block message received alone is a body.
    fn on_block(&mut self, now: u64, b: Block) -> Result<(), Err> {
        self.begun()?;
        // §7.5 "Heights in a row": a host that decided `h` has left it, so a body of `h` fails
        // rule "hold"'s header check on the height (`wrong_height`, after version and chain).
        if self.m.as_ref().map_or(false, |m| m.decided.is_some()) {
            let hd = &b.header;
            if hd.version != 1 {
                return Err("bad_header_version");
            }
            if hd.chain_id != self.cfg.chain_id {
                return Err("wrong_chain");
            }
            if self.store.contains_key(&hd.height) {
                return Err("wrong_height");
            }
        }
        self.header_checks(&b.header)?;
        let m = self.m.as_ref().unwrap();
        let root = b.header.merkle_root;
        if m.decided.is_some() || m.holds(&root) {
            return Ok(());
        }
        let bid = b.header.block_id();
        // MUTANT: §5.7 rule "hold": a body of no stored proposal is rejected (unsolicited_body)
        if !m.proposals.contains_key(&bid) && m.pending.as_ref().map_or(true, |p| p.polka.block_id != bid) && !crate::mutant::is("hold-unsolicited") {
            return Err("unsolicited_body");
        }
        if !crate::mutant::is("hold-unchecked") {
            // MUTANT: §5.7 rule "hold": the transactions pass §3.4
            block::check_body(&self.cfg.chain_id, &b.transactions, &root, &m.content.transactions[0], &valid_all)?;
        }
        self.m.as_mut().unwrap().hold(root, b.transactions);
        self.run_rules(now);
        Ok(())
    }

    /// Rule "serve" (§5.7) for a body request: answer with the block message.
    fn on_body_request(&mut self, q: &codec::BodyRequest) -> Result<(), Err> {
        let si = sig::body_request_signing_input(&q.chain_id, q.height, &q.block_id);
        let Some((x, blk)) = self.serve_checks(&q.chain_id, q.height, &q.requester, &q.block_id, &si, &q.signature)? else { return Ok(()) };
        self.out.actions.push(Action::Send(x, codec::encode_unchecked(&Message::Block(blk))));
        Ok(())
    }

    /// Rule "serve" (§5.7) for a reconcile request: the checks and the budget of a body
    /// request. Kind sketch is answered with the block message (allowed "when a sketch would
    /// not pay"; this host never sends a sketch, SPEC_GAPS.md G3); kind transactions with the
    /// block's mempool transactions whose short ids it names, in txid order, or nothing.
    fn on_reconcile_request(&mut self, q: &codec::ReconcileRequest) -> Result<(), Err> {
        let si = sig::reconcile_request_signing_input(&q.chain_id, q.height, &q.block_id, q.kind, q.have, &q.ids);
        let Some((x, blk)) = self.serve_checks(&q.chain_id, q.height, &q.requester, &q.block_id, &si, &q.signature)? else { return Ok(()) };
        if q.kind == 1 {
            self.out.actions.push(Action::Send(x, codec::encode_unchecked(&Message::Block(blk))));
            return Ok(());
        }
        let key = crate::sketch::sketch_key(&q.block_id);
        let want: BTreeSet<u64> = q.ids.iter().copied().collect();
        let mut txs: Vec<(Hash, Vec<u8>)> = blk
            .transactions
            .iter()
            .skip(1)
            .map(|t| (hash::txid(&self.cfg.chain_id, t), t.clone()))
            .filter(|(id, _)| want.contains(&key.short_id(id)))
            .collect();
        if txs.is_empty() {
            return Ok(());
        }
        txs.sort_by(|a, b| a.0.cmp(&b.0));
        let bt = codec::BodyTransactions { chain_id: self.cfg.chain_id, height: q.height, block_id: q.block_id, transactions: txs.into_iter().map(|t| t.1).collect() };
        self.out.actions.push(Action::Send(x, codec::encode_unchecked(&Message::BodyTransactions(bt))));
        Ok(())
    }

    /// The checks of rule "serve" (§5.7), in order; counts the answer. Ok(None): accepted,
    /// nothing to send (mutant `no-serve`).
    fn serve_checks(&mut self, chain_id: &Hash, height: u64, requester: &[u8; 32], block_id: &Hash, si: &[u8], signature: &[u8; 64]) -> Result<Option<(usize, Block)>, Err> {
        self.begun()?;
        let m = self.m.as_ref().unwrap();
        if *chain_id != self.cfg.chain_id {
            return Err("wrong_chain");
        }
        if height != m.h {
            return Err("wrong_height");
        }
        let Some(x) = self.cfg.index_of(requester) else { return Err("not_a_member") };
        let blk = match m.proposals.get(block_id).filter(|p| m.holds(&p.header.merkle_root)) {
            Some(p) => Some(Block { header: p.header.clone(), signature: p.signature, transactions: m.body(&p.header.merkle_root).unwrap().clone() }),
            None => self.store.get(&m.h).filter(|(b, _)| b == block_id).and_then(|(_, c)| match codec::decode(c, codec::MsgType::Commit) {
                Ok(Message::Commit(c)) => Some(c.block),
                _ => None,
            }),
        };
        let Some(blk) = blk else { return Err("body_not_held") };
        // MUTANT: §5.7 rule "serve": fewer than kMaxBodyAnswers answers per member (body_answers_spent)
        if m.body_answers.get(&x).copied().unwrap_or(0) >= MAX_BODY_ANSWERS && !crate::mutant::is("unbounded-body-answers") {
            return Err("body_answers_spent");
        }
        if !sig::verify(requester, si, signature) {
            return Err("bad_signature");
        }
        *self.m.as_mut().unwrap().body_answers.entry(x).or_default() += 1;
        if crate::mutant::is("no-serve") {
            return Ok(None); // MUTANT: §5.7 rule "serve": a valid body request is answered with the block
        }
        Ok(Some((x, blk)))
    }

    /// A body sketch or body transactions message (§5.7 rule "reconcile", receiving side).
    /// This host fetches by body request only (rule "fetch" is a SHOULD), so it never has a
    /// reconciliation fetch open; it applies the checks that do not depend on one and then
    /// ignores the answer (SPEC_GAPS.md G3). A height decided and left is `wrong_height`
    /// (§7.5 "Heights in a row").
    fn on_reconcile_answer(&mut self, chain_id: Hash, height: u64, block_id: &Hash) -> Result<(), Err> {
        self.begun()?;
        let m = self.m.as_ref().unwrap();
        if chain_id != self.cfg.chain_id {
            return Err("wrong_chain");
        }
        if height != m.h || m.decided.is_some() {
            return Err("wrong_height");
        }
        if m.proposals.get(block_id).map_or(false, |p| m.holds(&p.header.merkle_root)) {
            return Ok(());
        }
        if !m.proposals.contains_key(block_id) && m.pending.as_ref().map_or(true, |p| p.polka.block_id != *block_id) {
            return Err("unsolicited_body");
        }
        Ok(())
    }

    fn on_commit_request(&mut self, now: u64, c: &CommitRequest) -> Result<(), Err> {
        if c.chain_id != self.cfg.chain_id {
            return Err("wrong_chain");
        }
        let Some(x) = self.cfg.index_of(&c.requester) else { return Err("not_a_member") };
        if !sig::verify(&c.requester, &sig::commit_request_signing_input(&c.chain_id, c.height), &c.signature) {
            return Err("bad_signature");
        }
        if self.store.contains_key(&c.height) {
            self.answer_from_store(now, x, c.height);
        }
        Ok(())
    }

    /// Checks 3–8 of §7.4.
    fn check_commit(&self, c: &Commit) -> Result<(), Err> {
        let hd = &c.block.header;
        self.header_checks(hd)?;
        // MUTANT (commit-round-unchecked): §7.4 step 4 the header's round is at most the certificate's
        if (hd.round > c.certificate.round && !crate::mutant::is("commit-round-unchecked")) || hd.block_id() != c.certificate.block_id {
            return Err("block_mismatch");
        }
        if hash::merkle_root(&c.block.transactions) != hd.merkle_root {
            return Err("bad_merkle_root");
        }
        let m = self.m.as_ref().unwrap();
        let mut own_cb = &m.content.transactions[0];
        if c.block.transactions.is_empty() {
            return Err("bad_coinbase");
        }
        if crate::mutant::is("commit-coinbase-unchecked") {
            own_cb = &c.block.transactions[0]; // MUTANT: §7.4 step 6a the block's coinbase is the node's own
        }
        if &c.block.transactions[0] != own_cb {
            return Err("bad_coinbase");
        }
        if !crate::mutant::is("commit-body-unchecked") {
            // MUTANT: §7.4 step 6b the transactions pass §3.4 steps 3–6
            block::check_body(&self.cfg.chain_id, &c.block.transactions, &hd.merkle_root, own_cb, &valid_all)?;
        }
        if !sig::verify(&hd.proposer, &hd.signing_input(), &c.block.signature) {
            return Err("bad_signature");
        }
        // MUTANT: §7.4 step 8 / §7.1 the certificate is valid (bad_certificate)
        if !crate::mutant::is("adopt-unverified-commit") && !self.cert_valid(&c.certificate, codec::STEP_PRECOMMIT) {
            return Err("bad_certificate");
        }
        Ok(())
    }

    fn on_commit(&mut self, now: u64, c: &Commit, bytes: &[u8]) -> Result<(), Err> {
        if self.m.is_none() {
            return Err("not_started");
        }
        let cert = &c.certificate;
        if cert.chain_id != self.cfg.chain_id {
            return Err("wrong_chain");
        }
        if let Some((b, _)) = self.store.get(&cert.height) {
            if *b == cert.block_id {
                return Ok(());
            }
            if cert.height < self.h {
                if crate::mutant::is("conflicting-commit-accepted") {
                    return Ok(()); // MUTANT: §6 step 5 / §7.4 a decided node MUST reject a commit for another block
                }
                return Err("conflicting_commit");
            }
        }
        if cert.height != self.h {
            return Err("wrong_height");
        }
        if cert.round > LAST_ROUND {
            return Err("round_out_of_range");
        }
        self.check_commit(c)?;
        if self.m.as_ref().unwrap().decided.is_some() {
            if crate::mutant::is("conflicting-commit-accepted") {
                return Ok(()); // MUTANT: §6 step 5 / §7.4 a decided node MUST reject a commit for another block
            }
            return Err("conflicting_commit");
        }
        self.decide(now, self.h, cert.block_id, cert.round, bytes.to_vec());
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // timers

    fn on_timer(&mut self, now: u64, t: &str, h: u64, round: Option<u32>) -> Result<(), Err> {
        match t {
            "height_start" => {
                let decided = self.m.as_ref().map_or(false, |m| m.decided.is_some());
                if decided && h == self.h + 1 {
                    self.next_height(now);
                } else if h == self.h && h <= self.cfg.last_height && self.m.as_ref().map_or(true, |m| !m.round_started && !decided) {
                    self.begin_height(now);
                }
                Ok(())
            }
            "ask_again" => {
                if h == self.h && self.m.as_ref().map_or(false, |m| m.round_started && m.decided.is_none()) {
                    self.ask(now);
                }
                Ok(())
            }
            "collect_deadline" | "prevote_deadline" | "round_end" => {
                let r = round.ok_or("stale_timer")?;
                let Some(m) = self.m.as_ref() else { return Err("stale_timer") };
                if h != m.h || r != m.round || !m.round_started || m.decided.is_some() {
                    return Err("stale_timer");
                }
                match t {
                    "collect_deadline" => {
                        if m.step != Step::Collect {
                            return Err("stale_timer");
                        }
                        self.prevote(now);
                        self.run_rules(now);
                    }
                    "prevote_deadline" => {
                        if m.step == Step::Precommitted && !(m.lock.map_or(false, |l| l.1 == r) && !m.announced.contains(&r)) {
                            return Err("stale_timer");
                        }
                        if m.step == Step::Collect {
                            self.prevote(now);
                            self.run_rules(now);
                        }
                        let m = self.m.as_ref().unwrap();
                        // MUTANT: §5.4 rule "no polka": at the prevote deadline precommit nil
                        if m.decided.is_none() && m.step == Step::Prevoted && !crate::mutant::is("no-nil-precommit") {
                            self.precommit(ZERO_ID, false);
                        }
                        self.announce(r);
                        self.run_rules(now);
                    }
                    _ => {
                        if !crate::mutant::is("no-retry") {
                            // MUTANT: §5.4 AdvanceRound (rule "retry") at the round end
                            self.start_round(now, r.saturating_add(1));
                        }
                        self.ask(now);
                        self.run_rules(now);
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn announce(&mut self, r: u32) {
        let m = self.m.as_ref().unwrap();
        // MUTANT (no-announce): §5.4 rule "announce" at the prevote deadline of the lock round
        if m.decided.is_some() || m.announced.contains(&r) || crate::mutant::is("no-announce") {
            return;
        }
        if let (Some((_, lr)), Some(lp)) = (m.lock, m.lock_polka.clone()) {
            if lr == r {
                self.m.as_mut().unwrap().announced.insert(r);
                self.out.actions.push(Action::Broadcast(codec::encode_unchecked(&Message::Polka(lp))));
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // the steps (§5.4)

    fn sign_vote(&mut self, step: u8, block_id: Hash, approve: bool) -> Option<Vote> {
        let me = self.me?;
        let m = self.m.as_ref().unwrap();
        if m.refuse_votes {
            return None;
        }
        let r = m.round;
        // MUTANT: §5.4 "one vote per step": never sign a second, different vote of a step
        let v = if let Some(v) = m.own_votes.get(&(r, step)).filter(|_| !crate::mutant::is("second-vote-signed")) {
            v.clone()
        } else {
            let mut v = Vote { chain_id: self.cfg.chain_id, height: m.h, round: r, step, block_id, approve, voter: self.key, signature: [0; 64] };
            v.signature = sig::sign(&self.seed, &v.signing_input());
            v
        };
        self.m.as_mut().unwrap().own_votes.insert((r, step), v.clone());
        let b = codec::encode_unchecked(&Message::Vote(v.clone()));
        self.signed.push((v.height, b.clone()));
        self.out.actions.push(Action::Broadcast(b));
        if !crate::mutant::is("own-vote-uncounted") {
            // MUTANT: §5.4 a node counts its own votes in its own tallies as it sends them
            self.count_vote(me, &v);
        }
        Some(v)
    }

    /// The round's leading message: (block id, polka round) of the first stored round-r
    /// message, in message order, whose body the node holds.
    fn ordered_msgs(&self) -> Vec<RoundMsg> {
        self.ordered_msgs_of(self.m.as_ref().unwrap().round)
    }

    fn ordered_msgs_of(&self, r: u32) -> Vec<RoundMsg> {
        let m = self.m.as_ref().unwrap();
        let mut v: Vec<RoundMsg> = m.msgs.range((r, 0)..=(r, usize::MAX)).map(|(_, x)| x.clone()).collect();
        let pol = self.cfg.policy;
        v.sort_by(|a, b| {
            // MUTANT (reproposal-not-first): §4.6 under A and C re-proposals come first, higher polka round first
            let pre = if pol == Policy::Vrf || crate::mutant::is("reproposal-not-first") {
                std::cmp::Ordering::Equal
            } else {
                // re-proposals first, higher polka round first
                let ka = a.polka_round.map(|x| x as i64).unwrap_or(-1);
                let kb = b.polka_round.map(|x| x as i64).unwrap_or(-1);
                kb.cmp(&ka)
            };
            pre.then(a.rank.cmp(&b.rank)).then(a.block_id.cmp(&b.block_id))
        });
        v
    }

    fn prevote(&mut self, _now: u64) {
        // MUTANT (prevote-unheld-body): §4.6 the leading message is the first whose body the node holds
        let lead = self.ordered_msgs().into_iter().find(|x| crate::mutant::is("prevote-unheld-body") || self.holds_body(&x.merkle_root));
        let m = self.m.as_ref().unwrap();
        let (b, approve) = match lead {
            None => (ZERO_ID, false),
            Some(l) => {
                let allowed = match m.lock {
                    None => true,
                    Some((lb, lr)) => {
                        crate::mutant::is("no-lock") // MUTANT: the lock rule dropped
                            || lb == l.block_id
                            || l.polka_round.map_or(false, |vr| vr >= lr)
                    }
                };
                // MUTANT (nil-prevote-zero-id): §5.4 Prevote 3: a forbidden choice is prevoted nil naming the choice
                (if !allowed && crate::mutant::is("nil-prevote-zero-id") { ZERO_ID } else { l.block_id }, allowed)
            }
        };
        self.m.as_mut().unwrap().step = Step::Prevoted;
        self.sign_vote(codec::STEP_PREVOTE, b, approve);
    }

    fn precommit(&mut self, b: Hash, approve: bool) {
        let r = self.m.as_ref().unwrap().round;
        // MUTANT (lock-not-taken): §5.4/§6 a node that precommits B in round r locks on (B, r)
        if approve && !crate::mutant::is("lock-not-taken") {
            let p = self.polka_from_tally(r, &b);
            let m = self.m.as_mut().unwrap();
            m.lock = Some((b, r));
            m.lock_polka = Some(p);
        }
        self.m.as_mut().unwrap().step = Step::Precommitted;
        self.sign_vote(codec::STEP_PRECOMMIT, b, approve);
    }

    /// Apply every rule whose condition holds, until none does.
    fn run_rules(&mut self, now: u64) {
        loop {
            let Some(m) = self.m.as_ref() else { return };
            if m.decided.is_some() {
                return;
            }
            // Finalize: it signs nothing, so a node whose round has not started (restarted,
            // before its `start`, or refusing after a failed replay) applies it too
            // (adapter.md §3.8: it "may decide the height by a precommit quorum it counts").
            // Finalize
            let (lo, hi) = self.window();
            // MUTANT (finalize-current-round-only): §5.4 Finalize: a precommit quorum of ANY round of the window
            let lo = if crate::mutant::is("finalize-current-round-only") { m.round } else { lo };
            let mut fin = None;
            for (&(r, s), t) in m.tallies.range((lo, 0)..=(hi, u8::MAX)) {
                if s != codec::STEP_PRECOMMIT {
                    continue;
                }
                for (b, set) in t.approvers.iter() {
                    if membership::is_quorum(self.cfg.weight_of(set.iter()), self.cfg.total) {
                        if let Some(p) = m.proposals.get(b) {
                            if m.holds(&p.header.merkle_root) {
                                fin = Some((r, *b));
                            }
                        }
                    }
                }
                if fin.is_some() {
                    break;
                }
            }
            if let Some((r, b)) = fin {
                let p = m.proposals.get(&b).unwrap().clone();
                let t = m.tallies.get(&(r, codec::STEP_PRECOMMIT)).unwrap();
                let mut entries = Vec::new();
                for (&i, vs) in t.votes.iter() {
                    if let Some(v) = vs.iter().find(|v| v.approve && v.block_id == b) {
                        entries.push(CertEntry { voter: self.cfg.members[i].key, signature: v.signature });
                    }
                }
                let c = Commit {
                    certificate: Certificate { chain_id: self.cfg.chain_id, height: m.h, round: r, block_id: b, entries },
                    block: Block { header: p.header.clone(), signature: p.signature, transactions: m.body(&p.header.merkle_root).unwrap().clone() },
                };
                let bytes = codec::encode_unchecked(&Message::Commit(c));
                // MUTANT (decision-round-wrong): §7.1/§7.3 the decision's round is the quorum's round r'
                let dr = if crate::mutant::is("decision-round-wrong") { m.round } else { r };
                if crate::mutant::is("broadcast-commit") {
                    // MUTANT: §7.3 on finalizing a node MUST NOT send its commit to anyone unasked
                    self.out.actions.push(Action::Broadcast(bytes.clone()));
                }
                self.decide(now, m.h, b, dr, bytes);
                return;
            }
            if !self.m.as_ref().unwrap().round_started {
                return; // no round: no step to take (Prevote, Precommit)
            }
            self.update_held();
            let m = self.m.as_ref().unwrap();
            let r = m.round;
            let before = m.step;
            // Prevote on the early collect
            // MUTANT (no-early-prevote): §5.4 Prevote earlier as soon as every member's message is in
            if m.step == Step::Collect && !crate::mutant::is("no-early-prevote") {
                let ordered = self.ordered_msgs();
                // MUTANT (no-collect-wait): §5.4 collect: the early prevote needs a round message from every member
                let all = ordered.len() == self.cfg.members.len() || crate::mutant::is("no-collect-wait");
                if all && ordered.first().map_or(false, |x| self.holds_body(&x.merkle_root)) {
                    self.prevote(now);
                }
            }
            // Precommit
            let m = self.m.as_ref().unwrap();
            if m.step == Step::Prevoted {
                if let Some(&b) = m.polkas.get(&r) {
                    if m.proposals.get(&b).map_or(false, |p| m.holds(&p.header.merkle_root)) {
                        self.precommit(b, true);
                    }
                } else if crate::mutant::is("precommit-without-polka") {
                    // MUTANT: §5.4 Precommit: approve B only on a polka for B in round r
                    if let Some(v) = m.own_votes.get(&(r, codec::STEP_PREVOTE)).filter(|v| v.approve).cloned() {
                        self.precommit(v.block_id, true);
                    }
                }
            }
            if self.m.as_ref().unwrap().step == before {
                return;
            }
        }
    }
}
