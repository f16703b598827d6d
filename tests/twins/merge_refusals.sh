# Reports that are not the shards of one enumeration are refused, with the reason:
# another enumeration, another shard count (overlap), a shard twice, a shard missing,
# another limit, a shard that stopped at its first violation, a file that is no report.
source "$(dirname "$0")/lib.bash"
OPTS=(--members 3 --rounds 1 --limit 5)
report() {  # report NAME OPTIONS...
  local name=$1; shift
  "$MIDNIGHT" twins "$@" --json >"$WORK/$name.json" 2>/dev/null
}
report s0of2 "${OPTS[@]}" --shard 0/2
report s1of2 "${OPTS[@]}" --shard 1/2
report s1of3 "${OPTS[@]}" --shard 1/3
report seed2 "${OPTS[@]}" --shard 1/2 --seed 2
report limit6 --members 3 --rounds 1 --limit 6 --shard 1/2
report first --members 3 --rounds 1 --limit 5 --shard 1/2 --first
echo '{"enumeration": 1}' >"$WORK/bad.json"

refused() {  # refused DESCRIPTION PATTERN FILES...
  local what=$1 pattern=$2; shift 2
  local files=()
  for f in "$@"; do files+=("$WORK/$f.json"); done
  run twins --merge "${files[@]}"
  check "$what: exit 2" [ "$RC" -eq 2 ]
  check "$what: says why" grep -q "$pattern" "$WORK/err"
}
run twins --merge "$WORK/s0of2.json" "$WORK/s1of2.json"
check "the two shards merge" [ "$RC" -eq 0 ]
refused "another enumeration" "another enumeration" s0of2 seed2
refused "overlapping shards" "the shards overlap" s0of2 s1of3
refused "a shard twice" "given twice" s0of2 s0of2 s1of2
refused "a shard missing" "shard 1/2 is missing" s0of2
refused "another limit" "limit" s0of2 limit6
refused "a shard stopped early" "stopped at its first violation" s0of2 first
refused "not a report" "not an object" s0of2 bad
run twins --merge
check "--merge without files: exit 2" [ "$RC" -eq 2 ]
finish
