// The transaction sketch (block/tx_sketch.hpp, spec/reconciliation.md) over generated
// sets: two sets that share any part, sketched with one key and the sizing rule for
// their true difference, subtract into a sketch that decodes to exactly the ids each
// side alone holds, or says undecodable. It never reports an id that is not in the
// difference, and never misses one while claiming success. A size chosen too small
// (a tenth of the rule) may fail, and must then say so.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "midnight/block/tx_sketch.hpp"
#include "midnight/crypto/hash.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;

RC_GTEST_PROP(Sketch, TheDifferenceDecodesExactlyOrSaysUndecodable, ()) {
  const auto common = *gen::container<std::set<ShortTxId>>(gen::arbitrary<ShortTxId>());
  const auto only_a = *gen::container<std::set<ShortTxId>>(gen::arbitrary<ShortTxId>());
  const auto only_b = *gen::container<std::set<ShortTxId>>(gen::arbitrary<ShortTxId>());
  std::set<ShortTxId> a(common);
  a.insert(only_a.begin(), only_a.end());
  std::set<ShortTxId> b(common);
  b.insert(only_b.begin(), only_b.end());
  // The true difference (the generated parts may overlap).
  std::vector<ShortTxId> want_a;
  std::vector<ShortTxId> want_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(want_a));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(want_b));
  const std::size_t d = want_a.size() + want_b.size();
  const bool undersized = *gen::inRange(0, 4) == 0;
  const std::size_t per_hash =
      undersized ? std::max<std::size_t>(1, TxSketch::cells_per_hash_for(d) / 10) : TxSketch::cells_per_hash_for(d);
  const SketchKey key = sketch_key(*gen::apply([](std::uint64_t x) {
    Hash32 salt;
    store_u64(salt.data(), x);
    return salt;
  }, gen::arbitrary<std::uint64_t>()));

  TxSketch sa = TxSketch::make(key, per_hash).value();
  TxSketch sb = TxSketch::make(key, per_hash).value();
  for (const ShortTxId id : a) sa.insert(id);
  for (const ShortTxId id : b) sb.insert(id);
  RC_ASSERT(sa.subtract(sb).has_value());
  std::vector<ShortTxId> got_a;
  std::vector<ShortTxId> got_b;
  got_a.reserve(sa.cells());
  got_b.reserve(sa.cells());
  const bool ok = sa.decode(got_a, got_b).has_value();
  std::sort(got_a.begin(), got_a.end());
  std::sort(got_b.begin(), got_b.end());
  // Whatever the outcome, every id it reports is in the difference, on the right side.
  RC_ASSERT(std::includes(want_a.begin(), want_a.end(), got_a.begin(), got_a.end()));
  RC_ASSERT(std::includes(want_b.begin(), want_b.end(), got_b.begin(), got_b.end()));
  if (ok) {
    RC_ASSERT(got_a == want_a);
    RC_ASSERT(got_b == want_b);
  }
  RC_TAG(undersized ? "a tenth of the rule" : "the sizing rule");
  RC_CLASSIFY(ok, "decoded");
  RC_CLASSIFY(d == 0, "no difference");
  if (!undersized) RC_ASSERT(ok || d > 0);  // an empty difference always decodes
}

}  // namespace
}  // namespace midnight::prop
