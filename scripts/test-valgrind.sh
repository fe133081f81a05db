#!/usr/bin/env bash
# valgrind memcheck over the answer path (the ChatTurn and TtsFanout unit
# tests, and /api/chat with the server itself under valgrind), on a plain -O0
# build of only the targets that needs (quick to compile; memcheck finds the
# same errors at any level). Part of scripts/test.sh. It sees what ASan
# cannot: accesses inside uninstrumented glibc, such as a mutex unlocked in
# freed memory. /process_audio adds only pocketsphinx in front, which is slow
# under valgrind and already covered by the ASan run.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
supp="$PWD/tests/sanitizers/valgrind.supp"
start=$(date +%s)
cmake -S . -B build-valgrind -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O0 -g1 -DNDEBUG" \
  -DMV_BUILD_BENCH=OFF "$@"
cmake --build build-valgrind -j "$jobs" --target pipeline_tests integration_tests mirrorvox
echo "test-valgrind.sh: build $(($(date +%s) - start)) s"
start=$(date +%s)
# Memory errors only: leaks are LSan's job in the sanitizer run.
vg="valgrind --error-exitcode=99 --leak-check=no --track-origins=no --suppressions=$supp -q"
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
export MIRRORVOX_TEST_CHECK_EXIT=1  # valgrind's error exit fails the test
$vg build-valgrind/tests/pipeline_tests --gtest_filter='ChatTurn*:TtsFanout*'
MIRRORVOX_TEST_SERVER_WRAPPER="$vg" build-valgrind/tests/integration_tests \
  --gtest_filter='ChatApiTest.*'
echo "test-valgrind.sh: runs $(($(date +%s) - start)) s"
