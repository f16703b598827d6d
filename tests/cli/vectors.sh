# `midnight vectors`: the conformance vectors committed in spec/vectors/ are exactly what the
# reference generates now. A change to an encoding, a hash, a signing input or a decision
# fails here until the vectors are regenerated on purpose:
#   build/release/bin/midnight vectors --out spec/vectors
source "$(dirname "$0")/lib.bash"

VECTORS=$(cd "$(dirname "$0")/../../spec/vectors" && pwd)
FAMILIES="hashing signing encoding rejections quorum block_building selection rounds vrf reconciliation"
# The comparison CI relies on: everything but the README, both ways (a missing, an extra or
# a changed file all count).
same_tree() { diff -r -x README.md "$1" "$2" >"$WORK/diff" 2>&1; }
json_object() { [ "$(head -c 1 "$1")" = "{" ] && [ "$(tail -n 1 "$1")" = "}" ]; }

run vectors --out "$WORK/gen"
check "vectors --out exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
check "vectors --out writes nothing to stdout" [ ! -s "$WORK/out" ]
for f in $FAMILIES; do
  check "$f.json generated" [ -s "$WORK/gen/$f.json" ]
  check "$f.json committed" [ -s "$VECTORS/$f.json" ]
  check "$f.json is one JSON object" json_object "$WORK/gen/$f.json"
  check "$f.json names its family" grep -q "^  \"family\": \"$f\",\$" "$WORK/gen/$f.json"
done
check "no other files are generated" [ "$(ls "$WORK/gen" | wc -l)" -eq 10 ]

if same_tree "$VECTORS" "$WORK/gen"; then
  pass
else
  fail "spec/vectors/ differs from what the reference generates. If the change is intended, regenerate:" \
       "build/release/bin/midnight vectors --out spec/vectors (and see spec/vectors/README.md)"
  head -n 40 "$WORK/diff" >&2
fi

# The comparison catches drift: one hex digit changed in a copy of the committed vectors
# (the first txid of hashing.json), a file missing, a file added.
cp -r "$VECTORS" "$WORK/mutated"
awk '!done && match($0, /"txid": "[0-9a-f]/) {
       c = substr($0, RSTART + RLENGTH - 1, 1)
       $0 = substr($0, 1, RSTART + RLENGTH - 2) (c == "0" ? "1" : "0") substr($0, RSTART + RLENGTH)
       done = 1
     }
     { print }' "$VECTORS/hashing.json" >"$WORK/mutated/hashing.json"
check_not "the mutation changed the copy" cmp -s "$VECTORS/hashing.json" "$WORK/mutated/hashing.json"
check "one line differs" [ "$(diff "$VECTORS/hashing.json" "$WORK/mutated/hashing.json" | grep -c '^>')" -eq 1 ]
check_not "a changed digit is caught" same_tree "$WORK/mutated" "$WORK/gen"
check "the diff names the file" grep -q 'hashing.json' "$WORK/diff"
cp "$VECTORS/hashing.json" "$WORK/mutated/hashing.json"
check "restored copy compares equal" same_tree "$WORK/mutated" "$WORK/gen"
rm "$WORK/mutated/rounds.json"
check_not "a missing file is caught" same_tree "$WORK/mutated" "$WORK/gen"
cp "$VECTORS/rounds.json" "$WORK/mutated/rounds.json"
echo '{}' >"$WORK/mutated/extra.json"
check_not "an extra file is caught" same_tree "$WORK/mutated" "$WORK/gen"

# Without --out: one document with every family, the same on every run.
run vectors
check "vectors exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
for f in $FAMILIES; do
  check "stdout document has $f" grep -q "^    \"$f\": {\$" "$WORK/out"
done
# Determinism: a second run gives the same bytes (one repeat, of the files: a run takes
# some 25 s, and the document and the files come from one generator).
run vectors --out "$WORK/gen2"
check "a second --out run is identical" same_tree "$WORK/gen" "$WORK/gen2"

# Usage errors.
run vectors --bogus
check "unknown option exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
run vectors --out
check "--out without a directory exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
: >"$WORK/a-file"
run vectors --out "$WORK/a-file"
check "--out naming a file exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
finish
