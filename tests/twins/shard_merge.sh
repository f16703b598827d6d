# Shards merge into the unsharded run's report, byte for byte: the same scenarios, the
# same violations (a negative control, so that there are some to merge), in index order.
source "$(dirname "$0")/lib.bash"
OPTS=(--members 3 --rounds 1 --negative-control quorum-ceil)

run twins "${OPTS[@]}" --json
check "whole: exit 1 (the control is found)" [ "$RC" -eq 1 ]
cp "$WORK/out" "$WORK/whole.json"
for k in 0 1 2; do
  run twins "${OPTS[@]}" --shard "$k/3" --json
  cp "$WORK/out" "$WORK/shard$k.json"
done
run twins --merge "$WORK/shard2.json" "$WORK/shard0.json" "$WORK/shard1.json" --json
check "merge: exit 1 (violations merged)" [ "$RC" -eq 1 ]
check "merge: the unsharded report, byte for byte" cmp -s "$WORK/out" "$WORK/whole.json"
check "merge: as many scenarios as the enumeration" \
  [ "$(report_count "$WORK/out" scenarios_run)" = "$(grep -m1 '"scenario_count"' "$WORK/whole.json" | sed 's/.*: //; s/,$//')" ]
check "merge: some violations" [ "$(report_count "$WORK/out" violating_scenarios)" -gt 0 ]
# A clean enumeration merges to a clean report too.
for k in 0 1; do
  run twins --members 3 --rounds 1 --shard "$k/2" --json
  cp "$WORK/out" "$WORK/clean$k.json"
done
run twins --merge "$WORK/clean0.json" "$WORK/clean1.json"
check "clean merge: exit 0" [ "$RC" -eq 0 ]
check "clean merge: all 375" grep -q '375 of 375 scenarios run, 0 violating' "$WORK/out"
finish
