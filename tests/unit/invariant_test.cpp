// core/invariant.hpp: a failed safety invariant stops the process in every build; a
// failed invariant does wherever this build checks them (the sanitizer and fuzz builds
// always do), and is not evaluated where it does not.
#include <gtest/gtest.h>

#include "midnight/core/invariant.hpp"

namespace midnight {
namespace {

TEST(Invariant, ThisBuildChecksWhatItPromises) {
  // MIDNIGHT_INVARIANTS (CMake) is ON in the sanitizer and fuzz builds, and the library
  // and the tests are compiled with it: the header agrees.
  EXPECT_EQ(kInvariantsChecked, MIDNIGHT_INVARIANTS_PROMISED == 1);
}

TEST(InvariantDeathTest, AFailedSafetyInvariantAbortsWithTheConditionInEveryBuild) {
  const int members = 4;
  EXPECT_DEATH(MIDNIGHT_SAFETY_INVARIANT(members > 64 && "a test's planted failure"),
               "invariant failed: members > 64 && \"a test's planted failure\"");
  MIDNIGHT_SAFETY_INVARIANT(members == 4 && "holds: nothing happens");
}

TEST(InvariantDeathTest, AFailedInvariantAbortsWhereCheckedAndIsNotEvaluatedElsewhere) {
  int evaluated = 0;
  const auto count = [&] {
    ++evaluated;
    return true;
  };
  MIDNIGHT_INVARIANT(count() && "evaluated only where checked");
  EXPECT_EQ(evaluated, kInvariantsChecked ? 1 : 0);
  if (kInvariantsChecked) {
    EXPECT_DEATH(MIDNIGHT_INVARIANT(evaluated == 7 && "a test's planted failure"), "invariant failed");
  } else {
    MIDNIGHT_INVARIANT(evaluated == 7 && "not checked in this build: no effect");
  }
}

}  // namespace
}  // namespace midnight
