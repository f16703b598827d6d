// The fuzz targets' own assertion. It is on in every build (release included, where
// assert() is compiled out), because a failed check is the target's finding: under
// libFuzzer the abort makes it save the input as a crash file; under the replay driver it
// fails the corpus regression test. It is the harness's judgement, never the library's:
// the library reports malformed input as error values and must never reach an abort.
#pragma once
#include <cstdio>
#include <cstdlib>

namespace midnight::fuzz {

[[noreturn]] inline void check_failed(const char* file, int line, const char* condition, const char* why) {
  std::fprintf(stderr, "fuzz check failed: %s\n  condition: %s\n  at %s:%d\n", why, condition, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace midnight::fuzz

#define MIDNIGHT_FUZZ_CHECK(condition, why)                                              \
  do {                                                                                   \
    if (!(condition)) ::midnight::fuzz::check_failed(__FILE__, __LINE__, #condition, why); \
  } while (0)
