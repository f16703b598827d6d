// A counting replacement of the global allocation functions, shared by the allocation
// unit test (tests/alloc) and the benchmarks (bench/). Linking alloc_counter.cpp into an
// executable replaces every form of operator new and delete (plain, array, nothrow,
// sized, aligned) with versions that count each call and forward to malloc/free.
//
// Only operator new is counted: a direct malloc (libsodium, C code) is not seen. Under
// ASan the counting versions take the place of ASan's own operator new; ASan still checks
// every block, through malloc and free. Link it only into executables (CMake target
// midnight_alloc_counter, an OBJECT library), never into a library others link.
#pragma once
#include <cstddef>

namespace midnight {

// operator new calls (of any form) since the program started.
std::size_t allocations_so_far() noexcept;
// operator delete calls on non-null pointers since the program started.
std::size_t deallocations_so_far() noexcept;

// Allocations since construction.
class AllocationCount {
 public:
  AllocationCount() noexcept : start_(allocations_so_far()) {}
  std::size_t count() const noexcept { return allocations_so_far() - start_; }

 private:
  std::size_t start_;
};

}  // namespace midnight
