//! Seeded mutations of every encoding vector: decoding never panics, and whatever decodes
//! re-encodes to exactly the input (encoding.md §1, canonical encoding).
mod common;
use common::*;
use midnight_interop::codec::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mutated_vectors() {
    let v = load("encoding.json");
    let mut rng = Rng(0x6d69646e69676874);
    let mut accepted = 0;
    for c in cases(&v, "messages") {
        if c.get("hex").is_none() {
            continue;
        }
        let base = b(&c["hex"]);
        if base.len() > 30000 {
            continue;
        }
        let t = MsgType::from_name(c["type"].as_str().unwrap()).unwrap();
        for _ in 0..400 {
            let mut m = base.clone();
            for _ in 0..1 + rng.below(3) {
                match rng.below(5) {
                    0 => {
                        let i = rng.below(m.len().max(1));
                        if i < m.len() {
                            m[i] ^= 1 << rng.below(8);
                        }
                    }
                    1 => {
                        let i = rng.below(m.len().max(1));
                        if i < m.len() {
                            m[i] = rng.next() as u8;
                        }
                    }
                    2 => {
                        let n = rng.below(m.len() + 1);
                        m.truncate(n);
                    }
                    3 => m.push(rng.next() as u8),
                    _ => {
                        // a count or length field set to a boundary-ish value
                        if m.len() > 8 {
                            let i = 2 + rng.below(m.len() - 6);
                            let vals = [0u32, 1, 2, 255, 256, 65535, 65536, 65537, 2097152, 2097153, 2097154, u32::MAX];
                            m[i..i + 4].copy_from_slice(&vals[rng.below(vals.len())].to_be_bytes());
                        }
                    }
                }
            }
            for as_type in [Some(t), None] {
                let r = match as_type {
                    Some(t) => decode(&m, t),
                    None => decode_any(&m),
                };
                if let Ok(msg) = r {
                    accepted += 1;
                    assert_eq!(encode(&msg).unwrap(), m, "re-encoding differs for {}", c["name"]);
                }
            }
        }
    }
    assert!(accepted > 0);
}
