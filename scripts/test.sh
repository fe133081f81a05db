#!/usr/bin/env bash
# Installs what is needed, builds everything with AddressSanitizer +
# UndefinedBehaviorSanitizer and warnings as errors, runs the whole suite
# under them (a report fails the test, a spawned server's included), then
# the concurrency-heavy suites under ThreadSanitizer (scripts/test-tsan.sh,
# which reuses build-asan's integration tests). scripts/test-valgrind.sh
# joins once measured clean within CI's time.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
jobs=$(nproc)
# Third-party JS clients the tests drive mirrorvox with (exact versions from
# the lock file).
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
start=$(date +%s)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON -DMV_SANITIZE=ON "$@"
cmake --build build-asan -j "$jobs"
echo "test.sh: ASan+UBSan build $(($(date +%s) - start)) s"
start=$(date +%s)
(
  . scripts/sanitizer-env.sh
  ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 900
)
echo "test.sh: ASan+UBSan suite $(($(date +%s) - start)) s"
./scripts/test-tsan.sh
