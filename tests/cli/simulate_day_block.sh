# A day's block: 1,000,000 transactions built by every node, encoded into each node's
# commit, decoded by the judge and decided in round 0 of a simulated height.
source "$(dirname "$0")/lib.bash"

run simulate --nodes 2 --mempool 1000000 --json
check "a day's block: exit 0" [ "$RC" -eq 0 ]
check "a day's block: agreement" grep -q '^  "agreement": true,$' "$WORK/out"
check "a day's block: both decided" [ "$(finalized_lines "$WORK/out" | grep -c '"round": 0,')" -eq 2 ]
check "a day's block: 1,000,000 transactions and the coinbase" \
  [ "$(finalized_lines "$WORK/out" | field block_transactions | sort -u)" = 1000001 ]
check "a day's block: a commit of over 100 MB" \
  [ "$(finalized_lines "$WORK/out" | field commit_bytes | sort -u)" -gt 100000000 ]
finish
