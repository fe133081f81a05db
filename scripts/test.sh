#!/usr/bin/env bash
# Installs what is needed, builds with warnings as errors, runs the whole
# test suite. This is exactly what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
jobs=$(nproc)
# Third-party JS clients the tests drive mirrorvox with (exact versions from
# the lock file).
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON
cmake --build build-test -j "$jobs"
ctest --test-dir build-test --output-on-failure -j "$jobs" --timeout 600
