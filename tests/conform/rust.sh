# The second implementation (interop/rust, written from spec/ alone) conforms, and each
# of its mutants makes the oracle exit 1 with a first divergence in the family and
# operation of the rule the mutant breaks.
# Usage: rust.sh MIDNIGHT ADAPTER
source "$(dirname "$0")/../cli/lib.bash"
ADAPTER=${2:?usage: rust.sh MIDNIGHT ADAPTER}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"

# It conforms, checked by the CI recipe an implementer copies (interop/ci/conformance.yml),
# its steps taken from the file as they stand: the oracle's build step, with its apt and
# compile lines left out (the oracle is built already) and its build line a dry run, must
# configure a clone of this repository with the workflow's own options and find the
# `midnight` target; the Conform step, run verbatim in that clone, must conform and leave
# the text and the JSON report where the artifact step takes them.
YML=$REPO/interop/ci/conformance.yml
step() {  # step NAME: the `run: |` block of the step NAME, unindented
  awk -v name="$1" '
    $0 ~ "^      - name: " name "$" { inside = 1; next }
    inside && /^      - / { exit }
    inside && /^        run: \|/ { body = 1; next }
    inside && body && /^          / { print substr($0, 11); next }
    inside && body && !/^ *$/ { exit }
  ' "$YML"
}
SPACE=$WORK/workspace
mkdir -p "$SPACE"
build_step=$(step "Build the oracle \\(the midnight command only; no test dependencies\\)")
check "the recipe has a build step" [ -n "$build_step" ]
build_step=$(awk '
    skipping { skipping = /\\$/; next }              # the continuation of an apt line
    /^sudo / { skipping = /\\$/; next }              # apt: the packages are this machine'"'"'s
    /^cmake --build / { print $0 " -- -n >/dev/null"; next }  # a dry run: the oracle is built
    { print }' <<<"$build_step")
(cd "$SPACE" && MIDNIGHT_REPO=$REPO MIDNIGHT_COMMIT=HEAD bash -euo pipefail -c "$build_step") >"$WORK/build.out" 2>&1
BUILD_RC=$?
check "the recipe's build step configures the oracle and finds its target (rc=$BUILD_RC)" [ "$BUILD_RC" -eq 0 ]
check_not "the recipe's options are all the project's (no unused variable)" \
  grep -q "Manually-specified variables were not used" "$WORK/build.out"
[ "$BUILD_RC" -eq 0 ] || cat "$WORK/build.out" >&2
mkdir -p "$SPACE/midnight/build/bin" && cp "$MIDNIGHT" "$SPACE/midnight/build/bin/midnight"
conform_step=$(step "Conform")
check "the recipe has a Conform step" grep -q "midnight conform" <<<"$conform_step"
(cd "$SPACE/midnight" && ADAPTER=$ADAPTER bash -eo pipefail -c "$conform_step") >"$WORK/out" 2>"$WORK/err"
RC=$?
check "the Rust implementation conforms, by the recipe's Conform step (rc=$RC)" [ "$RC" -eq 0 ]
check "the text report says CONFORMS" grep -q "^result: CONFORMS" "$SPACE/conformance.txt"
check "the JSON report says conforms" grep -q '"result": *"conforms"' "$SPACE/conformance.json"
[ "$RC" -eq 0 ] || cat "$WORK/out" "$WORK/err" >&2
grep -E "^  [0-9]+ cases" "$SPACE/conformance.txt"

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
