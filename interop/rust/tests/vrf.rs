mod common;
use common::*;
use midnight_interop::vrf;

#[test]
fn prove() {
    let v = load("vrf.json");
    for c in cases(&v, "prove") {
        let name = c["name"].as_str().unwrap();
        let sk = a32(&c["sk"]);
        assert_eq!(h(&vrf::public_key(&sk)), c["pk"].as_str().unwrap(), "{name}");
        let alpha = b(&c["alpha"]);
        let pi = vrf::prove(&sk, &alpha).unwrap();
        assert_eq!(h(&pi), c["pi"].as_str().unwrap(), "{name}");
        let beta = vrf::verify(&a32(&c["pk"]), &pi, &alpha).unwrap();
        assert_eq!(h(&beta), c["beta"].as_str().unwrap(), "{name}");
        assert_eq!(vrf::proof_to_hash(&pi).unwrap(), beta);
    }
}

#[test]
fn verify() {
    let v = load("vrf.json");
    for c in cases(&v, "verify") {
        let name = c["name"].as_str().unwrap();
        let pi: [u8; 80] = b(&c["pi"]).try_into().unwrap();
        let r = vrf::verify(&a32(&c["pk"]), &pi, &b(&c["alpha"]));
        match c["expected"].as_str().unwrap() {
            "valid" => assert_eq!(h(&r.unwrap()), c["beta"].as_str().unwrap(), "{name}"),
            e => assert_eq!(r.unwrap_err(), e, "{name}"),
        }
    }
}
