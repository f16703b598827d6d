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

# A proposal's VRF proof is checked against the proposer's VRF key, which the membership
# lists (the example masternode is the proposer): valid under it, not under the signing
# key; without --vrf-key only the unverified output is shown.
"$MIDNIGHT" decode "$WORK/masternode.bin" >"$WORK/mn.json"
vrf_key=$(sed -n 's/.*"vrf_key": "\([0-9a-f]\{64\}\)".*/\1/p' "$WORK/mn.json")
signing_key=$(sed -n 's/.*"key": "\([0-9a-f]\{64\}\)".*/\1/p' "$WORK/mn.json")
check "the masternode lists a VRF key" [ ${#vrf_key} -eq 64 ]
check "the VRF key is not the signing key" [ "$vrf_key" != "$signing_key" ]
run decode --vrf-key "$vrf_key" "$WORK/proposal.bin"
check "proposal with its VRF key decodes (rc=$RC)" [ "$RC" -eq 0 ]
check "the proof verifies under the VRF key" grep -q '"vrf_valid": true' "$WORK/out"
check "the verified output is shown" grep -q '"vrf_output": "[0-9a-f]\{128\}"' "$WORK/out"
run decode --vrf-key "$signing_key" "$WORK/proposal.bin"
check "the proof does not verify under the signing key" grep -q '"vrf_valid": false' "$WORK/out"
run decode "$WORK/proposal.bin"
check "without a VRF key: the unverified output" grep -q '"vrf_output_unverified": "[0-9a-f]\{128\}"' "$WORK/out"
check "without a VRF key: no verdict" bash -c "! grep -q vrf_valid '$WORK/out'"
run decode --vrf-key 1234 "$WORK/proposal.bin"
check "a short --vrf-key exits 2 (rc=$RC)" [ "$RC" -eq 2 ]

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

# Wire v1 bytes: the example vote with version byte 1 is refused on its first byte.
vote_hex=$("$MIDNIGHT" example vote --hex)
check "the example vote is wire version 2" [ "${vote_hex:0:4}" = "0205" ]
printf '01%s' "${vote_hex:2}" >"$WORK/v1.hex"
run decode --hex "$WORK/v1.hex"
check "a v1 vote exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
check "v1: names the error" grep -q 'not a known version' "$WORK/err"
check "v1: names the field" grep -q "field 'prefix.version', byte offset 0" "$WORK/err"

# The polka and re-proposal messages of wire v2, built from the examples' parts. A polka:
# the proposal body, then a certificate body (the example's is a precommit, so as a polka's
# prevote its signature does not verify).
proposal_hex=$("$MIDNIGHT" example proposal --hex)
cert_hex=$("$MIDNIGHT" example certificate --hex)
printf '020f%s%s' "${proposal_hex:4}" "${cert_hex:4}" >"$WORK/rp.hex"
run decode --hex "$WORK/rp.hex"
check "polka decodes (rc=$RC)" [ "$RC" -eq 0 ]
check "polka JSON names its type" grep -q '"type": "polka"' "$WORK/out"
check "polka JSON has its proposal" grep -q '"proposal": {' "$WORK/out"
check "polka's polka names the proposal's block" grep -q '"polka_names_block": true' "$WORK/out"
check "a precommit signature is no prevote" grep -q '"signature_valid": false' "$WORK/out"
printf '020f%s' "${proposal_hex:4}" >"$WORK/rp-cut.hex"
run decode --hex "$WORK/rp-cut.hex"
check "polka without its certificate exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
check "polka cut: names the field" grep -q "field 'certificate.chain_id', byte offset 296" "$WORK/err"
# A re-proposal: round 7, the example vote's voter as reproposer, a zero VRF proof and a
# zero signature, then the polka's body: it decodes, and its signature does not verify.
printf '0209%s%s%0160d%0128d%s%s' 00000007 "${vote_hex:160:64}" 0 0 "${proposal_hex:4}" "${cert_hex:4}" >"$WORK/re.hex"
run decode --hex "$WORK/re.hex"
check "reproposal decodes (rc=$RC)" [ "$RC" -eq 0 ]
check "reproposal JSON names its type" grep -q '"type": "reproposal"' "$WORK/out"
check "reproposal JSON has its round" grep -q '"round": 7' "$WORK/out"
check "reproposal JSON has its reproposer" grep -q "\"reproposer\": \"${vote_hex:160:64}\"" "$WORK/out"
check "reproposal's polka names the proposal's block" grep -q '"polka_names_block": true' "$WORK/out"
check "a zero reproposal signature does not verify" grep -q '"signature_valid": false' "$WORK/out"
printf '0209%s%s%0160d%0128d%s' 00000007 "${vote_hex:160:64}" 0 0 "${proposal_hex:4}" >"$WORK/re-cut.hex"
run decode --hex "$WORK/re-cut.hex"
check "reproposal without its polka exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
check "reproposal cut: names the field" grep -q "field 'certificate.chain_id', byte offset 476" "$WORK/err"
# A commit request: the example vote's chain id and voter, height 1, a zero signature.
printf '020a%s%s%s%0128d' "${vote_hex:4:64}" 0000000000000001 "${vote_hex:160:64}" 0 >"$WORK/cr.hex"
run decode --hex "$WORK/cr.hex"
check "commit_request decodes (rc=$RC)" [ "$RC" -eq 0 ]
check "commit_request JSON names its type" grep -q '"type": "commit_request"' "$WORK/out"
check "commit_request JSON has its height" grep -q '"height": 1' "$WORK/out"
check "commit_request JSON has its requester" grep -q "\"requester\": \"${vote_hex:160:64}\"" "$WORK/out"
check "a zero signature does not verify" grep -q '"signature_valid": false' "$WORK/out"
{ cat "$WORK/cr.hex"; printf '00'; } >"$WORK/cr-long.hex"
run decode --hex "$WORK/cr-long.hex"
check "commit_request with a trailing byte exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
check "commit_request trailing: offset 138" grep -q 'byte offset 138' "$WORK/err"

for garbage in '' 'zz' '0' '0105' '0205' 'ff05' '02ff' '020b' 'hello world'; do
  printf '%s' "$garbage" | "$MIDNIGHT" decode --hex - >"$WORK/out" 2>"$WORK/err"
  rc=$?
  check "garbage hex '$garbage' exits 2 (rc=$rc)" [ "$rc" -eq 2 ]
  check "garbage hex '$garbage' says why" [ -s "$WORK/err" ]
done
run decode /nonexistent/file
check "missing file exits 2" [ "$RC" -eq 2 ]
finish
