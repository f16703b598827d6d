# Shared helpers of the CLI tests (sourced, not run: the glob only takes *.sh).
# Only bash, grep, awk, cmp and coreutils: python is not on every CI machine.
set -u
MIDNIGHT=${1:?usage: bash script.sh /path/to/midnight}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILURES=0
PASSES=0

fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { PASSES=$((PASSES + 1)); }
check() {  # check DESCRIPTION COMMAND...: passes if the command succeeds
  local what=$1; shift
  if "$@"; then pass; else fail "$what"; fi
}
check_not() {  # check_not DESCRIPTION COMMAND...: passes if the command fails
  local what=$1; shift
  if "$@"; then fail "$what"; else pass; fi
}
# Runs midnight, keeping stdout, stderr and the exit code in $WORK/{out,err} and $RC.
run() {
  "$MIDNIGHT" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
finish() {
  echo "$PASSES passed, $FAILURES failed"
  [ "$FAILURES" -eq 0 ]
}
# The one-line records of the "finalized" array: one per finalization.
finalized_lines() { grep '"via":' "$1"; }
# Value of a numeric or string field in a one-line JSON record.
field() {  # field NAME < lines
  awk -v name="$1" '{
    if (match($0, "\"" name "\": (\"[^\"]*\"|[0-9]+)")) {
      v = substr($0, RSTART + length(name) + 4, RLENGTH - length(name) - 4); gsub(/"/, "", v); print v
    }
  }'
}
