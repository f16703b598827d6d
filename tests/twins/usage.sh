# Bad arguments exit 2, naming the option.
source "$(dirname "$0")/lib.bash"
bad() {  # bad PATTERN ARGS...
  local pattern=$1; shift
  run twins "$@"
  check "twins $*: exit 2" [ "$RC" -eq 2 ]
  check "twins $*: names the fault" grep -q -- "$pattern" "$WORK/err"
}
bad "--shard" --shard 3/3
bad "--shard" --shard 1
bad "--limit" --limit 0
bad "rounds must be" --rounds 0
bad "--rounds" --rounds 9
bad "members must be" --members 1
bad "--scenario" --scenario 8503056
bad "unknown control" --negative-control nope
bad "unknown option" --frobnicate
finish
