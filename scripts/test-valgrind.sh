#!/usr/bin/env bash
# valgrind memcheck over the answer path (the ChatTurn and TtsFanout unit
# tests, and /api/chat with the server itself under valgrind), on a plain
# build of only the targets that needs. Part of scripts/test.sh. /process_audio
# adds only pocketsphinx in front, which is slow under valgrind and already
# covered by the ASan run.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
supp="$PWD/tests/sanitizers/valgrind.supp"
cmake -S . -B build-valgrind -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON \
  -DMV_BUILD_BENCH=OFF
cmake --build build-valgrind -j "$jobs" --target pipeline_tests integration_tests mirrorvox
# Memory errors only: leaks are LSan's job in the sanitizer run.
vg="valgrind --error-exitcode=99 --leak-check=no --track-origins=no --suppressions=$supp -q"
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
$vg build-valgrind/tests/pipeline_tests --gtest_filter='ChatTurn.*:TtsFanout.*'
MIRRORVOX_TEST_SERVER_WRAPPER="$vg" build-valgrind/tests/integration_tests \
  --gtest_filter='ChatApiTest.*'
