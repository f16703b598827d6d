//! Deliberate faults, selected at run time by `MIDNIGHT_MUTANT` (unset or empty: correct).
//! This is the only place the variable is read.

/// Names of the mutants this build knows.
pub const NAMES: &[&str] = &[
    "quorum-ceil",
    "lenient-signature",
    "cofactored-signature",
    "unverified-signature",
    "clock-timestamp",
    "merkle-duplicate-odd",
    "lenient-decoder",
    "no-lock",
];

/// True when the mutant `name` is selected.
pub fn is(name: &str) -> bool {
    match std::env::var("MIDNIGHT_MUTANT") {
        Ok(v) => !v.is_empty() && v == name,
        Err(_) => false,
    }
}

/// The selected mutant's name, if any.
pub fn current() -> Option<String> {
    match std::env::var("MIDNIGHT_MUTANT") {
        Ok(v) if !v.is_empty() => Some(v),
        _ => None,
    }
}
