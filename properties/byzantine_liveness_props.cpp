// Liveness with Byzantine members that send: the property (byzantine_liveness.hpp).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "byzantine_liveness.hpp"

namespace midnight::prop {
namespace {

RC_GTEST_PROP(ByzantineLiveness, EveryHonestNodeDecidesByTheFirstHonestLedRoundAfterStabilisation, ()) {
  check_byzantine_liveness(*gen_byzantine_liveness_config());
}

}  // namespace
}  // namespace midnight::prop
