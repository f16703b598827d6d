# `midnight simulate` with the two single-height runs that wire v2's unbounded rounds and
# growing steps are for: a ten-minute 2|2 partition from midnight, and a lossy, slow
# network. Both must end with every node finalizing one block.
source "$(dirname "$0")/lib.bash"

# S(r): the scheduled start of round r with the default timing (1000,1000,1000 ms, +500 ms
# per step and round): 3000 r + 3 * 500 * r (r - 1) / 2 (spec/protocol.md 5.1).
round_start() { echo $((3000 * $1 + 1500 * $1 * ($1 - 1) / 2)); }
# The round the schedule is in at time T: the highest r with S(r) <= T.
round_at() {
  local r=0
  while [ "$(round_start $((r + 1)))" -le "$1" ]; do r=$((r + 1)); done
  echo "$r"
}
check "S(1) = 3000" [ "$(round_start 1)" -eq 3000 ]
check "S(2) = 7500" [ "$(round_start 2)" -eq 7500 ]
check "S(3) = 13500" [ "$(round_start 3)" -eq 13500 ]

# 2|2 for ten minutes: neither side has a quorum (3 of 4). The heal at 600000 ms falls in
# round 26 (S(26) = 565500, S(27) = 607500); every node must finalize the same block after
# the heal, within two rounds of the round it falls in.
HEAL=600000
heal_round=$(round_at "$HEAL")
check "the heal falls in round 26 (got $heal_round)" [ "$heal_round" -eq 26 ]
check "S(26) = 565500" [ "$(round_start 26)" -eq 565500 ]
run simulate --nodes 4 --partition "2|2@0-$HEAL" --json
check "long 2|2 exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
out="$WORK/out"
check "long 2|2 config: unbounded rounds" grep -q '^    "rounds": 0,$' "$out"
check "long 2|2 config: the increment" grep -q '"increment_ms": 500}' "$out"
check "long 2|2 agreement" grep -q '^  "agreement": true,$' "$out"
check "long 2|2 all honest finalized" grep -q '^  "all_honest_finalized": true,$' "$out"
check "long 2|2 no violation" grep -q '^  "violations": \[\],$' "$out"
finalized_lines "$out" >"$WORK/fin"
check "long 2|2 four finalizations" [ "$(wc -l <"$WORK/fin")" -eq 4 ]
check "long 2|2 nodes 0..3 each finalize" [ "$(field node <"$WORK/fin" | sort -u | tr '\n' ' ')" = "0 1 2 3 " ]
check "long 2|2 one block id" [ "$(field block_id <"$WORK/fin" | sort -u | wc -l)" -eq 1 ]
early=$(field at <"$WORK/fin" | awk -v heal="$HEAL" '$1 < heal' | wc -l)
check "long 2|2 none before $HEAL ms (got $early)" [ "$early" -eq 0 ]
late=$(field round <"$WORK/fin" | awk -v r="$heal_round" '$1 < r || $1 > r + 2' | wc -l)
check "long 2|2 all decide in rounds $heal_round..$((heal_round + 2)) (got $late outside)" [ "$late" -eq 0 ]
# The round a node decides in is the round the schedule is in when it decides.
for line in $(seq 1 4); do
  at=$(sed -n "${line}p" "$WORK/fin" | field at)
  round=$(sed -n "${line}p" "$WORK/fin" | field round)
  check "long 2|2 decision at $at ms is in round $round" [ "$(round_at "$at")" -eq "$round" ]
done
check "long 2|2 the partition dropped messages" [ "$(grep '"dropped_partition"' "$out" | grep -o '[0-9]*')" -gt 0 ]

# 30% loss and 2-6 s latency (longer than round 0's steps): the steps grow until
# messages arrive in time. Seeds 1..5: every node decides, and they agree.
for seed in 1 2 3 4 5; do
  run simulate --nodes 4 --drop 0.3 --latency 2000-6000 --seed "$seed" --json
  check "lossy seed $seed exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
  out="$WORK/out"
  check "lossy seed $seed agreement" grep -q '^  "agreement": true,$' "$out"
  check "lossy seed $seed all honest finalized" grep -q '^  "all_honest_finalized": true,$' "$out"
  check "lossy seed $seed certificates ok" grep -q '^  "certificates_ok": true,$' "$out"
  finalized_lines "$out" >"$WORK/fin"
  check "lossy seed $seed four finalizations" [ "$(wc -l <"$WORK/fin")" -eq 4 ]
  check "lossy seed $seed every node decides" [ "$(field node <"$WORK/fin" | sort -u | wc -l)" -eq 4 ]
  check "lossy seed $seed one block id" [ "$(field block_id <"$WORK/fin" | sort -u | wc -l)" -eq 1 ]
  check "lossy seed $seed random drops happened" [ "$(grep '"dropped_random"' "$out" | grep -o '[0-9]*')" -gt 0 ]
done
finish
