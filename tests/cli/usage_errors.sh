# Bad input or usage exits 2 with a message, never a crash.
source "$(dirname "$0")/lib.bash"

expect_usage() {
  run "$@"
  check "exit 2 for: $* (rc=$RC)" [ "$RC" -eq 2 ]
  check "a message for: $*" [ -s "$WORK/err" ]
}
expect_usage
expect_usage frobnicate
expect_usage simulate
expect_usage simulate --nodes
expect_usage simulate --nodes 0
expect_usage simulate --nodes 2001
expect_usage simulate --nodes abc
expect_usage simulate --nodes 4x
expect_usage simulate --nodes -3
expect_usage simulate --nodes 99999999999999999999999
expect_usage simulate --nodes 4 --bogus
expect_usage simulate --nodes 4 --byzantine 4
expect_usage simulate --nodes 4 --byzantine-mode sneaky
expect_usage simulate --nodes 7 --byzantine 2 --byzantine-mode mirror,sneaky
expect_usage simulate --nodes 7 --byzantine 2 --byzantine-mode mirror,
expect_usage simulate --nodes 7 --byzantine 2 --byzantine-mode mirror,garbage,withhold
expect_usage simulate --nodes 7 --byzantine-mode mirror,garbage
expect_usage simulate --nodes 4 --partition '2|3@0-5000'
expect_usage simulate --nodes 4 --partition '2|2'
expect_usage simulate --nodes 4 --partition '2|2@5000-0'
expect_usage simulate --nodes 4 --partition '0|4@0-10'
expect_usage simulate --nodes 4 --partition '0,1,2,3@0-10'
expect_usage simulate --nodes 4 --partition '1,1@0-10'
expect_usage simulate --nodes 4 --partition '4@0-10'
expect_usage simulate --nodes 4 --partition '0,@0-10'
expect_usage simulate --nodes 4 --timing 1000,1000
expect_usage simulate --nodes 4 --timing 1000,0,1000
expect_usage simulate --nodes 4 --timing 1000,x,1000
expect_usage simulate --nodes 4 --slow 4
expect_usage simulate --nodes 4 --drop 1.5
expect_usage simulate --nodes 4 --drop nan
expect_usage simulate --nodes 4 --duplicate -0.1
expect_usage simulate --nodes 4 --crash 1
expect_usage simulate --nodes 4 --crash 7@100
expect_usage simulate --nodes 4 --policy fastest
expect_usage simulate --nodes 4 --timing 1000,1000,1000,500,1
expect_usage simulate --nodes 4 --timing 1000,1000,1000,x
expect_usage simulate --nodes 4 --timing 1000,1000,1000,1000000001
expect_usage simulate --nodes 4 --rounds 0
# Rounds are unbounded (wire v2): 2^32 - 1 is the one round number no round has.
expect_usage simulate --nodes 4 --rounds 4294967295
expect_usage simulate --nodes 4 --rounds 99999999999
expect_usage simulate --nodes 4 --seed ''
expect_usage simulate --nodes 4 --key-seed ''
expect_usage simulate --nodes 4 --key-seed -1
expect_usage decode
expect_usage decode a b
expect_usage decode --frob x

# What wire v1 refused is a valid run now: more than 16 rounds, and a fourth --timing
# value (the per-round increment, 0 for equal rounds).
for args in '--rounds 17' '--rounds 100000' '--timing 1000,1000,1000,0' '--timing 700,900,800,250'; do
  run simulate --nodes 4 $args
  check "simulate --nodes 4 $args runs (rc=$RC)" [ "$RC" -eq 0 ]
  check "simulate --nodes 4 $args: no message" [ ! -s "$WORK/err" ]
done

# K >= N/3 is allowed, with a warning.
run simulate --nodes 4 --byzantine 2 --byzantine-mode withhold
check "K >= N/3 runs (rc=$RC is 0 or 1)" [ "$RC" -le 1 ]
check "K >= N/3 warns" grep -q 'warning' "$WORK/err"

run --help
check "--help exits 0" [ "$RC" -eq 0 ]
check "--help shows usage" grep -q 'usage: midnight' "$WORK/out"
finish
