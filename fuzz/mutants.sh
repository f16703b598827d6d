#!/usr/bin/env bash
# Shows that the decoder targets' and the round fuzzer's checks can fail: each mutant
# below plants one fault in the library (a weaker check, a hash or signature over the
# wrong bytes, an output written on failure), and the committed corpus, replayed by the
# gcc build of every decoder target and of round_fuzzer, must catch it. Not part of CI (each mutant is a rebuild); run it after
# changing a target or the corpus:
#   fuzz/mutants.sh            # a temporary git worktree of HEAD, a Release build, ~1 min per mutant
# Prints one line per mutant with the checks that caught it; exits 1 if any survived.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$work/src" >/dev/null 2>&1; rm -rf "$work"' EXIT
git -C "$repo" worktree add -q --detach "$work/src" HEAD
cd "$work/src" || exit 2
targets=(proposal vote block certificate reproposal journal round)
build() {
  cmake --build "$work/b" -j2 --target "${targets[@]/%/_fuzzer_replay}" >"$work/build.log" 2>&1
}
cmake -S . -B "$work/b" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMIDNIGHT_TLA_TESTS=OFF >/dev/null || exit 2
build || { tail -20 "$work/build.log"; exit 2; }

# mutant NAME FILE OLD NEW: replace the one occurrence of OLD in FILE by NEW.
survivors=0
mutant() {
  local name=$1 file=$2
  git checkout -q -- reference
  if ! OLD=$3 NEW=$4 perl -0pi -e '$n = s/\Q$ENV{OLD}\E/$ENV{NEW}/g; die "found $n times\n" unless $n == 1' "$file"; then
    echo "$name: cannot apply (the code changed: update fuzz/mutants.sh)"; survivors=$((survivors + 1)); return
  fi
  if ! build; then echo "$name: does not build"; survivors=$((survivors + 1)); return; fi
  local caught="" out t
  for t in "${targets[@]}"; do
    out=$("$work/b/bin/${t}_fuzzer_replay" "fuzz/corpus/${t}_fuzzer" 2>&1) ||
      caught+=" ${t}_fuzzer: $(grep -m1 'fuzz check failed' <<<"$out" | sed 's/fuzz check failed: //');"
  done
  if [ -z "$caught" ]; then echo "$name: SURVIVED"; survivors=$((survivors + 1)); else echo "$name: caught by$caught"; fi
}

mutant "certificate weight check removed" reference/src/consensus/certificate.cpp \
  'if (!m.reaches_quorum(weight)) return' 'if (false && !m.reaches_quorum(weight)) return'
mutant "block id hashes one byte short" reference/src/wire/signing.cpp \
  'return Sha256().update(tag::kBlockId).update(body).finish();' \
  'return Sha256().update(tag::kBlockId).update(std::span<const std::uint8_t>(body).first(kHeaderBodySize - 1)).finish();'
mutant "journal corruption read as a torn tail" reference/src/journal/journal_record.cpp \
  'if (remaining > kJournalFrameSize) return journal_errc::corrupt_frame;' ''
mutant "failed certificate decode writes its output" reference/src/wire/codec.cpp \
  $'  if (e != kOk) return e;\n  out = c;\n  return outcome::success();\n}\n\nresult<void> decode_block' \
  $'  out = c;\n  if (e != kOk) return e;\n  return outcome::success();\n}\n\nresult<void> decode_block'
mutant "vote signature check always true" reference/src/wire/signing.cpp \
  '  return verify_detached(v.voter, v.signature, in);' $'  (void)in;\n  return true;'
mutant "vote signature check omits the approve byte" reference/src/wire/signing.cpp \
  'return verify_detached(v.voter, v.signature, in);' \
  'return verify_detached(v.voter, v.signature, std::span<const std::uint8_t>(in).first(in.size() - 1));'
mutant "block decoder accepts unsorted transactions" reference/src/wire/codec.cpp \
  'if (i >= 2 && !(previous < id)) return r.reject(' 'if (false && i >= 2 && !(previous < id)) return r.reject('
mutant "journal record re-encoded without its lock round" reference/src/journal/journal_record.cpp \
  'store_u32(payload + 9, record.lock.round);' 'store_u32(payload + 9, 0);'
mutant "polka verified as precommits" reference/src/consensus/certificate.cpp \
  'return verify_quorum(polka, m, chain, VoteStep::prevote);' 'return verify_quorum(polka, m, chain, VoteStep::precommit);'
mutant "failed re-proposal decode writes its output" reference/src/wire/codec.cpp \
  $'  if (e != kOk) return e;\n  out = rp;' $'  out = rp;\n  if (e != kOk) return e;'
mutant "commit request signature check always true" reference/src/wire/signing.cpp \
  'return verify_detached(c.requester, c.signature, in);' $'(void)in;\n  return true;'
mutant "round skip at a third of the weight" reference/src/consensus/round_machine.cpp \
  'if (3 * weight > m.total_weight()) return ahead[i].first;' 'if (3 * weight >= m.total_weight()) return ahead[i].first;'
git checkout -q -- reference
echo "$survivors mutants survived"
[ "$survivors" -eq 0 ]
