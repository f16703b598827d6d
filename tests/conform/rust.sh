# The second implementation (interop/rust, written from spec/ alone) conforms, and each
# of its mutants makes the oracle exit 1 with a first divergence in the family and
# operation of the rule the mutant breaks.
# Usage: rust.sh MIDNIGHT ADAPTER
source "$(dirname "$0")/../cli/lib.bash"
ADAPTER=${2:?usage: rust.sh MIDNIGHT ADAPTER}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"

run conform --quiet -- "$ADAPTER"
check "the Rust implementation conforms (rc=$RC)" [ "$RC" -eq 0 ]
check "the report says CONFORMS" grep -q "^result: CONFORMS" "$WORK/out"
[ "$RC" -eq 0 ] || cat "$WORK/out" >&2
grep -E "^  [0-9]+ cases" "$WORK/out"

# mutant, then the family and operation of its first divergence (the rule it breaks).
while read -r mutant family op; do
  MIDNIGHT_MUTANT=$mutant run conform --quiet --fail-fast -- "$ADAPTER"
  check "mutant $mutant: exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
  check "mutant $mutant: DIVERGES" grep -q "^result: DIVERGES" "$WORK/out"
  check "mutant $mutant: first divergence in $family" grep -q "^first divergence: $family: " "$WORK/out"
  check "mutant $mutant: operation $op" grep -q "^  operation: $op\$" "$WORK/out"
  check "mutant $mutant: names the rule" grep -q "^  rule: [a-z]*\.md" "$WORK/out"
  echo "mutant $mutant: $(grep -A2 '^first divergence' "$WORK/out" | tr '\n' ' ')"
done <<'MUTANTS'
quorum-ceil quorum quorum_threshold
lenient-signature signing verify
cofactored-signature signing verify
unverified-signature signing verify
clock-timestamp selection proposal_header
merkle-duplicate-odd hashing merkle_root
lenient-decoder rejections decode
no-lock rounds node_event
MUTANTS
finish
