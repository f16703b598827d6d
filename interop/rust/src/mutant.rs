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
    // protocol.md §5–§7, one rule each (MUTANTS.md)
    "fixed-step-length",
    "lock-not-journaled",
    "journal-skip",
    "late-start-round-zero",
    "restart-below-journal-round",
    "ask-unthrottled",
    "commit-not-stored",
    "no-reproposal",
    "third-vote-counted",
    "no-equivocation-count",
    "nil-vote-counted",
    "no-skip",
    "skip-on-one-message",
    "no-parent-check",
    "no-timestamp-check",
    "no-commit-answer",
    "commit-answer-same-round",
    "unbounded-commit-replies",
    "unbounded-answers",
    "no-replace",
    "proposal-conflict-accepted",
    "proposal-unsigned-accepted",
    "vrf-unverified",
    "vote-other-height",
    "no-window-check",
    "polka-unverified",
    "reproposal-polka-round-unchecked",
    "no-fetch",
    "hold-unsolicited",
    "hold-unchecked",
    "unbounded-body-answers",
    "no-serve",
    "commit-round-unchecked",
    "commit-coinbase-unchecked",
    "commit-body-unchecked",
    "adopt-unverified-commit",
    "conflicting-commit-accepted",
    "no-nil-precommit",
    "no-retry",
    "no-announce",
    "second-vote-signed",
    "own-vote-uncounted",
    "reproposal-not-first",
    "prevote-unheld-body",
    "nil-prevote-zero-id",
    "lock-not-taken",
    "finalize-current-round-only",
    "decision-round-wrong",
    "broadcast-commit",
    "no-early-prevote",
    "no-collect-wait",
    "precommit-without-polka",
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

#[cfg(test)]
mod tests {
    use super::NAMES;

    #[test]
    fn names_are_distinct_and_documented() {
        let doc = include_str!("../MUTANTS.md");
        let mut seen = std::collections::BTreeSet::new();
        for n in NAMES {
            assert!(seen.insert(*n), "mutant {n} listed twice in NAMES");
            assert!(doc.contains(&format!("| `{n}` |")), "mutant {n} has no row in MUTANTS.md");
        }
    }

    #[test]
    fn every_name_is_used_in_the_sources() {
        let src = [
            include_str!("node.rs"),
            include_str!("sig.rs"),
            include_str!("membership.rs"),
            include_str!("codec.rs"),
            include_str!("hash.rs"),
            include_str!("block.rs"),
        ]
        .concat();
        for n in NAMES {
            assert!(src.contains(&format!("mutant::is(\"{n}\")")), "mutant {n} is never consulted");
        }
    }
}
