# The rounds family can fail: the reference's adapter with a planted fault in its node
# hosts (MIDNIGHT_NEGATIVE_CONTROL, the simulator's negative controls that live in one
# node) must diverge on the rounds.json scenarios, at the rule the fault breaks. The
# controls the six scenarios do not reach are printed, not hidden: they are the rounds
# vectors' known coverage gap.
source "$(dirname "$0")/../cli/lib.bash"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"

while read -r control scenario; do
  MIDNIGHT_NEGATIVE_CONTROL=$control run conform --quiet --family rounds -- "$MIDNIGHT" adapter
  check "$control: exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
  check "$control: first divergence in $scenario" grep -q "^first divergence: rounds: $scenario\$" "$WORK/out"
  echo "$control: $(grep -E '^  event' "$WORK/out" | head -1)"
done <<'CAUGHT'
no-lock lock_carried_into_next_round
no-catch-up catch_up_by_commit_request
restart-without-journal restart_from_journal
CAUGHT

for control in quorum-ceil no-announce hold-unchecked-body; do
  MIDNIGHT_NEGATIVE_CONTROL=$control run conform --quiet --family rounds -- "$MIDNIGHT" adapter
  check "$control: a clean report (rc=$RC)" [ "$RC" -le 1 ]
  echo "$control: $(grep '^result' "$WORK/out") (not reached by the six rounds.json scenarios)"
done
finish
