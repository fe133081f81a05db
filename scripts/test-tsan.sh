#!/usr/bin/env bash
# The concurrency-heavy suites under ThreadSanitizer: the realtime, pipeline,
# llm, net and server unit tests, and the Realtime/ChatApi/Shutdown/RemoteTts
# integration tests with the server they start built with TSan. Builds only
# those targets: the integration tests are the sanitizer build's (run
# scripts/test.sh first), driving this build's server
# (MIRRORVOX_TEST_SERVER_BINARY). The last step of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
suites=(realtime_tests pipeline_tests llm_tests net_tests server_tests)
start=$(date +%s)
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON -DMV_TSAN=ON \
  -DMV_BUILD_BENCH=OFF "$@"
cmake --build build-tsan -j "$jobs" --target "${suites[@]}" mirrorvox
echo "test-tsan.sh: build $(($(date +%s) - start)) s"
start=$(date +%s)
# Any report makes the process exit 66; a spawned server's is checked too.
tsan="halt_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$PWD/tests/sanitizers/tsan.supp"
failed=0
for s in "${suites[@]}"; do
  echo "== $s (TSan)"
  (
    unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
    export TSAN_OPTIONS="$tsan" MIRRORVOX_TEST_CHECK_EXIT=1 MIRRORVOX_TEST_SLOWDOWN=5
    "build-tsan/tests/$s"
  ) || failed=1
done
echo "== integration_tests with a TSan server"
(
  . scripts/sanitizer-env.sh
  export TSAN_OPTIONS="$tsan" MIRRORVOX_TEST_SLOWDOWN=5
  MIRRORVOX_TEST_SERVER_BINARY="$PWD/build-tsan/mirrorvox" \
    build-asan/tests/integration_tests --gtest_filter='ChatApi*:Realtime*:Shutdown*:RemoteTts*'
) || failed=1
echo "test-tsan.sh: runs $(($(date +%s) - start)) s"
exit "$failed"
