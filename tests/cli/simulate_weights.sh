# A quorum is one of weight, not of members: 200 nodes with the origin node's tier
# weights (node i weighs 10^(i mod 4)) decide with certificates whose weight is above
# two thirds of the total while some are signed by two thirds of the members or fewer,
# which a quorum counted by members would have refused.
source "$(dirname "$0")/lib.bash"

run simulate --nodes 200 --weights tiers
check "tiers: exit 0" [ "$RC" -eq 0 ]
check "tiers: all agree and finalize" grep -q 'agreement: yes.*all honest finalized: yes; certificates: valid' "$WORK/out"
# "certificate S of 200 members, weight W of 55550": every certificate a weight quorum,
# and at least one whose signers are not more than two thirds of the members.
certs=$(grep -Eo 'certificate [0-9]+ of 200 members, weight [0-9]+ of [0-9]+' "$WORK/out")
check "tiers: a certificate line per node" [ "$(printf '%s\n' "$certs" | grep -c .)" -eq 200 ]
check "tiers: the total is the tier sum" [ "$(printf '%s\n' "$certs" | awk '{print $9}' | sort -u)" = 55550 ]
check "tiers: every certificate holds more than two thirds of the weight" \
  awk '{ if (3 * $7 <= 2 * $9) exit 1 }' <<<"$certs"
check "tiers: some certificate has two thirds of the members or fewer" \
  awk 'BEGIN { found = 0 } { if (3 * $2 <= 2 * 200) found = 1 } END { exit found ? 0 : 1 }' <<<"$certs"

# A weight list, and a bad one.
run simulate --nodes 3 --weights 1,1,5
check "a weight list: exit 0" [ "$RC" -eq 0 ]
run simulate --nodes 3 --weights 1,1
check "a list of the wrong length: exit 2" [ "$RC" -eq 2 ]
finish
