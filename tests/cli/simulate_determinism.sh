# Same seed, same output byte for byte; another seed, another run.
source "$(dirname "$0")/lib.bash"

args=(simulate --nodes 7 --byzantine 2 --byzantine-mode garbage --drop 0.05 --duplicate 0.1
      --partition '3|4@500-2500' --seed 42 --json --trace)
"$MIDNIGHT" "${args[@]}" >"$WORK/a" 2>/dev/null
"$MIDNIGHT" "${args[@]}" >"$WORK/b" 2>/dev/null
check "same seed, identical JSON" cmp -s "$WORK/a" "$WORK/b"
"$MIDNIGHT" "${args[@]/42/43}" >"$WORK/c" 2>/dev/null
check_not "different seed, different run" cmp -s "$WORK/a" "$WORK/c"

# The signature memo changes no outcome, only the time: with it (the default) and
# without it the same run gives the same JSON, byte for byte, here with Byzantine
# garbage (signatures that do not verify) and a restart.
memo_args=(simulate --nodes 7 --byzantine 2 --byzantine-mode garbage,equivocate --drop 0.05 --crash 1@800:4000
           --seed 11 --json --trace)
"$MIDNIGHT" "${memo_args[@]}" >"$WORK/memo" 2>/dev/null
"$MIDNIGHT" "${memo_args[@]}" --no-verify-memo >"$WORK/nomemo" 2>/dev/null
check "memo on and off: identical JSON" cmp -s "$WORK/memo" "$WORK/nomemo"
check "memo on and off: a real run" grep -q '"agreement": true' "$WORK/memo"

# --key-seed K: other keys, hence another run, the same one every time; without it (or
# with 0) the JSON names no key_seed and the keys are those of the node indices.
run simulate --nodes 5 --seed 9 --key-seed 0 --json --trace
cp "$WORK/out" "$WORK/k0"
run simulate --nodes 5 --seed 9 --json --trace
check "--key-seed 0 is the default, byte for byte" cmp -s "$WORK/k0" "$WORK/out"
check_not "no key_seed in the JSON by default" grep -q '"key_seed"' "$WORK/out"
run simulate --nodes 5 --seed 9 --key-seed 77 --json --trace
cp "$WORK/out" "$WORK/k77"
check "--key-seed 77: exit 0" [ "$RC" -eq 0 ]
check "the JSON names the key seed" grep -q '^    "key_seed": 77,$' "$WORK/out"
check_not "another key seed, other keys" cmp -s "$WORK/k0" "$WORK/k77"
run simulate --nodes 5 --seed 9 --key-seed 77 --json --trace
check "the same key seed, identical JSON" cmp -s "$WORK/k77" "$WORK/out"

# Any partition side by node index, and the round timing: what a property's shrunk
# counterexample needs to replay on the command line. The listed side 0,1 is the split
# 2|2, and its complement 2,3 is the same cut; the default timing is 1000,1000,1000.
digest_of() { run simulate "$@"; grep -E '^  digest: ' "$WORK/out"; }
prefix=$(digest_of --nodes 4 --partition '2|2@0-4000' --drop 0.1 --seed 5)
check "listed side 0,1 = 2|2" [ "$(digest_of --nodes 4 --partition '0,1@0-4000' --drop 0.1 --seed 5)" = "$prefix" ]
# The complement is the same cut: the same run, all but the configuration line and the
# digest, which cover the configuration as written.
run simulate --nodes 4 --partition '2|2@0-4000' --drop 0.1 --seed 5
grep -Ev '^(simulate:|  digest:)' "$WORK/out" >"$WORK/cut01"
run simulate --nodes 4 --partition '3,2@0-4000' --drop 0.1 --seed 5
grep -Ev '^(simulate:|  digest:)' "$WORK/out" >"$WORK/cut23"
check "listed side 3,2 runs as its complement 2|2" cmp -s "$WORK/cut01" "$WORK/cut23"
check_not "listed side 0,2 is another cut" [ "$(digest_of --nodes 4 --partition '0,2@0-4000' --drop 0.1 --seed 5)" = "$prefix" ]
run simulate --nodes 5 --partition '1,3@0-3500' --trace
check "the listed side is named in the text" grep -q 'partition {1,3}|rest 0-3500 ms' "$WORK/out"
default=$(digest_of --nodes 5 --seed 9)
check "--timing 1000,1000,1000 is the default" [ "$(digest_of --nodes 5 --seed 9 --timing 1000,1000,1000)" = "$default" ]
check_not "--timing 700,900,800 is another run" [ "$(digest_of --nodes 5 --seed 9 --timing 700,900,800)" = "$default" ]

run simulate --nodes 5 --seed 9
cp "$WORK/out" "$WORK/t1"
run simulate --nodes 5 --seed 9
check "text mode is deterministic too" cmp -s "$WORK/t1" "$WORK/out"
check "text mode prints a digest" grep -Eq '^  digest: [0-9a-f]{64}$' "$WORK/out"

for mode in equivocate withhold garbage; do
  run simulate --nodes 7 --byzantine 2 --byzantine-mode "$mode" --json
  check "$mode: exit 0" [ "$RC" -eq 0 ]
  check "$mode: agreement" grep -q '^  "agreement": true,$' "$WORK/out"
done
# A mixed coalition: one mode per Byzantine node, in node order, named in the JSON.
run simulate --nodes 7 --byzantine 2 --byzantine-mode withhold,equivocate --json --trace
check "mixed coalition: exit 0" [ "$RC" -eq 0 ]
check "mixed coalition: agreement" grep -q '^  "agreement": true,$' "$WORK/out"
check "mixed coalition: the modes are in the JSON" grep -q '"byzantine_modes": \["withhold", "equivocate"\]' "$WORK/out"
run simulate --nodes 7 --byzantine 2 --byzantine-mode withhold,equivocate --trace
check "mixed coalition: each node's mode in the text" grep -q 'node 5 is byzantine (withhold)' "$WORK/out"
check "mixed coalition: each node's mode in the text" grep -q 'node 6 is byzantine (equivocate)' "$WORK/out"
run simulate --nodes 7 --byzantine 2 --byzantine-mode equivocate --json
check_not "one mode: no byzantine_modes in the JSON" grep -q '"byzantine_modes"' "$WORK/out"
run simulate --nodes 7 --drop 0.05 --duplicate 0.2 --crash 6@1500 --slow 5 --policy lowest-hash --rounds 8 --json
check "mixed faults: exit 0" [ "$RC" -eq 0 ]
check "mixed faults: agreement" grep -q '^  "agreement": true,$' "$WORK/out"
# With half the members equivocating the protocol promises nothing: the run that splits
# the two honest nodes must be reported as a safety violation with exit code 1. Under
# lowest hash, where the honest nodes can choose apart (under policy B they follow one
# leader, and the equivocators split nothing in these seeds).
run simulate --nodes 4 --byzantine 2 --byzantine-mode equivocate --policy lowest-hash --seed 6
check "safety violation exits 1 (rc=$RC)" [ "$RC" -eq 1 ]
check "the violation is printed" grep -q 'VIOLATION: height 1: node' "$WORK/out"
check "agreement is reported false" grep -q 'agreement: NO' "$WORK/out"
# --model-trace DIR only observes: the run is the same, byte for byte, and each height
# has its trace, whose lines are the kinds tla/TraceMidnightRound.tla reads, step lines
# last; the same run writes the same traces.
trace_args=(simulate --nodes 5 --byzantine 1 --byzantine-mode equivocate --crash 1@150:2500 --heights 2
            --height-interval 20000 --seed 7 --json --trace)
"$MIDNIGHT" "${trace_args[@]}" >"$WORK/plain" 2>/dev/null
"$MIDNIGHT" "${trace_args[@]}" --model-trace "$WORK/mt1" >"$WORK/traced" 2>/dev/null
"$MIDNIGHT" "${trace_args[@]}" --model-trace "$WORK/mt2" >/dev/null 2>&1
check "model trace on and off: identical JSON" cmp -s "$WORK/plain" "$WORK/traced"
check "one trace per height" [ -s "$WORK/mt1/height-1.ndjson" ] && [ -s "$WORK/mt1/height-2.ndjson" ]
check "the same run, the same traces" diff -r "$WORK/mt1" "$WORK/mt2"
check "a trace opens with its height" grep -q '^{"kind": "trace", "height": 1,' "$WORK/mt1/height-1.ndjson"
check "a restart is traced" grep -q '"action": "restart"' "$WORK/mt1/height-1.ndjson"
check "the equivocator's second block is a variant" grep -q '"proposer": "n4", "round": 0, "valid": true, "variant": 1' "$WORK/mt1/height-1.ndjson"
check "step lines come last" awk '/"kind": "step"/ { s = 1; next } s { exit 1 }' "$WORK/mt1/height-1.ndjson"
run trace-module "$WORK/mt1/height-1.ndjson"
check "trace-module: a TLA+ module" grep -q '^---- MODULE TraceData ----$' "$WORK/out"
check "trace-module: records" grep -q '^    \[kind |-> "trace", height |-> 1,' "$WORK/out"
printf '{"kind": "step", "x": null}\n' > "$WORK/bad.ndjson"
run trace-module "$WORK/bad.ndjson"
check "trace-module: an unconvertible line is exit 2" [ "$RC" -eq 2 ]
check "trace-module: says which line and why" grep -q 'bad.ndjson:1: null has no TLA+ value' "$WORK/err"

# --log DIR only observes: the run is the same, byte for byte, with each node's log
# (spec/node-log.md) written, Byzantine nodes included; the same run writes the same logs.
log_args=(simulate --nodes 7 --byzantine 2 --byzantine-mode garbage,equivocate --drop 0.05 --crash 1@800:4000
          --heights 2 --height-interval 20000 --seed 11 --json --trace)
"$MIDNIGHT" "${log_args[@]}" >"$WORK/nolog" 2>/dev/null
"$MIDNIGHT" "${log_args[@]}" --log "$WORK/l1" >"$WORK/withlog" 2>/dev/null
"$MIDNIGHT" "${log_args[@]}" --log "$WORK/l2" >/dev/null 2>&1
check "--log on and off: identical JSON" cmp -s "$WORK/nolog" "$WORK/withlog"
check "--log: one log per node, Byzantine nodes included" [ -s "$WORK/l1/node-0.log" ] && [ -s "$WORK/l1/node-6.log" ]
check "--log: the same run, the same logs" diff -r "$WORK/l1" "$WORK/l2"
run simulate --nodes 5 --crash 1@800:4000 --seed 9
grep -v '^simulate:' "$WORK/out" >"$WORK/t-nolog"
run simulate --nodes 5 --crash 1@800:4000 --seed 9 --log "$WORK/l3"
grep -v '^simulate:' "$WORK/out" >"$WORK/t-log"
check "--log on and off: identical text and digest" cmp -s "$WORK/t-nolog" "$WORK/t-log"

# --timeline FILE.svg only observes too: the run is the same, byte for byte, with its
# picture drawn from logs in a temporary directory (removed after) or in --log's, and the
# same run draws the same picture either way.
mkdir "$WORK/tmp"
TMPDIR="$WORK/tmp" "$MIDNIGHT" "${log_args[@]}" --timeline "$WORK/t1.svg" >"$WORK/withtimeline" 2>/dev/null
"$MIDNIGHT" "${log_args[@]}" --log "$WORK/l4" --timeline "$WORK/t2.svg" >"$WORK/withboth" 2>/dev/null
check "--timeline on and off: identical JSON" cmp -s "$WORK/nolog" "$WORK/withtimeline"
check "--timeline with --log: identical JSON" cmp -s "$WORK/nolog" "$WORK/withboth"
check "--timeline: an SVG document" grep -q '^<svg ' "$WORK/t1.svg"
check "--timeline: the same picture from a temporary directory or from --log's" cmp -s "$WORK/t1.svg" "$WORK/t2.svg"
check "--timeline with --log: the same logs" diff -r "$WORK/l1" "$WORK/l4"
check "--timeline: its temporary directory is removed" [ -z "$(ls -A "$WORK/tmp")" ]
run simulate --nodes 5 --crash 1@800:4000 --seed 9
cp "$WORK/out" "$WORK/t-plain"
run simulate --nodes 5 --crash 1@800:4000 --seed 9 --timeline "$WORK/t3.svg"
check "--timeline on and off: identical text and digest" cmp -s "$WORK/t-plain" "$WORK/out"
check "--timeline: a crashed node's band" grep -q '>crashed</text>' "$WORK/t3.svg"
run simulate --nodes 5 --seed 9 --timeline "$WORK/no-such-dir/t.svg"
check "--timeline to a file that cannot be written: exit 2 (rc=$RC)" [ "$RC" -eq 2 ]
check "--timeline: says which file" grep -q 'no-such-dir/t.svg' "$WORK/err"

finish
