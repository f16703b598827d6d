//! Body reconciliation's keys, short ids and IBLT sketch (reconciliation.md §2-§3), and the
//! bottom-k sample of §4.1.
use crate::hash::{self, Hash};

/// SipHash-2-4 with a 16-byte key, as a u64 (the 8 output bytes read little-endian).
pub fn siphash24(key: &[u8; 16], data: &[u8]) -> u64 {
    let k0 = u64::from_le_bytes(key[0..8].try_into().unwrap());
    let k1 = u64::from_le_bytes(key[8..16].try_into().unwrap());
    let mut v0 = k0 ^ 0x736f6d6570736575;
    let mut v1 = k1 ^ 0x646f72616e646f6d;
    let mut v2 = k0 ^ 0x6c7967656e657261;
    let mut v3 = k1 ^ 0x7465646279746573;
    macro_rules! round {
        () => {
            v0 = v0.wrapping_add(v1);
            v1 = v1.rotate_left(13);
            v1 ^= v0;
            v0 = v0.rotate_left(32);
            v2 = v2.wrapping_add(v3);
            v3 = v3.rotate_left(16);
            v3 ^= v2;
            v0 = v0.wrapping_add(v3);
            v3 = v3.rotate_left(21);
            v3 ^= v0;
            v2 = v2.wrapping_add(v1);
            v1 = v1.rotate_left(17);
            v1 ^= v2;
            v2 = v2.rotate_left(32);
        };
    }
    let n = data.len();
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let m = u64::from_le_bytes(c.try_into().unwrap());
        v3 ^= m;
        round!();
        round!();
        v0 ^= m;
    }
    let rest = chunks.remainder();
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    last[7] = n as u8;
    let m = u64::from_le_bytes(last);
    v3 ^= m;
    round!();
    round!();
    v0 ^= m;
    v2 ^= 0xff;
    round!();
    round!();
    round!();
    round!();
    v0 ^ v1 ^ v2 ^ v3
}

/// The keys of a block's short ids and cells: (short_id_key, cell_key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SketchKey {
    pub short_id_key: [u8; 16],
    pub cell_key: [u8; 16],
}

pub fn sketch_key(block_id: &Hash) -> SketchKey {
    let h = hash::sha256_parts(&[hash::TAG_SKETCH_KEY, block_id]);
    SketchKey { short_id_key: h[0..16].try_into().unwrap(), cell_key: h[16..32].try_into().unwrap() }
}

impl SketchKey {
    pub fn short_id(&self, txid: &Hash) -> u64 {
        siphash24(&self.short_id_key, txid)
    }
    fn h(&self, x: u64, j: u8) -> u64 {
        let mut b = [0u8; 9];
        b[0..8].copy_from_slice(&x.to_le_bytes());
        b[8] = j;
        siphash24(&self.cell_key, &b)
    }
}

/// The bottom-k sample (§4.1): the min(k, D) smallest distinct short ids, ascending.
pub fn sample(short_ids: &[u64], k: usize) -> Vec<u64> {
    let mut v = short_ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v.truncate(k);
    v
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub count: i32,
    pub id_sum: u64,
    pub check_sum: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sketch {
    pub key: SketchKey,
    pub c: u32,
    pub cells: Vec<Cell>,
}

impl Sketch {
    pub fn new(key: SketchKey, c: u32) -> Result<Sketch, &'static str> {
        if c == 0 || c as u64 > crate::reconcile::MAX_CELLS_PER_HASH {
            return Err("size_out_of_range");
        }
        Ok(Sketch { key, c, cells: vec![Cell::default(); 3 * c as usize] })
    }

    fn check(&self, x: u64) -> u32 {
        self.key.h(x, 3) as u32
    }

    fn toggle(&mut self, x: u64, delta: i32) {
        let chk = self.check(x);
        for j in 0..3u8 {
            let i = j as usize * self.c as usize + (self.key.h(x, j) % self.c as u64) as usize;
            let cell = &mut self.cells[i];
            cell.count = cell.count.wrapping_add(delta);
            cell.id_sum ^= x;
            cell.check_sum ^= chk;
        }
    }

    pub fn insert(&mut self, x: u64) {
        self.toggle(x, 1)
    }

    pub fn erase(&mut self, x: u64) {
        self.toggle(x, -1)
    }

    pub fn subtract(&mut self, other: &Sketch) -> Result<(), &'static str> {
        if other.c != self.c {
            return Err("size_mismatch");
        }
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.count = a.count.wrapping_sub(b.count);
            a.id_sum ^= b.id_sum;
            a.check_sum ^= b.check_sum;
        }
        Ok(())
    }

    fn pure(&self, i: usize) -> bool {
        let c = &self.cells[i];
        (c.count == 1 || c.count == -1) && c.check_sum == self.check(c.id_sum)
    }

    /// Peel: (inserted ids, erased ids), each ascending, or `undecodable`.
    pub fn peel(mut self) -> Result<(Vec<u64>, Vec<u64>), &'static str> {
        let limit = self.cells.len();
        let mut ins = Vec::new();
        let mut era = Vec::new();
        let mut stack: Vec<usize> = (0..self.cells.len()).filter(|&i| self.pure(i)).collect();
        while let Some(i) = stack.pop() {
            if !self.pure(i) {
                continue;
            }
            if ins.len() + era.len() == limit {
                return Err("undecodable");
            }
            let Cell { count, id_sum, .. } = self.cells[i];
            if count == 1 {
                ins.push(id_sum);
                self.erase(id_sum);
            } else {
                era.push(id_sum);
                self.insert(id_sum);
            }
            for j in 0..3u8 {
                let k = j as usize * self.c as usize + (self.key.h(id_sum, j) % self.c as u64) as usize;
                if self.pure(k) {
                    stack.push(k);
                }
            }
        }
        if self.cells.iter().any(|c| *c != Cell::default()) {
            return Err("undecodable");
        }
        ins.sort_unstable();
        era.sort_unstable();
        Ok((ins, era))
    }

    /// `c u32 ‖ cells` (§3), the bytes from offset 76 of a body sketch's body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(4 + 16 * self.cells.len());
        v.extend_from_slice(&self.c.to_be_bytes());
        for c in &self.cells {
            v.extend_from_slice(&c.count.to_be_bytes());
            v.extend_from_slice(&c.id_sum.to_be_bytes());
            v.extend_from_slice(&c.check_sum.to_be_bytes());
        }
        v
    }

    /// Read a sketch (§3); `expected_c` is the size the receiver expects, if any.
    pub fn from_bytes(key: SketchKey, b: &[u8], expected_c: Option<u32>) -> Result<Sketch, &'static str> {
        if b.len() < 4 {
            return Err("length_mismatch");
        }
        let c = u32::from_be_bytes(b[0..4].try_into().unwrap());
        if c == 0 || c as u64 > crate::reconcile::MAX_CELLS_PER_HASH {
            return Err("size_out_of_range");
        }
        if b.len() as u64 != 4 + 48 * c as u64 {
            return Err("length_mismatch");
        }
        if let Some(e) = expected_c {
            if e != c {
                return Err("size_mismatch");
            }
        }
        let cells = b[4..]
            .chunks_exact(16)
            .map(|x| Cell {
                count: i32::from_be_bytes(x[0..4].try_into().unwrap()),
                id_sum: u64::from_be_bytes(x[4..12].try_into().unwrap()),
                check_sum: u32::from_be_bytes(x[12..16].try_into().unwrap()),
            })
            .collect();
        Ok(Sketch { key, c, cells })
    }
}
