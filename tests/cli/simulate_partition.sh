# `midnight simulate` with the issue's two partitions, checked on the JSON output.
source "$(dirname "$0")/lib.bash"

# 2|2: neither side has a quorum (3 of 4): nothing before the heal, then all four agree.
run simulate --nodes 4 --partition '2|2@0-5000' --json
check "2|2 exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
out="$WORK/out"
check "2|2 quorum is 3" grep -q '^  "quorum": 3,$' "$out"
check "2|2 agreement" grep -q '^  "agreement": true,$' "$out"
check "2|2 all honest finalized" grep -q '^  "all_honest_finalized": true,$' "$out"
finalized_lines "$out" >"$WORK/fin"
check "2|2 four finalizations" [ "$(wc -l <"$WORK/fin")" -eq 4 ]
check "2|2 none before 5000 ms" [ "$(field at <"$WORK/fin" | awk '$1 < 5000' | wc -l)" -eq 0 ]
check "2|2 one block id" [ "$(field block_id <"$WORK/fin" | sort -u | wc -l)" -eq 1 ]
check "2|2 block ids are full hex" [ "$(field block_id <"$WORK/fin" | grep -Ec '^[0-9a-f]{64}$')" -eq 4 ]
check "2|2 config echoed" grep -q '{"side_a": \[0, 1\], "start_ms": 0, "heal_ms": 5000}' "$out"
check "2|2 partition dropped messages" [ "$(grep '"dropped_partition"' "$out" | grep -o '[0-9]*')" -gt 0 ]

# 7|3: the big side is exactly a quorum (7 of 10) and finalizes during the partition;
# the three adopt the same block after healing.
run simulate --nodes 10 --partition '7|3@0-5000' --json
check "7|3 exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
out="$WORK/out"
check "7|3 quorum is 7" grep -q '^  "quorum": 7,$' "$out"
check "7|3 agreement" grep -q '^  "agreement": true,$' "$out"
finalized_lines "$out" >"$WORK/fin"
check "7|3 ten finalizations" [ "$(wc -l <"$WORK/fin")" -eq 10 ]
big_early=$(awk '{n = $0; sub(/.*"node": /, "", n); sub(/,.*/, "", n); a = $0; sub(/.*"at": /, "", a); sub(/,.*/, "", a);
                 if (n + 0 < 7 && a + 0 < 5000) c++ } END { print c + 0 }' "$WORK/fin")
small_late=$(awk '{n = $0; sub(/.*"node": /, "", n); sub(/,.*/, "", n); a = $0; sub(/.*"at": /, "", a); sub(/,.*/, "", a);
                   if (n + 0 >= 7 && a + 0 >= 5000) c++ } END { print c + 0 }' "$WORK/fin")
check "7|3 all seven of the big side finalize before 5000 ms (got $big_early)" [ "$big_early" -eq 7 ]
check "7|3 the three finalize after healing (got $small_late)" [ "$small_late" -eq 3 ]
check "7|3 one block id" [ "$(field block_id <"$WORK/fin" | sort -u | wc -l)" -eq 1 ]
check "7|3 the small side adopts commits" [ "$(grep -c '"via": "commit"' "$WORK/fin")" -ge 3 ]

# Text mode says the same.
run simulate --nodes 4 --partition '2|2@0-5000'
check "text mode exits 0" [ "$RC" -eq 0 ]
check "text mode shows agreement" grep -q 'agreement: yes' "$WORK/out"
finish
