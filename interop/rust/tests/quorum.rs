mod common;
use common::*;
use midnight_interop::{json, membership};

#[test]
fn memberships() {
    let v = load("quorum.json");
    for c in cases(&v, "memberships") {
        let name = c["name"].as_str().unwrap();
        let ms = json::members_from_json(&c["members"]).unwrap();
        match membership::validate(&ms) {
            Ok(canon) => {
                assert_eq!(c["expected"], "valid", "{name}");
                let keys: Vec<String> = canon.iter().map(|m| h(&m.key)).collect();
                let exp: Vec<String> = c["canonical_keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect();
                assert_eq!(keys, exp, "{name}");
                assert_eq!(membership::total_weight(&canon), c["total_weight"].as_u64().unwrap());
            }
            Err(e) => assert_eq!(e, c["expected"].as_str().unwrap(), "{name}"),
        }
    }
}

#[test]
fn thresholds() {
    let v = load("quorum.json");
    for c in cases(&v, "equal_weights") {
        let n = c["n"].as_u64().unwrap();
        assert_eq!(c["total_weight"].as_u64().unwrap(), n);
        assert_eq!(membership::threshold(n), c["threshold"].as_u64().unwrap(), "n = {n}");
    }
    for c in cases(&v, "weighted") {
        let w = c["total_weight"].as_u64().unwrap();
        let total: u64 = match &c["weights"] {
            serde_json::Value::Array(a) => a.iter().map(|x| x.as_u64().unwrap()).sum(),
            serde_json::Value::String(s) if s.starts_with("65535 members of weight 1048576") => 65535 * 1048576,
            serde_json::Value::String(s) if s.starts_with("10000 members, member i of weight 10^(i mod 4)") => {
                (0..10000u64).map(|i| 10u64.pow((i % 4) as u32)).sum()
            }
            x => panic!("unknown weights {x}"),
        };
        assert_eq!(total, w);
        let t = membership::threshold(w);
        assert_eq!(t, c["threshold"].as_u64().unwrap(), "W = {w}");
        assert!(membership::is_quorum(t, w) && !membership::is_quorum(t - 1, w));
    }
}

#[test]
fn is_quorum() {
    let v = load("quorum.json");
    for c in cases(&v, "is_quorum") {
        let (w, t) = (c["weight"].as_u64().unwrap(), c["total_weight"].as_u64().unwrap());
        assert_eq!(membership::is_quorum(w, t), c["quorum"].as_bool().unwrap(), "{w} of {t}");
    }
}
