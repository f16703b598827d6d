# Install/export test, run by CTest as `cmake -D... -P run.cmake`:
#   1. cmake --install BUILD_DIR --prefix WORK_DIR/prefix  (a fresh directory)
#   2. configure tests/install/consumer against that prefix only, with the same
#      generator, C++ compiler, build type and (sanitizer) flags as the build tree
#   3. build it and run it: it exits 0 only if its RoundMachine finalized.
# Any failing step fails the test. The build tree must be complete (ctest after a build).
#
# Variables: BUILD_DIR, WORK_DIR, CONSUMER_DIR, GENERATOR, CXX_COMPILER, BUILD_TYPE,
#            CONFIG (multi-config generators), CXX_FLAGS, LINKER_FLAGS.
cmake_minimum_required(VERSION 3.25)

foreach(var BUILD_DIR WORK_DIR CONSUMER_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: ${var} is not set")
  endif()
endforeach()

function(run_step name)
  message(STATUS "install test: ${name}: ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "install test: ${name} failed (${rc})")
  endif()
endfunction()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
run_step(install "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" ${config_args})

foreach(f midnightConfig.cmake midnightConfigVersion.cmake midnightTargets.cmake)
  file(GLOB_RECURSE found "${prefix}/*/${f}")
  if(NOT found)
    message(FATAL_ERROR "install test: ${f} was not installed under ${prefix}")
  endif()
endforeach()

# CMAKE_FIND_USE_PACKAGE_REGISTRY / SYSTEM_PACKAGE_REGISTRY off and midnight_DIR unset:
# the package can only come from the fresh prefix.
run_step(configure "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${consumer_build}" -G "${GENERATOR}"
         "-DCMAKE_PREFIX_PATH=${prefix}"
         "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
         "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
         "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
         "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
         -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
         -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)

file(STRINGS "${consumer_build}/CMakeCache.txt" found_dir REGEX "^midnight_DIR:")
message(STATUS "install test: consumer found ${found_dir}")
string(FIND "${found_dir}" "${prefix}/" at)
if(NOT at GREATER -1)
  message(FATAL_ERROR "install test: the consumer found midnight outside the fresh prefix ${prefix}")
endif()

run_step(build "${CMAKE_COMMAND}" --build "${consumer_build}" ${config_args})

set(exe "${consumer_build}/consumer")
if(CONFIG AND EXISTS "${consumer_build}/${CONFIG}/consumer")
  set(exe "${consumer_build}/${CONFIG}/consumer")
endif()
run_step(run "${exe}")
