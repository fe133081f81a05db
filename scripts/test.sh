#!/usr/bin/env bash
# Installs what is needed, builds with warnings as errors and runs the whole
# test suite under AddressSanitizer + UndefinedBehaviorSanitizer (this build
# replaces a plain one), then a valgrind memcheck pass over the answer paths
# (ASan cannot see accesses inside glibc, such as a mutex unlocked in freed
# memory). CI runs this and, on top, the ThreadSanitizer suites (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
jobs=$(nproc)
# Third-party JS clients the tests drive mirrorvox with (exact versions from
# the lock file).
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error

supp="$PWD/tests/sanitizers"
# Reports fail the run: ASan and UBSan abort at the first one; LSan makes the
# process exit non-zero; a spawned server's exit code is checked by the tests.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export MIRRORVOX_TEST_CHECK_EXIT=1
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON -DMV_SANITIZE=ON
cmake --build build-test -j "$jobs"
ctest --test-dir build-test --output-on-failure -j "$jobs" --timeout 1200

./scripts/test-valgrind.sh
