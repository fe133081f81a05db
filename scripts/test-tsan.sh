#!/usr/bin/env bash
# The concurrency-heavy suites under ThreadSanitizer: realtime, pipeline,
# llm, net and server unit tests, and the Realtime/ChatApi/Shutdown
# integration tests with the server itself built with TSan. Builds only those
# targets (at -O0: see CMakeLists.txt). Run by .ci/run after scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
suites=(realtime_tests pipeline_tests llm_tests net_tests server_tests)
start=$(date +%s)
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON -DMV_TSAN=ON \
  -DMV_BUILD_BENCH=OFF "$@"
cmake --build build-tsan -j "$jobs" --target "${suites[@]}" integration_tests mirrorvox
echo "test-tsan.sh: build $(($(date +%s) - start)) s"
start=$(date +%s)
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
# Any report makes the process exit 66; a spawned server's is checked too.
export TSAN_OPTIONS="halt_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$PWD/tests/sanitizers/tsan.supp"
export MIRRORVOX_TEST_CHECK_EXIT=1
export MIRRORVOX_TEST_SLOWDOWN=5
failed=0
for s in "${suites[@]}"; do
  echo "== $s (TSan)"
  "build-tsan/tests/$s" || failed=1
done
echo "== integration_tests (TSan)"
build-tsan/tests/integration_tests --gtest_filter='ChatApi*:Realtime*:Shutdown*' \
  || failed=1
echo "test-tsan.sh: runs $(($(date +%s) - start)) s"
exit "$failed"
