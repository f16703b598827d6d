//! Body reconciliation's sample estimate and answer size (reconciliation.md §2, §4).

pub const SAMPLE_IDS: u64 = 512;
pub const MAX_CELLS_PER_HASH: u64 = (1 << 21) + 1024;

/// `cells_per_hash_for(d)` of §2.
pub fn cells_per_hash_for(d: u64) -> u64 {
    let dp = d.min(MAX_CELLS_PER_HASH);
    let n = dp + (3 * dp) / 10 + 200;
    ((n + 2) / 3).min(MAX_CELLS_PER_HASH)
}

fn isqrt(m: u64) -> u64 {
    let mut r = (m as f64).sqrt() as u64;
    while r * r > m {
        r -= 1;
    }
    while (r + 1) * (r + 1) <= m {
        r += 1;
    }
    r
}

/// `estimate_difference(A, a, X, x)` of §4.2; samples ascending.
pub fn estimate_difference(sa: &[u64], a: u64, sx: &[u64], x: u64) -> u64 {
    let ca = sa.len() as u64 >= a;
    let cx = sx.len() as u64 >= x;
    let kp: Option<u64> = if ca && cx {
        None
    } else {
        let mut k = u64::MAX;
        if !ca {
            k = k.min(sa.len() as u64);
        }
        if !cx {
            k = k.min(sx.len() as u64);
        }
        Some(k)
    };
    // walk the union
    let (mut i, mut j, mut taken, mut m) = (0usize, 0usize, 0u64, 0u64);
    loop {
        if let Some(k) = kp {
            if taken >= k {
                break;
            }
        }
        let va = sa.get(i).copied();
        let vx = sx.get(j).copied();
        match (va, vx) {
            (None, None) => break,
            (Some(p), Some(q)) if p == q => {
                i += 1;
                j += 1;
            }
            (Some(p), Some(q)) => {
                if p < q {
                    i += 1;
                } else {
                    j += 1;
                }
                m += 1;
            }
            (Some(_), None) => {
                i += 1;
                m += 1;
            }
            (None, Some(_)) => {
                j += 1;
                m += 1;
            }
        }
        taken += 1;
    }
    let lo = a.abs_diff(x);
    let hi = a + x;
    let clamp = |v: u64| v.max(lo).min(hi);
    match kp {
        None => clamp(m),
        Some(0) => hi,
        Some(k) => {
            let mp = k.min(m + 2 * isqrt(m) + 4);
            let num = mp * (a + x);
            let den = 2 * k - mp;
            clamp((num + den - 1) / den)
        }
    }
}

/// `sketch_answer_cells(d, have, B)` of §4.3: 0 means the whole block.
pub fn sketch_answer_cells(d: u64, have: u64, block_bytes: u64) -> u64 {
    if d > have {
        return 0;
    }
    let c = cells_per_hash_for(d);
    if 4 + 48 * c < block_bytes {
        c
    } else {
        0
    }
}
