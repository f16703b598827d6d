# Removing any one rule of protocol.md §5-§7 from the Rust implementation is caught: each
# mutant of interop/rust/MUTANTS.md that removes one such rule makes the oracle exit 1
# with its first divergence in the family named here (the scripted and recorded
# scenarios of rounds.json, or the live differential rounds). The mutants not listed
# here remove no MUST of §5-§7 (MUTANTS.md says which and why) or are caught by another
# test (conform.rust). Two at a time: 2 cores.
# Usage: rust_mutants.sh MIDNIGHT ADAPTER
source "$(dirname "$0")/../cli/lib.bash"
ADAPTER=${2:?usage: rust_mutants.sh MIDNIGHT ADAPTER}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"

one() {  # one MUTANT: its report in $WORK/MUTANT.out, its exit code in $WORK/MUTANT.rc
  MIDNIGHT_MUTANT=$1 "$MIDNIGHT" conform --quiet --fail-fast --family rounds,simulated -- "$ADAPTER" \
    >"$WORK/$1.out" 2>"$WORK/$1.err"
  echo $? >"$WORK/$1.rc"
}
export -f one
export MIDNIGHT ADAPTER WORK

list=$(cat <<'MUTANTS'
fixed-step-length simulated
lock-not-journaled rounds
journal-skip rounds
late-start-round-zero rounds
commit-not-stored rounds
no-reproposal rounds
nil-vote-counted rounds
no-skip rounds
skip-on-one-message rounds
no-parent-check rounds
no-timestamp-check rounds
no-commit-answer rounds
commit-answer-same-round rounds
unbounded-commit-replies rounds
proposal-conflict-accepted rounds
proposal-unsigned-accepted rounds
vrf-unverified rounds
hold-unchecked rounds
commit-coinbase-unchecked rounds
commit-body-unchecked rounds
adopt-unverified-commit rounds
conflicting-commit-accepted rounds
no-nil-precommit rounds
no-retry rounds
no-announce rounds
own-vote-uncounted rounds
nil-prevote-zero-id rounds
lock-not-taken rounds
finalize-current-round-only rounds
prevote-unheld-body simulated
broadcast-commit rounds
no-early-prevote rounds
no-collect-wait rounds
precommit-without-polka rounds
ask-unthrottled simulated
polka-unverified rounds
reproposal-polka-round-unchecked rounds
commit-round-unchecked rounds
restart-below-journal-round rounds
no-window-check rounds
third-vote-counted rounds
no-equivocation-count rounds
unbounded-answers simulated
unbounded-body-answers rounds
no-replace rounds
vote-other-height rounds
hold-unsolicited rounds
no-serve rounds
second-vote-signed rounds
reproposal-not-first rounds
decision-round-wrong rounds
MUTANTS
)
awk '{print $1}' <<<"$list" | xargs -P2 -n1 bash -c 'one "$0"'
while read -r mutant family; do
  rc=$(cat "$WORK/$mutant.rc")
  check "mutant $mutant: exit 1 (rc=$rc)" [ "$rc" -eq 1 ]
  check "mutant $mutant: first divergence in $family" grep -q "^first divergence: $family: " "$WORK/$mutant.out"
  echo "mutant $mutant: $(grep -A4 '^first divergence' "$WORK/$mutant.out" | sed -n '1p;4p' | tr '\n' ' ' | cut -c1-200)"
done <<<"$list"
finish
