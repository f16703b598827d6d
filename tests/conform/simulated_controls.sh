# The differential rounds can fail: the reference's adapter with a planted fault in its
# node hosts (MIDNIGHT_NEGATIVE_CONTROL), played against its own shadow in the simulator,
# must diverge in the simulated family alone; and the replay line the report prints must
# show the same divergence again, on its own.
source "$(dirname "$0")/../cli/lib.bash"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"

for control in quorum-ceil no-lock no-announce hold-unchecked-body no-catch-up restart-without-journal; do
  MIDNIGHT_NEGATIVE_CONTROL=$control run conform --quiet --fail-fast --family simulated -- "$MIDNIGHT" adapter
  check "$control: exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
  check "$control: a simulated run diverges" grep -q "^first divergence: simulated: " "$WORK/out"
  replay=$(sed -n 's/^  replay: midnight conform //p' "$WORK/out")
  check "$control: a replay line with its scenario" grep -q -- "--scenario '" <<<"$replay"
  echo "$control: $(grep -E '^first divergence' "$WORK/out") $(grep -A3 '^  rule' "$WORK/out" | sed -n 2p)"
  echo "  replay: $replay"
  first=$(grep -A3 '^  rule' "$WORK/out" | sed -n 2p)
  # The replay line as printed: its scenario is one shell word in single quotes.
  eval "set -- $replay"
  MIDNIGHT_NEGATIVE_CONTROL=$control run conform --quiet "$@"
  check "$control: the replay line exits 1 (rc=$RC)" [ "$RC" -eq 1 ]
  check "$control: the replay shows the same divergence" grep -qF -- "$first" "$WORK/out"
done
finish
