# The oracle against the reference's own adapter: it must conform, with every static
# vector and every differential decode compared, and name what protocol 1 cannot drive.
# Usage: reference.sh MIDNIGHT [FAMILIES]: with FAMILIES (a --family list) a shorter run,
# for the sanitizer build.
source "$(dirname "$0")/../cli/lib.bash"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
families=${2:-}
args=()
[ -n "$families" ] && args=(--family "$families" --mutations 2)

run conform --quiet "${args[@]}" -- "$MIDNIGHT" adapter
check "the reference conforms to itself (rc=$RC)" [ "$RC" -eq 0 ]
check "the report says CONFORMS" grep -q "^result: CONFORMS" "$WORK/out"
check "no divergence line" bash -c "! grep -q 'first divergence' '$WORK/out'"
if [ -z "$families" ]; then
  for family in hashing signing encoding rejections quorum block_building vrf selection reconciliation rounds simulated decode; do
    check "family $family compared" grep -Eq "^  $family +[1-9][0-9]* +[1-9][0-9]* +0 +0 " "$WORK/out"
  done
  check "the reconciliation exchanges reported as not driven" grep -q "not driven, reconciliation: 4 " "$WORK/out"
  check "adapter protocol 2" grep -q "(adapter protocol 2)" "$WORK/out"
fi

# --json: one document with the same verdict. (The families without the 256 MiB inputs:
# the verdict's format is what is checked here, and the run above compared every case.)
run conform --quiet --json --family hashing,signing,encoding,quorum,vrf,selection,reconciliation,rounds,simulated,decode \
  --mutations 2 -- "$MIDNIGHT" adapter
check "--json exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
check "--json result conforms" grep -q '"result": "conforms"' "$WORK/out"
[ "$FAILURES" -eq 0 ] || cat "$WORK/out" "$WORK/err" >&2
finish
