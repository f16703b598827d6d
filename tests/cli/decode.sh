# `midnight decode`: valid messages print every field as JSON; broken ones exit 2
# naming the error, the field and the byte offset.
source "$(dirname "$0")/lib.bash"

"$MIDNIGHT" example vote >"$WORK/vote.bin"
check "example vote is 176 bytes" [ "$(wc -c <"$WORK/vote.bin")" -eq 176 ]
run decode "$WORK/vote.bin"
check "vote decodes (rc=$RC)" [ "$RC" -eq 0 ]
for f in '"type": "vote"' '"step": "precommit"' '"approve": true' '"signature_valid": true' '"height": 1' \
         '"round": 0' '"chain_id": "' '"block_id": "' '"voter": "' '"signature": "'; do
  check "vote JSON has $f" grep -qF "$f" "$WORK/out"
done

# The same vote as hex text with whitespace, from standard input.
"$MIDNIGHT" example vote --hex | sed 's/../& /g' | fold -w 31 >"$WORK/vote.hex"
"$MIDNIGHT" decode --hex - <"$WORK/vote.hex" >"$WORK/hexout" 2>&1
check "hex with whitespace decodes the same" cmp -s "$WORK/out" "$WORK/hexout"

for kind in proposal header masternode transaction certificate block commit; do
  "$MIDNIGHT" example "$kind" >"$WORK/$kind.bin"
  run decode "$WORK/$kind.bin"
  check "$kind decodes (rc=$RC)" [ "$RC" -eq 0 ]
  check "$kind JSON names its type" grep -q "\"type\": \"$kind\"" "$WORK/out"
done
check "commit shows transactions with txids" grep -q '"txid": "[0-9a-f]\{64\}"' "$WORK/out"
check "commit certificate names its block" grep -q '"certificate_names_block": true' "$WORK/out"

# Truncated: the vote cut inside the voter key (bytes 80..111).
head -c 100 "$WORK/vote.bin" >"$WORK/cut.bin"
run decode "$WORK/cut.bin"
check "truncated vote exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
check "truncated: names the error" grep -q 'ends inside a field' "$WORK/err"
check "truncated: names the field" grep -q "field 'vote.voter'" "$WORK/err"
check "truncated: names the offset" grep -q 'byte offset 80' "$WORK/err"

# A trailing byte.
{ cat "$WORK/vote.bin"; printf 'x'; } >"$WORK/long.bin"
run decode "$WORK/long.bin"
check "trailing byte exits 2" [ "$RC" -eq 2 ]
check "trailing byte: offset 176" grep -q 'byte offset 176' "$WORK/err"

# A bad vote step (byte 2+32+8+4 = 46) and a bad approve flag (byte 79).
printf '\x07' | dd of="$WORK/vote.bin" bs=1 seek=46 conv=notrunc status=none
run decode "$WORK/vote.bin"
check "bad step exits 2" [ "$RC" -eq 2 ]
check "bad step: named" grep -q 'vote step' "$WORK/err"
check "bad step: offset 46" grep -q 'byte offset 46' "$WORK/err"

for garbage in '' 'zz' '0' '0105' 'ff05' '01ff' '0199' 'hello world'; do
  printf '%s' "$garbage" | "$MIDNIGHT" decode --hex - >"$WORK/out" 2>"$WORK/err"
  rc=$?
  check "garbage hex '$garbage' exits 2 (rc=$rc)" [ "$rc" -eq 2 ]
  check "garbage hex '$garbage' says why" [ -s "$WORK/err" ]
done
run decode /nonexistent/file
check "missing file exits 2" [ "$RC" -eq 2 ]
finish
