#!/usr/bin/env bash
# Installs what is needed and runs the whole test suite under
# AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/, warnings as
# errors), then a valgrind memcheck pass over the answer paths, which ASan
# cannot see inside glibc (scripts/test-valgrind.sh). .ci/run runs this, then
# the concurrency suites under ThreadSanitizer (scripts/test-tsan.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
jobs=$(nproc)
# Third-party JS clients the tests drive mirrorvox with (exact versions from
# the lock file).
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
. scripts/sanitizer-env.sh
start=$(date +%s)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON -DMV_SANITIZE=ON \
  "$@"
cmake --build build-asan -j "$jobs"
echo "test.sh: ASan+UBSan build $(($(date +%s) - start)) s"
start=$(date +%s)
# Any ASan/UBSan/LSan report fails the test that made it (a spawned server's
# too: MIRRORVOX_TEST_CHECK_EXIT makes the harness check its exit status).
ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 900
echo "test.sh: ASan+UBSan suite $(($(date +%s) - start)) s"
./scripts/test-valgrind.sh
