# Random and mutated input never crashes `midnight decode`: the exit code is 0 or 2,
# never a signal or a sanitizer's abort. A fixed number of tries keeps the run short.
source "$(dirname "$0")/lib.bash"

RANDOM=20261124  # bash's generator, seeded: the sizes and offsets are the same every run
TRIES=150
bad=0
try() {  # try FILE [decode options]
  local file=$1; shift
  "$MIDNIGHT" decode "$@" "$file" >/dev/null 2>"$WORK/err"
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
    bad=$((bad + 1))
    echo "decode exited $rc on $(od -An -tx1 "$file" | head -c 200)" >&2
    head -5 "$WORK/err" >&2
  fi
}

for _ in $(seq "$TRIES"); do
  head -c $((RANDOM % 400)) /dev/urandom >"$WORK/r.bin"
  try "$WORK/r.bin"
  try "$WORK/r.bin" --hex
done

# Random bytes after a valid prefix (version 2, each type 0x01..0x0a) reach deeper into
# the decoders.
for _ in $(seq "$TRIES"); do
  printf "\\x02\\x$(printf %02x $((RANDOM % 10 + 1)))" >"$WORK/p.bin"
  head -c $((RANDOM % 700)) /dev/urandom >>"$WORK/p.bin"
  try "$WORK/p.bin"
done

# One byte of a valid message changed.
for kind in vote proposal commit; do
  "$MIDNIGHT" example "$kind" >"$WORK/$kind.bin"
  size=$(wc -c <"$WORK/$kind.bin")
  for _ in $(seq $((TRIES / 3))); do
    cp "$WORK/$kind.bin" "$WORK/m.bin"
    printf "\\x$(printf %02x $((RANDOM % 256)))" |
      dd of="$WORK/m.bin" bs=1 seek=$((RANDOM % size)) conv=notrunc status=none
    try "$WORK/m.bin"
  done
done

check "no crash on random input ($bad crashes)" [ "$bad" -eq 0 ]
finish
