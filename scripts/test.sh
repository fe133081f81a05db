#!/usr/bin/env bash
# Installs what is needed, builds with warnings as errors, runs the whole
# test suite. This is exactly what CI runs (.ci/run). The sanitizer passes
# (scripts/test-tsan.sh, scripts/test-valgrind.sh, -DMV_SANITIZE=ON) are
# run by hand for now: not yet part of this command.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
jobs=$(nproc)
# Third-party JS clients the tests drive mirrorvox with (exact versions from
# the lock file).
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
# The build directory scripts/serve.sh uses too (scripts/build-dir.sh).
. scripts/build-dir.sh
mv_configure
cmake --build "$MV_BUILD_DIR" -j "$jobs"
ctest --test-dir "$MV_BUILD_DIR" --output-on-failure -j "$jobs" --timeout 600
