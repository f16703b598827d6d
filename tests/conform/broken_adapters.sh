# The oracle's own failure modes: a broken adapter or bad usage is exit 2 with a reason,
# an adapter that supports nothing is exit 1 (not covered), never a pass.
source "$(dirname "$0")/../cli/lib.bash"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"

expect() {  # expect RC DESCRIPTION ARGS...
  local want=$1 what=$2; shift 2
  run conform --quiet --family hashing "$@"
  check "$what: exit $want (rc=$RC)" [ "$RC" -eq "$want" ]
}
expect 2 "no adapter command"
expect 2 "an unknown option" --bogus -- "$MIDNIGHT" adapter
expect 2 "an unknown family" --family nonsense -- "$MIDNIGHT" adapter
expect 2 "a command that does not exist" -- "$WORK/no-such-adapter"
expect 2 "an adapter that exits at once" -- false
check "it says the adapter exited" grep -q "exited" "$WORK/err"
expect 2 "an adapter that echoes its requests (no ok, error or unsupported)" -- cat
check "it names the missing answer kind" grep -q "exactly one of ok, error and unsupported" "$WORK/err"
expect 2 "a vectors directory that does not exist" --vectors "$WORK/none" -- "$MIDNIGHT" adapter

# Answers that are not JSON, or carry another id.
cat >"$WORK/garbage.sh" <<'ADAPTER'
while read -r line; do echo "this is not json"; done
ADAPTER
expect 2 "an adapter that answers garbage" -- bash "$WORK/garbage.sh"
cat >"$WORK/wrong_id.sh" <<'ADAPTER'
while read -r line; do echo '{"id":999,"ok":{}}'; done
ADAPTER
expect 2 "an adapter that answers with another id" -- bash "$WORK/wrong_id.sh"

# An adapter that says hello and supports nothing else: every case is not covered.
cat >"$WORK/nothing.sh" <<'ADAPTER'
while read -r line; do
  id=$(printf '%s' "$line" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
  case "$line" in
    *'"op":"hello"'*) echo "{\"id\":$id,\"ok\":{\"adapter_version\":1,\"implementation\":\"nothing\",\"ops\":[]}}" ;;
    *) echo "{\"id\":$id,\"unsupported\":\"not implemented\"}" ;;
  esac
done
ADAPTER
expect 1 "an adapter that supports nothing" -- bash "$WORK/nothing.sh"
check "the report says NOT COVERED" grep -q "^result: NOT COVERED" "$WORK/out"
check "it names the first case not covered" grep -q "not covered, hashing: sha256" "$WORK/out"

# A vector file the oracle does not know is an error, not a silent skip.
cp -r spec/vectors "$WORK/vectors"
echo '{"family":"novel"}' >"$WORK/vectors/novel.json"
expect 2 "a vector family the oracle does not drive" --vectors "$WORK/vectors" -- "$MIDNIGHT" adapter
check "it names the file" grep -q "novel.json" "$WORK/err"
# And a list inside a known file that nothing exercises.
sed 's/^  "sha256": \[/  "unchecked": [], "sha256": [/' spec/vectors/hashing.json >"$WORK/vectors/hashing.json"
rm "$WORK/vectors/novel.json"
expect 2 "a vector list the oracle does not drive" --vectors "$WORK/vectors" -- "$MIDNIGHT" adapter
check "it names the list" grep -q "'unchecked'" "$WORK/err"
finish
