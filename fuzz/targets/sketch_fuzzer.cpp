// libFuzzer target: the transaction sketch (spec/reconciliation.md): its byte decoder and
// its peeling, on cells a peer chose.
// Beyond "no crash", for every input:
//   bytes    decode_tx_sketch of the raw input into a sketch of 4 cells a hash either
//            succeeds and re-encodes to exactly the input, or fails with a sketch error
//            and leaves the sketch exactly as it was;
//   peeling  the input's first byte picks 1 + (b mod 32) cells a hash, the rest fill the
//            cells; decoding peels at most cells() ids, and whatever it ends with, the
//            sketch it leaves plus the ids it peeled (each inserted or erased back) is
//            the sketch it was given: it never invents or loses an id. Success leaves
//            the sketch empty.
// Built with MIDNIGHT_SKETCH_FUZZER_LEAKY_PEEL it is a negative control: the peeled ids
// are reported one short (the last is dropped), and the rebuild check must catch it
// (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/check.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/crypto/hash.hpp"

using namespace midnight;

namespace {

const SketchKey& fuzz_key() {
  static const SketchKey key = sketch_key(Hash32{{0x5c}});
  return key;
}

void check_bytes(std::span<const std::uint8_t> in) {
  static TxSketch target = TxSketch::make(fuzz_key(), 4).value();
  static std::vector<std::uint8_t> again(target.encoded_size());
  const TxSketch before = target;
  const auto r = decode_tx_sketch(in, target);
  if (!r) {
    MIDNIGHT_FUZZ_CHECK(r.error().category() == error_category_of<sketch_errc>(), "a sketch rejection is a sketch_errc");
    MIDNIGHT_FUZZ_CHECK(target == before, "a rejected sketch changed the target");
    return;
  }
  MIDNIGHT_FUZZ_CHECK(in.size() == target.encoded_size(), "an accepted sketch is not exactly one sketch long");
  encode_tx_sketch(target, again);
  MIDNIGHT_FUZZ_CHECK(std::equal(again.begin(), again.end(), in.begin(), in.end()),
                      "an accepted sketch does not re-encode to its bytes");
}

void check_peeling(std::span<const std::uint8_t> in) {
  if (in.empty()) return;
  const std::size_t per_hash = 1 + in[0] % 32;
  TxSketch given = TxSketch::make(fuzz_key(), per_hash).value();
  std::vector<std::uint8_t> bytes(given.encoded_size(), 0);
  store_u32(bytes.data(), static_cast<std::uint32_t>(per_hash));
  std::copy_n(in.begin() + 1, std::min(in.size() - 1, bytes.size() - kSketchHeaderBytes),
              bytes.begin() + kSketchHeaderBytes);
  MIDNIGHT_FUZZ_CHECK(decode_tx_sketch(bytes, given).has_value(), "a well-sized sketch was refused");
  TxSketch s = given;
  std::vector<ShortTxId> inserted;
  std::vector<ShortTxId> erased;
  inserted.reserve(s.cells());
  erased.reserve(s.cells());
  const bool ok = s.decode(inserted, erased).has_value();
#ifdef MIDNIGHT_SKETCH_FUZZER_LEAKY_PEEL
  if (!inserted.empty()) inserted.pop_back();
#endif
  MIDNIGHT_FUZZ_CHECK(inserted.size() + erased.size() <= s.cells(), "peeling went past the table's size");
  MIDNIGHT_FUZZ_CHECK(!ok || s.empty(), "a decoded sketch is not empty");
  for (const ShortTxId id : inserted) s.insert(id);
  for (const ShortTxId id : erased) s.erase(id);
  MIDNIGHT_FUZZ_CHECK(s == given, "the peeled ids and the rest do not rebuild the sketch given");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  check_bytes(in);
  check_peeling(in);
  return 0;
}
