#!/usr/bin/env bash
# valgrind memcheck over the answer path: the ChatTurn and TtsFanout unit
# tests, and the /api/chat integration tests with the server itself under
# valgrind. It sees what ASan cannot: accesses inside uninstrumented glibc,
# such as a mutex unlocked in freed memory. Part of scripts/test.sh, after
# the sanitizer build: a plain -O0 build of only the server and the pipeline
# tests (memcheck finds the same errors at any level); the integration tests
# are the sanitizer build's, driving this build's server
# (MIRRORVOX_TEST_SERVER_BINARY), so no test code compiles twice.
# /process_audio adds only pocketsphinx in front, slow under valgrind and
# covered by the ASan run.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
supp="$PWD/tests/sanitizers/valgrind.supp"
start=$(date +%s)
cmake -S . -B build-valgrind -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O0 -g1 -DNDEBUG" \
  -DMV_BUILD_BENCH=OFF "$@"
cmake --build build-valgrind -j "$jobs" --target pipeline_tests mirrorvox
echo "test-valgrind.sh: build $(($(date +%s) - start)) s"
start=$(date +%s)
# Memory errors only: leaks are LSan's job in the sanitizer run.
vg="valgrind --error-exitcode=99 --leak-check=no --track-origins=no --suppressions=$supp -q"
(
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
  $vg build-valgrind/tests/pipeline_tests --gtest_filter='ChatTurn*:TtsFanout*'
)
# The driver is the ASan build's; the server it starts is this build's,
# under valgrind, and a server that does not exit 0 fails its test.
(
  . scripts/sanitizer-env.sh
  MIRRORVOX_TEST_SLOWDOWN=20 MIRRORVOX_TEST_SERVER_WRAPPER="$vg" \
    MIRRORVOX_TEST_SERVER_BINARY="$PWD/build-valgrind/mirrorvox" \
    build-asan/tests/integration_tests --gtest_filter='ChatApiTest.*'
)
echo "test-valgrind.sh: runs $(($(date +%s) - start)) s"
