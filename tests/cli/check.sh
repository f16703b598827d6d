# `midnight check`: node logs (spec/node-log.md) written by `simulate --log` and judged.
# Honest runs show no finding; Byzantine runs and the planted faults are found and blamed
# on the members at fault only; hand-edited logs are found; unreadable logs are exit 2
# with the file and line; memory does not grow with the number of heights.
source "$(dirname "$0")/lib.bash"

sim_logs() {  # sim_logs DIR SIMULATE-ARGS...: the run's logs in DIR, its output in $WORK/sim
  local dir=$1; shift
  rm -rf "$dir"
  "$MIDNIGHT" simulate "$@" --log "$dir" >"$WORK/sim" 2>/dev/null
}
key_of() { sed -n 2p "$1" | cut -c6-13; }  # the short key of a log's node
blamed() { grep '^  blamed: ' "$WORK/out" | awk '{print $4}' | sort -u; }

# Honest runs under faults: no finding.
honest_runs=(
  "--nodes 7 --drop 0.1 --partition 4|3@0-5000"
  "--nodes 7 --drop 0.1 --partition 4|3@0-5000 --seed 3"
  "--nodes 5 --crash 1@800:4000 --drop 0.05 --seed 2"
  "--nodes 5 --crash 1@1500:6000:torn-append --crash 2@2500:7000:after-sync --seed 4"
  "--nodes 6 --slow 2 --heights 3 --height-interval 20000 --seed 5"
  "--nodes 7 --mempool-divergence 0.2 --weights 1,2,3,4,5,6,7 --seed 6"
  "--nodes 4 --drop 0.3 --duplicate 0.2 --heights 2 --height-interval 30000 --seed 8"
)
for args in "${honest_runs[@]}"; do
  # shellcheck disable=SC2086
  sim_logs "$WORK/h" $args
  check "honest ($args): one log per node" [ -s "$WORK/h/node-0.log" ]
  run check "$WORK"/h/*.log
  check "honest ($args): exit 0 (rc=$RC)" [ "$RC" -eq 0 ]
  check "honest ($args): no finding" grep -q '^check: .* 0 findings;' "$WORK/out"
  case $args in
    *divergence*) check "bodies are elided" grep -Eq '^(sent|recv) [0-9]+ [0-9a-f]{64} -(07|0c):[0-9]+$' "$WORK"/h/*.log ;;
  esac
done
check "a log opens with its version and node" grep -q '^midnight-log 1$' "$WORK/h/node-0.log"
check "heights 1 and 2 in a two-height run" grep -q '^height 2 ' "$WORK/h/node-0.log"
check "decisions carry a certificate" grep -Eq '^decided [0-9]+ 0206[0-9a-f]+$' "$WORK/h/node-0.log"
sim_logs "$WORK/r" --nodes 5 --crash 1@800:4000 --drop 0.05 --seed 2
check "a restart is logged" grep -q '^restart 4000$' "$WORK/r/node-1.log"

# Equivocating members: found, and no one else blamed; an equivocation shows both votes.
sim_logs "$WORK/e" --nodes 7 --byzantine 2 --byzantine-mode equivocate
byz="$(key_of "$WORK/e/node-5.log") $(key_of "$WORK/e/node-6.log")"
byz_sorted=$(tr ' ' '\n' <<<"$byz" | sort -u)
run check "$WORK"/e/*.log
check "equivocate: exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
check "equivocate: equivocations found" grep -q '^equivocation (protocol.md §5.3' "$WORK/out"
check "equivocate: only the two Byzantine members blamed" [ "$(blamed)" = "$byz_sorted" ]
check "equivocate: two signed votes for a vote equivocation" \
  awk '/^equivocation/ { e = 1; n = 0; next } e && /^  evidence: .*:[0-9]+ 0205/ { n++ } e && n == 2 { ok = 1 } END { exit !ok }' "$WORK/out"
run check --json "$WORK"/e/*.log
check "--json: exit 1" [ "$RC" -eq 1 ]
text_count=$("$MIDNIGHT" check "$WORK"/e/*.log | grep -Ec '^[a-z-]+ \(')
check "--json: the same findings ($text_count)" [ "$(grep -c '"finding": ' "$WORK/out")" -eq "$text_count" ]
check "--json: a finding count" grep -q "\"finding_count\": $text_count" "$WORK/out"

# Every Byzantine mode: those that sign conflicting messages are found; none blames an
# honest member.
for mode in garbage mirror selective grind withhold withhold-body bad-body late-polka lock-split; do
  sim_logs "$WORK/b" --nodes 7 --byzantine 2 --byzantine-mode "$mode"
  run check "$WORK"/b/*.log
  case $mode in
    garbage | mirror | selective | grind) check "$mode: found (rc=$RC)" [ "$RC" -eq 1 ] ;;&
    garbage) check "garbage: bad signatures found" grep -q '^bad-signature' "$WORK/out" ;;
    *) check "$mode: exit 0 or 1 (rc=$RC)" [ "$RC" -le 1 ] ;;
  esac
  for k in $(blamed); do
    check "$mode: blames only Byzantine members ($k)" grep -qw "$k" <<<"$byz"
  done
done

# Beyond the fault bound: the simulator's broken agreement is a disagreement with both
# certificates.
sim_logs "$WORK/d" --nodes 4 --byzantine 2 --byzantine-mode equivocate --policy lowest-hash --seed 6
check "the simulator reports agreement broken" grep -q 'agreement: NO' "$WORK/sim"
run check "$WORK"/d/*.log
check "disagreement: exit 1" [ "$RC" -eq 1 ]
check "disagreement found" grep -q '^disagreement (claims.md §2.1) height 1$' "$WORK/out"
check "disagreement: both certificates" \
  awk '/^disagreement/ { d = 1; next } d && /^  evidence: .*:[0-9]+ 0206/ { n++ } /^[a-z]/ { d = 0 } END { exit n != 2 }' "$WORK/out"
byz4="$(key_of "$WORK/d/node-2.log") $(key_of "$WORK/d/node-3.log")"
for k in $(blamed); do
  check "4 of 2: blames only Byzantine members ($k)" grep -qw "$k" <<<"$byz4"
done

# The planted fault: retries without the lock rule. The simulator's own monitor names
# the nodes that broke their lock; check finds the same members from their logs.
sim_logs "$WORK/n" --nodes 4 --negative-control no-lock --drop 0.2 --crash 1@1500:5000 --seed 1
run check "$WORK"/n/*.log
check "no-lock: exit 1" [ "$RC" -eq 1 ]
check "no-lock: a lock finding" grep -q '^lock (protocol.md §6) height 1$' "$WORK/out"
check "no-lock: the precommit that locked and the prevote, signed" \
  awk '/^lock/ { l = 1; n = 0; next } l && /^  evidence: .*:[0-9]+ 0205/ { n++ } /^[a-z]/ { if (l && n == 2) ok = 1; l = 0 } END { if (l && n == 2) ok = 1; exit !ok }' "$WORK/out"
expected=$(grep -o 'VIOLATION: node [0-9]* (member [0-9]*) locked' "$WORK/sim" | awk '{print $5}' | tr -d ')' | sort -u)
found=$(grep '^  blamed: ' "$WORK/out" | awk '{print $3}' | sort -u)
check "no-lock: the members the simulator names ($expected = $found)" [ -n "$expected" ] && [ "$expected" = "$found" ]
sim_logs "$WORK/n2" --nodes 4 --negative-control no-lock --drop 0.2 --crash 1@1500:5000 --seed 2
run check "$WORK"/n2/*.log
check "no-lock, a run that keeps its locks: exit 0" [ "$RC" -eq 0 ]

# The other planted faults that sign or decide what the protocol forbids. A restart
# without the journal signs a second vote in a round it had voted in: an equivocation of
# the member the simulator's monitor names. Quorums of ceil(2W/3): the honest nodes decide
# on certificates of two thirds of the weight, which section 7.1 rejects.
sim_logs "$WORK/rj" --nodes 4 --crash 1@150:600 --drop 0.1 --negative-control restart-without-journal --seed 5
run check "$WORK"/rj/*.log
check "restart-without-journal: exit 1" [ "$RC" -eq 1 ]
check "restart-without-journal: an equivocation" grep -q '^equivocation (protocol.md §5.3, §1.2) height 1$' "$WORK/out"
expected=$(grep -o 'VIOLATION: node [0-9]* (member [0-9]*)' "$WORK/sim" | awk '{print $5}' | tr -d ')' | sort -u)
found=$(grep '^  blamed: ' "$WORK/out" | awk '{print $3}' | sort -u)
check "restart-without-journal: the member the simulator names ($expected = $found)" [ -n "$expected" ] && [ "$expected" = "$found" ]
sim_logs "$WORK/qc" --nodes 3 --byzantine 1 --negative-control quorum-ceil --seed 1
run check "$WORK"/qc/*.log
check "quorum-ceil: exit 1" [ "$RC" -eq 1 ]
check "quorum-ceil: each honest decision's certificate is bad" \
  [ "$(grep -c '^bad-certificate (protocol.md §7.1) height 1$' "$WORK/out")" -eq 2 ]
check "quorum-ceil: the certificate is the evidence" \
  awk '/^bad-certificate/ { b = 1; next } b && /^  evidence: .*:[0-9]+ 0206/ { n++ } /^[a-z]/ { b = 0 } END { exit n != 2 }' "$WORK/out"

# Hand-edited logs, from the honest 7-node run.
sim_logs "$WORK/x" --nodes 7 --drop 0.1 --partition '4|3@0-5000'
log=$WORK/x/node-0.log
# A forged vote: one signature digit changed. The link's peer is blamed.
line=$(grep -n '^recv [0-9]* [0-9a-f]* 0205' "$log" | head -1 | cut -d: -f1)
peer=$(sed -n "${line}p" "$log" | awk '{print substr($3, 1, 8)}')
awk -v n="$line" 'NR == n { c = substr($0, length($0)); $0 = substr($0, 1, length($0) - 1) (c == "0" ? "1" : "0") } { print }' \
  "$log" >"$WORK/forged.log"
run check "$WORK/forged.log"
check "forged signature: exit 1" [ "$RC" -eq 1 ]
check "forged signature: bad-signature" grep -q '^bad-signature' "$WORK/out"
check "forged signature: the link's peer blamed" grep -q "^  blamed: member [0-9]* $peer\$" "$WORK/out"
check "forged signature: the line" grep -q "^  evidence: $WORK/forged.log:$line 0205" "$WORK/out"
# The prevotes that formed the polka removed: the node's precommit has none.
pc=$(awk '$1 == "sent" && substr($4, 1, 4) == "0205" && substr($4, 93, 2) == "02" && substr($4, 159, 2) == "01" { print NR; exit }' "$log")
awk -v n="$pc" 'NR < n && $1 == "recv" && (substr($4, 1, 4) == "0205" && substr($4, 93, 2) == "01" || substr($4, 1, 4) == "020f" || substr($4, 1, 4) == "0209") { next } { print }' \
  "$log" >"$WORK/nopolka.log"
run check "$WORK/nopolka.log"
check "polka removed: exit 1" [ "$RC" -eq 1 ]
check "polka removed: precommit-without-polka" grep -q '^precommit-without-polka (protocol.md §5.4) height 1$' "$WORK/out"
check "polka removed: the node blamed" grep -q "^  blamed: member [0-9]* $(key_of "$log")\$" "$WORK/out"
run check "$log"
check "the log unedited: exit 0" [ "$RC" -eq 0 ]
# A Byzantine member's real conflicting vote copied into an honest log: its two prevotes
# of one round, sent to two recipients, now both received by node 0.
blog=$WORK/e/node-6.log
pair=$(awk '$1 == "sent" && substr($4, 1, 4) == "0205" && substr($4, 93, 2) == "01" {
  k = substr($4, 85, 10); b = substr($4, 95, 66)
  if (k in first && first[k] != b) { print line[k] " " $4; exit }
  if (!(k in first)) { first[k] = b; line[k] = $4 }
}' "$blog")
bkey=$(sed -n 2p "$blog" | cut -c6-)
{ cat "$WORK/x/node-0.log"; echo "recv 100 $bkey ${pair%% *}"; echo "recv 101 $bkey ${pair##* }"; } >"$WORK/copied.log"
# The Byzantine node is not a member of the honest run: both runs have the same keys for
# the same indices, so node 6's key is a member there too.
run check "$WORK/copied.log"
check "copied votes: exit 1" [ "$RC" -eq 1 ]
check "copied votes: an equivocation of node 6's member" grep -q "^  blamed: member [0-9]* $(key_of "$blog")\$" "$WORK/out"
n=$(wc -l <"$WORK/x/node-0.log")
check "copied votes: a copied line is the evidence" grep -Eq "copied.log:($((n + 1))|$((n + 2))) 0205" "$WORK/out"

# Unreadable logs: exit 2 with the file, the line and the reason.
good=$WORK/x/node-0.log
head -2 "$good" >"$WORK/hdr"
member_line=$(grep -n '^member ' "$good" | head -1 | cut -d: -f1)
unreadable() {  # unreadable NAME LINE REASON: $WORK/NAME.log is refused at LINE
  run check "$WORK/$1.log"
  check "$1: exit 2 (rc=$RC)" [ "$RC" -eq 2 ]
  check "$1: file, line and reason ($(cat "$WORK/err"))" grep -q "$WORK/$1.log:$2: $3" "$WORK/err"
}
: >"$WORK/empty.log"; unreadable empty 1 'missing version'
{ echo "midnight-log 2"; } >"$WORK/version.log"; unreadable version 1 'unknown log version'
{ echo "# comment"; echo "midnight-log 1"; sed -n 3p "$good"; } >"$WORK/nonode.log"; unreadable nonode 3 'missing node'
{ cat "$good"; echo "vote 1"; } >"$WORK/unknown.log"; unreadable unknown $(($(wc -l <"$good") + 1)) 'unknown record'
sed '3s/^height 1 /height 01 /' "$good" >"$WORK/zero.log"; unreadable zero 3 'field not of its form'
sed "${member_line}s/^member \([0-9a-f]*\)/member \U\1/" "$good" >"$WORK/caps.log"; unreadable caps "$member_line" 'field not of its form'
{ cat "$good"; echo "restart 18446744073709551616"; } >"$WORK/big.log"; unreadable big $(($(wc -l <"$good") + 1)) 'field not of its form'
{ cat "$good"; sed -n '3,10p' "$good"; } >"$WORK/ascend.log"; unreadable ascend $(($(wc -l <"$good") + 1)) 'heights do not ascend'
sed "$((member_line + 1))d" "$good" >"$WORK/count.log"; unreadable count $((member_line + 6)) 'member lines do not match'
awk -v m="$member_line" 'NR == m { held = $0; next } { print } NR == m + 1 { print held }' "$good" >"$WORK/order.log"
unreadable order $((member_line + 1)) 'members not in ascending key order'
sed "${member_line}s/ 1\$/ 0/" "$good" >"$WORK/weight.log"; unreadable weight $((member_line + 6)) 'not a valid membership'
{ cat "$WORK/hdr"; echo "restart 1"; } >"$WORK/before.log"; unreadable before 3 'record before the first height line'
{ cat "$good"; echo "recv 1 $(printf '1%.0s' {1..64}) 0205"; } >"$WORK/stranger.log"
unreadable stranger $(($(wc -l <"$good") + 1)) 'key is not a member of its height'
{ cat "$good"; echo "recv 1 $(sed -n 2p "$good" | cut -c6-) -05:176"; } >"$WORK/elided.log"
unreadable elided $(($(wc -l <"$good") + 1)) 'a message of this type must be written whole'
run check "$good" "$WORK/empty.log"
check "one unreadable log among good ones: exit 2" [ "$RC" -eq 2 ]
run check "$WORK/absent.log"
check "a missing file: exit 2" [ "$RC" -eq 2 ]
check "a missing file: named" grep -q "absent.log" "$WORK/err"
run check
check "no log: exit 2" [ "$RC" -eq 2 ]
check "no log: usage" grep -q 'usage: midnight check' "$WORK/err"
run check --frobnicate "$good"
check "unknown option: exit 2" [ "$RC" -eq 2 ]

# Memory: the checker keeps a height's state only while the logs are in it, so 90
# heights take no more than 3. With 13 members a checker that kept every height (the
# per-height drop switched off) peaked 1,796 to 2,016 KiB higher at 90 heights than at 3;
# the peak RSS of one run varies by up to 520 KiB either way, so the margin is 1 MiB.
rss() { /usr/bin/time -f %M "$MIDNIGHT" check "$@" 2>&1 >/dev/null | tail -1; }
sim_logs "$WORK/m3" --nodes 13 --heights 3 --height-interval 20000 --drop 0.05
sim_logs "$WORK/m90" --nodes 13 --heights 90 --height-interval 20000 --drop 0.05
check "90 heights: clean" "$MIDNIGHT" check "$WORK"/m90/*.log
check "90 heights: every height's section" grep -q '^height 90 ' "$WORK/m90/node-0.log"
small=$(rss "$WORK"/m3/*.log)
large=$(rss "$WORK"/m90/*.log)
echo "peak RSS: 3 heights ${small} KiB, 90 heights ${large} KiB"
# Under the sanitizers the peak measures their allocator (quarantine, shadow, caches:
# 560 KiB more for 30 heights even with the quarantine off), not what the checker keeps;
# the release preset makes the comparison.
if [ "${MIDNIGHT_SANITIZED:-0}" = 1 ]; then
  echo "memory comparison skipped under the sanitizers (made in the release preset)"
else
  check "90 heights in the memory of 3 (${small} and ${large} KiB)" [ "$large" -le $((small + 1024)) ]
fi

finish
