# `--timeline`: the picture in README.md, docs/timeline-partition.svg, is exactly what the
# command draws now (the demo's partition scenario); a change to the simulator, the logs,
# the adapter or the renderer fails here until the picture is regenerated on purpose:
#   build/release/bin/midnight simulate --nodes 4 --partition '2|2@0-5000' --timeline docs/timeline-partition.svg
# Then `midnight check --timeline` of the same run's logs: the same lanes and marks,
# findings marked, and its usage errors.
source "$(dirname "$0")/lib.bash"

DOCS=$(cd "$(dirname "$0")/../../docs" && pwd)
PICTURE_ARGS=(simulate --nodes 4 --partition '2|2@0-5000')

run "${PICTURE_ARGS[@]}" --timeline "$WORK/partition.svg"
check "simulate --timeline exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
check "docs/timeline-partition.svg is committed" [ -s "$DOCS/timeline-partition.svg" ]
if cmp -s "$DOCS/timeline-partition.svg" "$WORK/partition.svg"; then
  pass
else
  fail "docs/timeline-partition.svg differs from what the command draws. If the change is intended, regenerate:" \
       "build/release/bin/midnight simulate --nodes 4 --partition '2|2@0-5000' --timeline docs/timeline-partition.svg"
  diff "$DOCS/timeline-partition.svg" "$WORK/partition.svg" | head -n 20 >&2
fi

# What the picture holds: four lanes named by node, the band over the cut-off side {0,1},
# the three rounds of the run, four decisions and the drops of the partition.
svg="$WORK/partition.svg"
check "the title names the run and its range" grep -q '^<title>simulate --nodes 4 --partition 0,1@0-5000 --seed 1 \[0 \.\. [0-9]* ms\]</title>$' "$svg"
check "lanes by node index" grep -q '>node 3 (w 1)</text>' "$svg"
check "the partition band is labelled" grep -q '>partition 2|2</text>' "$svg"
check "rounds r0 to r2" grep -q '>r2</text>' "$svg"
check "one decision per node" [ "$(grep -o '>h1</text>' "$svg" | wc -l)" -eq 4 ]

# check --timeline draws the same logs; a clean run marks no finding.
run "${PICTURE_ARGS[@]}" --log "$WORK/logs"
run check --timeline "$WORK/check.svg" "$WORK"/logs/node-*.log
check "check --timeline of a clean run exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
check "check --timeline still prints its summary" grep -q '^check: 4 logs, [0-9]* records, 0 findings;' "$WORK/out"
check "check --timeline: lanes by member index and weight" grep -q '>n0 (w 1)</text>' "$WORK/check.svg"
# The violations group is empty: its opening line is followed by its closing one.
check "no violation marked" [ "$(grep -A1 '^<g id="violations">$' "$WORK/check.svg" | tail -n 1)" = "</g>" ]

run simulate --nodes 4 --byzantine 1 --byzantine-mode equivocate --seed 3 --time-limit 20000 --log "$WORK/eq"
run check --timeline "$WORK/eq.svg" "$WORK"/eq/node-*.log
check "check --timeline with findings exits 1 (rc=$RC)" [ "$RC" -eq 1 ]
check "check --timeline: a finding marked" grep -q '>equivocation</text>' "$WORK/eq.svg"
run check --json --timeline "$WORK/eq2.svg" "$WORK"/eq/node-*.log
check "check --json --timeline: the same picture" cmp -s "$WORK/eq.svg" "$WORK/eq2.svg"

run check --timeline
check "check --timeline without a file: exit 2 (rc=$RC)" [ "$RC" -eq 2 ]
check "check --timeline without a file: says so" grep -q -- '--timeline needs a FILE.svg' "$WORK/err"
run check --timeline "$WORK/no-such-dir/x.svg" "$WORK"/logs/node-0.log
check "check --timeline to an unwritable file: exit 2 (rc=$RC)" [ "$RC" -eq 2 ]
check "check --timeline to an unwritable file: names it" grep -q 'no-such-dir/x.svg' "$WORK/err"

finish
