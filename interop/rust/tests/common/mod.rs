#![allow(dead_code)]
use serde_json::Value;
pub mod replay;
use std::path::PathBuf;

pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/vectors")
}

pub fn load(name: &str) -> Value {
    let p = vectors_dir().join(name);
    let s = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&s).unwrap()
}

pub fn b(v: &Value) -> Vec<u8> {
    midnight_interop::json::bytes(v).unwrap()
}

pub fn a32(v: &Value) -> [u8; 32] {
    b(v).try_into().unwrap()
}

pub fn h(v: &[u8]) -> String {
    hex::encode(v)
}

pub fn cases<'a>(v: &'a Value, k: &str) -> &'a Vec<Value> {
    let c = v[k].as_array().unwrap_or_else(|| panic!("no list `{k}`"));
    assert!(!c.is_empty(), "empty `{k}`");
    c
}

/// Every key of `expected` is in `actual` with an equal value (byte strings by value).
pub fn subset_eq(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) if e.contains_key("segments") => {
            let _ = a;
            Err(format!("{path}: segment object vs object"))
        }
        (Value::Object(e), _) if e.contains_key("segments") => {
            if b(expected) == midnight_interop::json::bytes(actual).map_err(|x| format!("{path}: {x}"))? {
                Ok(())
            } else {
                Err(format!("{path}: bytes differ"))
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let av = a.get(k).ok_or_else(|| format!("{path}.{k}: missing"))?;
                subset_eq(ev, av, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!("{path}: {} items, expected {}", a.len(), e.len()));
            }
            for (i, (x, y)) in e.iter().zip(a).enumerate() {
                subset_eq(x, y, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::String(e), Value::String(a)) => {
            if e.eq_ignore_ascii_case(a) {
                Ok(())
            } else {
                Err(format!("{path}: {a} != expected {e}"))
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            if e.as_f64() == a.as_f64() {
                Ok(())
            } else {
                Err(format!("{path}: {a} != expected {e}"))
            }
        }
        (e, a) => {
            if e == a {
                Ok(())
            } else {
                Err(format!("{path}: {a} != expected {e}"))
            }
        }
    }
}

/// Wide seed k: k as u32 big-endian, then 28 bytes of 0x5e.
pub fn wide_seed(k: u32) -> [u8; 32] {
    let mut s = [0x5eu8; 32];
    s[0..4].copy_from_slice(&k.to_be_bytes());
    s
}
