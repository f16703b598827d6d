// Invariants: what the library's own code guarantees, checked where it matters. Never a
// property that peer input decides: bad input gets an error value (core/result.hpp), and
// no message can make an invariant fail unless the library is wrong.
//
//   MIDNIGHT_INVARIANT(condition)         checked when MIDNIGHT_CHECK_INVARIANTS is 1: the
//                                         sanitizer and fuzz builds (CMake option
//                                         MIDNIGHT_INVARIANTS, ON with MIDNIGHT_SANITIZE or
//                                         MIDNIGHT_FUZZ) and, by default, any build without
//                                         NDEBUG. Otherwise not evaluated. Write the reason
//                                         into the condition: `x < n && "why"`.
//   MIDNIGHT_SAFETY_INVARIANT(condition)  checked in every build, release included: the few
//                                         cheap checks that stand between a library bug and
//                                         a broken safety promise (a second different vote,
//                                         a prevote against the lock, a dropped action).
//
// A failed check prints the condition and the place to standard error and aborts: under
// a fuzzer that is a finding, and in a node it is the safe side, as a journal that does
// not replay is (spec/journal.md 4.2): a node that stops signs nothing wrong.
//
// Unlike assert(), these do not follow NDEBUG in the builds that set the option, so the
// fuzz build (RelWithDebInfo, with NDEBUG) checks every invariant.
#pragma once
#include <cstdio>
#include <cstdlib>

#ifndef MIDNIGHT_CHECK_INVARIANTS
#ifdef NDEBUG
#define MIDNIGHT_CHECK_INVARIANTS 0
#else
#define MIDNIGHT_CHECK_INVARIANTS 1
#endif
#endif

namespace midnight {

// Whether MIDNIGHT_INVARIANT is checked in this translation unit's build.
inline constexpr bool kInvariantsChecked = MIDNIGHT_CHECK_INVARIANTS != 0;

[[noreturn]] inline void invariant_failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "midnight: invariant failed: %s\n  at %s:%d\n", condition, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace midnight

#define MIDNIGHT_SAFETY_INVARIANT(condition) \
  ((condition) ? static_cast<void>(0) : ::midnight::invariant_failed(#condition, __FILE__, __LINE__))

#if MIDNIGHT_CHECK_INVARIANTS
#define MIDNIGHT_INVARIANT(condition) MIDNIGHT_SAFETY_INVARIANT(condition)
#else
// Not evaluated (sizeof's operand), but still compiled, so the names it uses stay used.
#define MIDNIGHT_INVARIANT(condition) static_cast<void>(sizeof((condition) ? 1 : 0))
#endif
