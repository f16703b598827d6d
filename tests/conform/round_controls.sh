# The rounds family can fail: the reference's adapter with a planted fault in its node
# hosts (MIDNIGHT_NEGATIVE_CONTROL, each of the simulator's negative controls that lives in
# one node) must diverge on the rounds.json scenarios, in the scenario of the rule the
# fault breaks.
source "$(dirname "$0")/../cli/lib.bash"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"

while read -r control scenario; do
  MIDNIGHT_NEGATIVE_CONTROL=$control run conform --quiet --family rounds -- "$MIDNIGHT" adapter
  check "$control: exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
  check "$control: first divergence in $scenario" grep -q "^first divergence: rounds: $scenario\$" "$WORK/out"
  echo "$control: $scenario: $(grep -E '^  event' "$WORK/out" | head -1 | sed 's/^ *//')"
done <<'CAUGHT'
quorum-ceil two_thirds_is_no_quorum
no-lock lock_carried_into_next_round
no-announce lock_announced
hold-unchecked-body commit_with_invalid_transaction_refused
no-catch-up catch_up_by_commit_request
restart-without-journal restart_from_journal
CAUGHT
finish
