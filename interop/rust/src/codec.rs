//! The wire encoding of encoding.md §2-§4: every message, encode and decode, with the
//! rejection rules and the `codec_errc` error names.
use crate::hash::{self, Hash};

pub const WIRE_VERSION: u8 = 2;
pub const HEADER_VERSION: u16 = 1;
pub const MAX_MEMBERS: usize = 65535;
pub const MAX_MEMBER_WEIGHT: u64 = 1 << 20;
pub const MAX_TRANSACTION_BYTES: u32 = 65536;
pub const MAX_COINBASE_BYTES: u32 = 63 + 40 * 65535;
pub const MAX_BLOCK_TRANSACTIONS: u32 = 1 << 21;
pub const MAX_BLOCK_TRANSACTION_BYTES: u64 = 1 << 28;
pub const RECONCILE_SAMPLE_IDS: u32 = 512;
pub const MAX_SKETCH_CELLS_PER_HASH: u32 = (1 << 21) + 1024;
pub const HEADER_BODY_SIZE: usize = 150;

pub const STEP_PREVOTE: u8 = 1;
pub const STEP_PRECOMMIT: u8 = 2;
pub const KIND_SKETCH: u8 = 1;
pub const KIND_TRANSACTIONS: u8 = 2;

/// A decode (or encode) failure: the `codec_errc` name, and where (informative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    pub code: &'static str,
    pub field: String,
    pub offset: usize,
}

impl std::fmt::Display for CodecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} at {})", self.code, self.field, self.offset)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgType {
    Transaction = 1,
    Masternode = 2,
    Header = 3,
    Proposal = 4,
    Vote = 5,
    Certificate = 6,
    Block = 7,
    Commit = 8,
    Reproposal = 9,
    CommitRequest = 10,
    BodyRequest = 11,
    ReconcileRequest = 12,
    BodySketch = 13,
    BodyTransactions = 14,
    Polka = 15,
}

impl MsgType {
    pub const ALL: [MsgType; 15] = [
        MsgType::Transaction,
        MsgType::Masternode,
        MsgType::Header,
        MsgType::Proposal,
        MsgType::Vote,
        MsgType::Certificate,
        MsgType::Block,
        MsgType::Commit,
        MsgType::Reproposal,
        MsgType::CommitRequest,
        MsgType::BodyRequest,
        MsgType::ReconcileRequest,
        MsgType::BodySketch,
        MsgType::BodyTransactions,
        MsgType::Polka,
    ];
    pub fn from_byte(b: u8) -> Option<MsgType> {
        if (1..=15).contains(&b) {
            Some(Self::ALL[(b - 1) as usize])
        } else {
            None
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            MsgType::Transaction => "transaction",
            MsgType::Masternode => "masternode",
            MsgType::Header => "header",
            MsgType::Proposal => "proposal",
            MsgType::Vote => "vote",
            MsgType::Certificate => "certificate",
            MsgType::Block => "block",
            MsgType::Commit => "commit",
            MsgType::Reproposal => "reproposal",
            MsgType::CommitRequest => "commit_request",
            MsgType::BodyRequest => "body_request",
            MsgType::ReconcileRequest => "reconcile_request",
            MsgType::BodySketch => "body_sketch",
            MsgType::BodyTransactions => "body_transactions",
            MsgType::Polka => "polka",
        }
    }
    pub fn from_name(s: &str) -> Option<MsgType> {
        Self::ALL.iter().copied().find(|t| t.name() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub version: u16,
    pub chain_id: Hash,
    pub height: u64,
    pub round: u32,
    pub prev_id: Hash,
    pub merkle_root: Hash,
    pub timestamp_ms: u64,
    pub proposer: [u8; 32],
}

impl Header {
    pub fn body(&self) -> [u8; 150] {
        let mut b = [0u8; 150];
        b[0..2].copy_from_slice(&self.version.to_be_bytes());
        b[2..34].copy_from_slice(&self.chain_id);
        b[34..42].copy_from_slice(&self.height.to_be_bytes());
        b[42..46].copy_from_slice(&self.round.to_be_bytes());
        b[46..78].copy_from_slice(&self.prev_id);
        b[78..110].copy_from_slice(&self.merkle_root);
        b[110..118].copy_from_slice(&self.timestamp_ms.to_be_bytes());
        b[118..150].copy_from_slice(&self.proposer);
        b
    }
    pub fn block_id(&self) -> Hash {
        hash::block_id_of_body(&self.body())
    }
    pub fn vrf_input(&self) -> Vec<u8> {
        hash::vrf_input(&self.chain_id, self.height, self.round, &self.prev_id)
    }
    pub fn signing_input(&self) -> Vec<u8> {
        crate::sig::proposal_signing_input(&self.chain_id, self.height, self.round, &self.block_id())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masternode {
    pub key: [u8; 32],
    pub vrf_key: [u8; 32],
    pub reward_to: [u8; 32],
    pub weight: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub header: Header,
    pub signature: [u8; 64],
    pub vrf_proof: [u8; 80],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub chain_id: Hash,
    pub height: u64,
    pub round: u32,
    pub step: u8,
    pub block_id: Hash,
    pub approve: bool,
    pub voter: [u8; 32],
    pub signature: [u8; 64],
}

impl Vote {
    pub fn signing_input(&self) -> Vec<u8> {
        crate::sig::vote_signing_input(&self.chain_id, self.height, self.round, self.step, &self.block_id, self.approve)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertEntry {
    pub voter: [u8; 32],
    pub signature: [u8; 64],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub chain_id: Hash,
    pub height: u64,
    pub round: u32,
    pub block_id: Hash,
    pub entries: Vec<CertEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub header: Header,
    pub signature: [u8; 64],
    pub transactions: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub certificate: Certificate,
    pub block: Block,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polka {
    pub proposal: Proposal,
    pub polka: Certificate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reproposal {
    pub round: u32,
    pub reproposer: [u8; 32],
    pub vrf_proof: [u8; 80],
    pub signature: [u8; 64],
    pub polka: Polka,
}

impl Reproposal {
    pub fn signing_input(&self) -> Vec<u8> {
        let h = &self.polka.proposal.header;
        crate::sig::reproposal_signing_input(
            &h.chain_id,
            h.height,
            self.round,
            &self.reproposer,
            &h.block_id(),
            self.polka.polka.round,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitRequest {
    pub chain_id: Hash,
    pub height: u64,
    pub requester: [u8; 32],
    pub signature: [u8; 64],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyRequest {
    pub chain_id: Hash,
    pub height: u64,
    pub block_id: Hash,
    pub requester: [u8; 32],
    pub signature: [u8; 64],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconcileRequest {
    pub chain_id: Hash,
    pub height: u64,
    pub block_id: Hash,
    pub requester: [u8; 32],
    pub kind: u8,
    pub have: u32,
    pub ids: Vec<u64>,
    pub signature: [u8; 64],
}

impl ReconcileRequest {
    pub fn signing_input(&self) -> Vec<u8> {
        crate::sig::reconcile_request_signing_input(&self.chain_id, self.height, &self.block_id, self.kind, self.have, &self.ids)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodySketch {
    pub chain_id: Hash,
    pub height: u64,
    pub block_id: Hash,
    pub tx_count: u32,
    pub cells_per_hash: u32,
    /// the 48·c bytes of the 3·c cells, as on the wire
    pub cells: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyTransactions {
    pub chain_id: Hash,
    pub height: u64,
    pub block_id: Hash,
    pub transactions: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Transaction(Vec<u8>),
    Masternode(Masternode),
    Header(Header),
    Proposal(Proposal),
    Vote(Vote),
    Certificate(Certificate),
    Block(Block),
    Commit(Commit),
    Reproposal(Reproposal),
    CommitRequest(CommitRequest),
    BodyRequest(BodyRequest),
    ReconcileRequest(ReconcileRequest),
    BodySketch(BodySketch),
    BodyTransactions(BodyTransactions),
    Polka(Polka),
}

impl Message {
    pub fn msg_type(&self) -> MsgType {
        match self {
            Message::Transaction(_) => MsgType::Transaction,
            Message::Masternode(_) => MsgType::Masternode,
            Message::Header(_) => MsgType::Header,
            Message::Proposal(_) => MsgType::Proposal,
            Message::Vote(_) => MsgType::Vote,
            Message::Certificate(_) => MsgType::Certificate,
            Message::Block(_) => MsgType::Block,
            Message::Commit(_) => MsgType::Commit,
            Message::Reproposal(_) => MsgType::Reproposal,
            Message::CommitRequest(_) => MsgType::CommitRequest,
            Message::BodyRequest(_) => MsgType::BodyRequest,
            Message::ReconcileRequest(_) => MsgType::ReconcileRequest,
            Message::BodySketch(_) => MsgType::BodySketch,
            Message::BodyTransactions(_) => MsgType::BodyTransactions,
            Message::Polka(_) => MsgType::Polka,
        }
    }
}

// ---------------------------------------------------------------- decoding

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn err(code: &'static str, field: impl Into<String>, offset: usize) -> CodecError {
    CodecError { code, field: field.into(), offset }
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &str) -> Result<&'a [u8], CodecError> {
        if self.buf.len() - self.pos < n {
            return Err(err("truncated", field, self.pos));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self, f: &str) -> Result<u8, CodecError> {
        Ok(self.take(1, f)?[0])
    }
    fn u16(&mut self, f: &str) -> Result<u16, CodecError> {
        Ok(u16::from_be_bytes(self.take(2, f)?.try_into().unwrap()))
    }
    fn u32(&mut self, f: &str) -> Result<u32, CodecError> {
        Ok(u32::from_be_bytes(self.take(4, f)?.try_into().unwrap()))
    }
    fn u64(&mut self, f: &str) -> Result<u64, CodecError> {
        Ok(u64::from_be_bytes(self.take(8, f)?.try_into().unwrap()))
    }
    fn a32(&mut self, f: &str) -> Result<[u8; 32], CodecError> {
        Ok(self.take(32, f)?.try_into().unwrap())
    }
    fn a64(&mut self, f: &str) -> Result<[u8; 64], CodecError> {
        Ok(self.take(64, f)?.try_into().unwrap())
    }
    fn a80(&mut self, f: &str) -> Result<[u8; 80], CodecError> {
        Ok(self.take(80, f)?.try_into().unwrap())
    }
}

fn read_header(r: &mut Reader) -> Result<Header, CodecError> {
    let at = r.pos;
    let version = r.u16("header.version")?;
    if version != HEADER_VERSION {
        return Err(err("bad_header_version", "header.version", at));
    }
    Ok(Header {
        version,
        chain_id: r.a32("header.chain_id")?,
        height: r.u64("header.height")?,
        round: r.u32("header.round")?,
        prev_id: r.a32("header.prev_id")?,
        merkle_root: r.a32("header.merkle_root")?,
        timestamp_ms: r.u64("header.timestamp_ms")?,
        proposer: r.a32("header.proposer")?,
    })
}

fn read_proposal(r: &mut Reader) -> Result<Proposal, CodecError> {
    Ok(Proposal {
        header: read_header(r)?,
        signature: r.a64("proposal.signature")?,
        vrf_proof: r.a80("proposal.vrf_proof")?,
    })
}

fn read_certificate(r: &mut Reader) -> Result<Certificate, CodecError> {
    let chain_id = r.a32("certificate.chain_id")?;
    let height = r.u64("certificate.height")?;
    let round = r.u32("certificate.round")?;
    let block_id = r.a32("certificate.block_id")?;
    let at = r.pos;
    let count = r.u16("certificate.count")? as usize;
    if count == 0 {
        return Err(err("count_out_of_range", "certificate.count", at));
    }
    let mut entries: Vec<CertEntry> = Vec::with_capacity(count.min(r.buf.len() / 96 + 1));
    for i in 0..count {
        let at = r.pos;
        let f = format!("certificate.sig[{i}].voter");
        let voter = r.a32(&f)?;
        if let Some(prev) = entries.last() {
            if voter <= prev.voter {
                return Err(err("not_canonical_order", f, at));
            }
        }
        let signature = r.a64(&format!("certificate.sig[{i}].signature"))?;
        entries.push(CertEntry { voter, signature });
    }
    Ok(Certificate { chain_id, height, round, block_id, entries })
}

/// Transaction entries of a block (coinbase = true: tx[0] is the coinbase) or a body
/// transactions message (coinbase = false). Field names follow the reference (`block.tx[i]`).
fn read_entries(r: &mut Reader, count: u32, chain_id: &Hash, coinbase: bool) -> Result<Vec<Vec<u8>>, CodecError> {
    let mut txs: Vec<Vec<u8>> = Vec::with_capacity((count as usize).min(r.buf.len() / 5 + 1));
    let mut total: u64 = 0;
    let mut prev_txid: Option<Hash> = None;
    for i in 0..count as usize {
        let at = r.pos;
        let lf = format!("block.tx[{i}].length");
        let len = r.u32(&lf)?;
        let is_cb = coinbase && i == 0;
        let max = if is_cb { MAX_COINBASE_BYTES } else { MAX_TRANSACTION_BYTES };
        if len == 0 || len > max {
            return Err(err("length_out_of_range", lf, at));
        }
        if !is_cb {
            total += len as u64;
            if total > MAX_BLOCK_TRANSACTION_BYTES {
                return Err(err("block_too_large", lf, at));
            }
        }
        let bat = r.pos;
        let bf = format!("block.tx[{i}].bytes");
        let bytes = r.take(len as usize, &bf)?;
        if !is_cb {
            let id = hash::txid(chain_id, bytes);
            if let Some(p) = prev_txid {
                if id <= p {
                    return Err(err("not_canonical_order", bf, bat));
                }
            }
            prev_txid = Some(id);
        }
        txs.push(bytes.to_vec());
    }
    Ok(txs)
}

fn read_block(r: &mut Reader) -> Result<Block, CodecError> {
    let header = read_header(r)?;
    let signature = r.a64("block.signature")?;
    let at = r.pos;
    let count = r.u32("block.tx_count")?;
    if count == 0 || count > MAX_BLOCK_TRANSACTIONS + 1 {
        return Err(err("count_out_of_range", "block.tx_count", at));
    }
    let transactions = read_entries(r, count, &header.chain_id, true)?;
    Ok(Block { header, signature, transactions })
}

fn read_polka(r: &mut Reader) -> Result<Polka, CodecError> {
    Ok(Polka { proposal: read_proposal(r)?, polka: read_certificate(r)? })
}

fn read_body(t: MsgType, r: &mut Reader) -> Result<Message, CodecError> {
    Ok(match t {
        MsgType::Transaction => {
            let at = r.pos;
            let len = r.u32("transaction.length")?;
            if len == 0 || len > MAX_TRANSACTION_BYTES {
                return Err(err("length_out_of_range", "transaction.length", at));
            }
            Message::Transaction(r.take(len as usize, "transaction.bytes")?.to_vec())
        }
        MsgType::Masternode => {
            let key = r.a32("masternode.key")?;
            let vrf_key = r.a32("masternode.vrf_key")?;
            let reward_to = r.a32("masternode.reward_to")?;
            let at = r.pos;
            let weight = r.u64("masternode.weight")?;
            if weight == 0 || weight > MAX_MEMBER_WEIGHT {
                return Err(err("weight_out_of_range", "masternode.weight", at));
            }
            Message::Masternode(Masternode { key, vrf_key, reward_to, weight })
        }
        MsgType::Header => Message::Header(read_header(r)?),
        MsgType::Proposal => Message::Proposal(read_proposal(r)?),
        MsgType::Vote => {
            let chain_id = r.a32("vote.chain_id")?;
            let height = r.u64("vote.height")?;
            let round = r.u32("vote.round")?;
            let at = r.pos;
            let step = r.u8("vote.step")?;
            if step != STEP_PREVOTE && step != STEP_PRECOMMIT {
                return Err(err("bad_vote_step", "vote.step", at));
            }
            let block_id = r.a32("vote.block_id")?;
            let at = r.pos;
            let a = r.u8("vote.approve")?;
            let approve = if crate::mutant::is("lenient-decoder") {
                // MUTANT: any non-zero flag byte reads as true.
                a != 0
            } else {
                match a {
                    0 => false,
                    1 => true,
                    _ => return Err(err("bad_flag", "vote.approve", at)),
                }
            };
            if approve && hash::is_zero(&block_id) {
                return Err(err("nil_vote_not_canonical", "vote.approve", at));
            }
            let voter = r.a32("vote.voter")?;
            let signature = r.a64("vote.signature")?;
            Message::Vote(Vote { chain_id, height, round, step, block_id, approve, voter, signature })
        }
        MsgType::Certificate => Message::Certificate(read_certificate(r)?),
        MsgType::Block => Message::Block(read_block(r)?),
        MsgType::Commit => {
            let certificate = read_certificate(r)?;
            let block = read_block(r)?;
            Message::Commit(Commit { certificate, block })
        }
        MsgType::Reproposal => {
            let round = r.u32("reproposal.round")?;
            let reproposer = r.a32("reproposal.reproposer")?;
            let vrf_proof = r.a80("reproposal.vrf_proof")?;
            let signature = r.a64("reproposal.signature")?;
            let polka = read_polka(r)?;
            Message::Reproposal(Reproposal { round, reproposer, vrf_proof, signature, polka })
        }
        MsgType::CommitRequest => Message::CommitRequest(CommitRequest {
            chain_id: r.a32("commit_request.chain_id")?,
            height: r.u64("commit_request.height")?,
            requester: r.a32("commit_request.requester")?,
            signature: r.a64("commit_request.signature")?,
        }),
        MsgType::BodyRequest => Message::BodyRequest(BodyRequest {
            chain_id: r.a32("body_request.chain_id")?,
            height: r.u64("body_request.height")?,
            block_id: r.a32("body_request.block_id")?,
            requester: r.a32("body_request.requester")?,
            signature: r.a64("body_request.signature")?,
        }),
        MsgType::ReconcileRequest => {
            let chain_id = r.a32("reconcile_request.chain_id")?;
            let height = r.u64("reconcile_request.height")?;
            let block_id = r.a32("reconcile_request.block_id")?;
            let requester = r.a32("reconcile_request.requester")?;
            let at = r.pos;
            let kind = r.u8("reconcile_request.kind")?;
            if kind != KIND_SKETCH && kind != KIND_TRANSACTIONS {
                return Err(err("bad_reconcile_kind", "reconcile_request.kind", at));
            }
            let at = r.pos;
            let have = r.u32("reconcile_request.have")?;
            let have_ok = if kind == KIND_SKETCH { have <= MAX_BLOCK_TRANSACTIONS } else { have == 0 };
            if !have_ok {
                return Err(err("count_out_of_range", "reconcile_request.have", at));
            }
            let at = r.pos;
            let count = r.u32("reconcile_request.count")?;
            let count_ok = if kind == KIND_SKETCH {
                count == have.min(RECONCILE_SAMPLE_IDS)
            } else {
                (1..=MAX_BLOCK_TRANSACTIONS).contains(&count)
            };
            if !count_ok {
                return Err(err("count_out_of_range", "reconcile_request.count", at));
            }
            let at = r.pos;
            let raw = r.take(count as usize * 8, "reconcile_request.ids")?;
            let mut ids = Vec::with_capacity(count as usize);
            for c in raw.chunks(8) {
                let v = u64::from_be_bytes(c.try_into().unwrap());
                if let Some(&p) = ids.last() {
                    if v <= p {
                        return Err(err("not_canonical_order", "reconcile_request.ids", at));
                    }
                }
                ids.push(v);
            }
            let signature = r.a64("reconcile_request.signature")?;
            Message::ReconcileRequest(ReconcileRequest { chain_id, height, block_id, requester, kind, have, ids, signature })
        }
        MsgType::BodySketch => {
            let chain_id = r.a32("body_sketch.chain_id")?;
            let height = r.u64("body_sketch.height")?;
            let block_id = r.a32("body_sketch.block_id")?;
            let at = r.pos;
            let tx_count = r.u32("body_sketch.tx_count")?;
            if tx_count > MAX_BLOCK_TRANSACTIONS {
                return Err(err("count_out_of_range", "body_sketch.tx_count", at));
            }
            let at = r.pos;
            let c = r.u32("body_sketch.cells_per_hash")?;
            if c == 0 || c > MAX_SKETCH_CELLS_PER_HASH {
                return Err(err("length_out_of_range", "body_sketch.cells_per_hash", at));
            }
            let cells = r.take(48 * c as usize, "body_sketch.cells")?.to_vec();
            Message::BodySketch(BodySketch { chain_id, height, block_id, tx_count, cells_per_hash: c, cells })
        }
        MsgType::BodyTransactions => {
            let chain_id = r.a32("body_transactions.chain_id")?;
            let height = r.u64("body_transactions.height")?;
            let block_id = r.a32("body_transactions.block_id")?;
            let at = r.pos;
            let count = r.u32("body_transactions.count")?;
            if count == 0 || count > MAX_BLOCK_TRANSACTIONS {
                return Err(err("count_out_of_range", "body_transactions.count", at));
            }
            let transactions = read_entries(r, count, &chain_id, false)?;
            Message::BodyTransactions(BodyTransactions { chain_id, height, block_id, transactions })
        }
        MsgType::Polka => Message::Polka(read_polka(r)?),
    })
}

/// Decode a whole message, any type.
pub fn decode_any(input: &[u8]) -> Result<Message, CodecError> {
    decode_impl(input, None)
}

/// Decode a whole message that the receiver expects to be of type `expected`.
pub fn decode(input: &[u8], expected: MsgType) -> Result<Message, CodecError> {
    decode_impl(input, Some(expected))
}

fn decode_impl(input: &[u8], expected: Option<MsgType>) -> Result<Message, CodecError> {
    let mut r = Reader { buf: input, pos: 0 };
    let v = r.u8("prefix.version")?;
    if v != WIRE_VERSION {
        return Err(err("unknown_version", "prefix.version", 0));
    }
    let tb = r.u8("prefix.type")?;
    let t = MsgType::from_byte(tb).ok_or_else(|| err("unknown_message_type", "prefix.type", 1))?;
    if let Some(e) = expected {
        if e != t {
            return Err(err("wrong_message_type", "prefix.type", 1));
        }
    }
    let m = read_body(t, &mut r)?;
    if r.pos != input.len() && !crate::mutant::is("lenient-decoder") {
        // (MUTANT lenient-decoder: trailing bytes are ignored.)
        return Err(err("trailing_bytes", "trailing", r.pos));
    }
    Ok(m)
}

// ---------------------------------------------------------------- encoding

fn put_header(o: &mut Vec<u8>, h: &Header) {
    o.extend_from_slice(&h.body());
}

fn put_proposal(o: &mut Vec<u8>, p: &Proposal) {
    put_header(o, &p.header);
    o.extend_from_slice(&p.signature);
    o.extend_from_slice(&p.vrf_proof);
}

fn put_certificate(o: &mut Vec<u8>, c: &Certificate) {
    o.extend_from_slice(&c.chain_id);
    o.extend_from_slice(&c.height.to_be_bytes());
    o.extend_from_slice(&c.round.to_be_bytes());
    o.extend_from_slice(&c.block_id);
    o.extend_from_slice(&(c.entries.len() as u16).to_be_bytes());
    for e in &c.entries {
        o.extend_from_slice(&e.voter);
        o.extend_from_slice(&e.signature);
    }
}

fn put_entries(o: &mut Vec<u8>, txs: &[Vec<u8>]) {
    for t in txs {
        o.extend_from_slice(&(t.len() as u32).to_be_bytes());
        o.extend_from_slice(t);
    }
}

fn put_block(o: &mut Vec<u8>, b: &Block) {
    put_header(o, &b.header);
    o.extend_from_slice(&b.signature);
    o.extend_from_slice(&(b.transactions.len() as u32).to_be_bytes());
    put_entries(o, &b.transactions);
}

fn put_polka(o: &mut Vec<u8>, p: &Polka) {
    put_proposal(o, &p.proposal);
    put_certificate(o, &p.polka);
}

/// The bytes of a message, without checking that they decode.
pub fn encode_unchecked(m: &Message) -> Vec<u8> {
    let mut o = vec![WIRE_VERSION, m.msg_type() as u8];
    match m {
        Message::Transaction(t) => {
            o.extend_from_slice(&(t.len() as u32).to_be_bytes());
            o.extend_from_slice(t);
        }
        Message::Masternode(n) => {
            o.extend_from_slice(&n.key);
            o.extend_from_slice(&n.vrf_key);
            o.extend_from_slice(&n.reward_to);
            o.extend_from_slice(&n.weight.to_be_bytes());
        }
        Message::Header(h) => put_header(&mut o, h),
        Message::Proposal(p) => put_proposal(&mut o, p),
        Message::Vote(v) => {
            o.extend_from_slice(&v.chain_id);
            o.extend_from_slice(&v.height.to_be_bytes());
            o.extend_from_slice(&v.round.to_be_bytes());
            o.push(v.step);
            o.extend_from_slice(&v.block_id);
            o.push(v.approve as u8);
            o.extend_from_slice(&v.voter);
            o.extend_from_slice(&v.signature);
        }
        Message::Certificate(c) => put_certificate(&mut o, c),
        Message::Block(b) => put_block(&mut o, b),
        Message::Commit(c) => {
            put_certificate(&mut o, &c.certificate);
            put_block(&mut o, &c.block);
        }
        Message::Reproposal(r) => {
            o.extend_from_slice(&r.round.to_be_bytes());
            o.extend_from_slice(&r.reproposer);
            o.extend_from_slice(&r.vrf_proof);
            o.extend_from_slice(&r.signature);
            put_polka(&mut o, &r.polka);
        }
        Message::CommitRequest(c) => {
            o.extend_from_slice(&c.chain_id);
            o.extend_from_slice(&c.height.to_be_bytes());
            o.extend_from_slice(&c.requester);
            o.extend_from_slice(&c.signature);
        }
        Message::BodyRequest(b) => {
            o.extend_from_slice(&b.chain_id);
            o.extend_from_slice(&b.height.to_be_bytes());
            o.extend_from_slice(&b.block_id);
            o.extend_from_slice(&b.requester);
            o.extend_from_slice(&b.signature);
        }
        Message::ReconcileRequest(q) => {
            o.extend_from_slice(&q.chain_id);
            o.extend_from_slice(&q.height.to_be_bytes());
            o.extend_from_slice(&q.block_id);
            o.extend_from_slice(&q.requester);
            o.push(q.kind);
            o.extend_from_slice(&q.have.to_be_bytes());
            o.extend_from_slice(&(q.ids.len() as u32).to_be_bytes());
            for i in &q.ids {
                o.extend_from_slice(&i.to_be_bytes());
            }
            o.extend_from_slice(&q.signature);
        }
        Message::BodySketch(s) => {
            o.extend_from_slice(&s.chain_id);
            o.extend_from_slice(&s.height.to_be_bytes());
            o.extend_from_slice(&s.block_id);
            o.extend_from_slice(&s.tx_count.to_be_bytes());
            o.extend_from_slice(&s.cells_per_hash.to_be_bytes());
            o.extend_from_slice(&s.cells);
        }
        Message::BodyTransactions(b) => {
            o.extend_from_slice(&b.chain_id);
            o.extend_from_slice(&b.height.to_be_bytes());
            o.extend_from_slice(&b.block_id);
            o.extend_from_slice(&(b.transactions.len() as u32).to_be_bytes());
            put_entries(&mut o, &b.transactions);
        }
        Message::Polka(p) => put_polka(&mut o, p),
    }
    o
}

/// Encode a message; refuses (with the decoder's error) a value whose bytes a decoder
/// would reject, so that encoders never produce non-canonical bytes (encoding.md §1).
pub fn encode(m: &Message) -> Result<Vec<u8>, CodecError> {
    // Counts that do not fit their fields cannot be written at all.
    let too_many = |n: usize, max: usize, f: &str| -> Result<(), CodecError> {
        if n > max {
            Err(err("count_out_of_range", f, 0))
        } else {
            Ok(())
        }
    };
    match m {
        Message::Certificate(c) => too_many(c.entries.len(), MAX_MEMBERS, "certificate.count")?,
        Message::Commit(c) => too_many(c.certificate.entries.len(), MAX_MEMBERS, "certificate.count")?,
        Message::Polka(p) => too_many(p.polka.entries.len(), MAX_MEMBERS, "certificate.count")?,
        Message::Reproposal(r) => too_many(r.polka.polka.entries.len(), MAX_MEMBERS, "certificate.count")?,
        Message::BodySketch(s) => {
            if s.cells.len() != 48 * s.cells_per_hash as usize {
                return Err(err("length_out_of_range", "body_sketch.cells", 0));
            }
        }
        _ => {}
    }
    let bytes = encode_unchecked(m);
    decode(&bytes, m.msg_type())?;
    Ok(bytes)
}
