mod common;
use common::*;
use midnight_interop::{json, reconcile};

#[test]
fn estimates() {
    let v = load("reconciliation.json");
    for c in cases(&v, "estimates") {
        let a = json::short_ids(&c["sample_a"]).unwrap();
        let x = json::short_ids(&c["sample_x"]).unwrap();
        let d = reconcile::estimate_difference(&a, c["count_a"].as_u64().unwrap(), &x, c["count_x"].as_u64().unwrap());
        assert_eq!(d, c["estimate"].as_u64().unwrap(), "{}", c["name"]);
    }
}

#[test]
fn answers() {
    let v = load("reconciliation.json");
    for c in cases(&v, "answers") {
        let n = reconcile::sketch_answer_cells(
            c["difference"].as_u64().unwrap(),
            c["have"].as_u64().unwrap(),
            c["block_bytes"].as_u64().unwrap(),
        );
        assert_eq!(n, c["cells_per_hash"].as_u64().unwrap(), "{c}");
    }
    assert_eq!(reconcile::cells_per_hash_for(0), 67);
}
