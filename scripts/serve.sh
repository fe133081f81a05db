#!/usr/bin/env bash
# Installs what is needed, builds, and runs the server on the embedded default
# config (or on the config file given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)" --target mirrorvox
if [ $# -gt 0 ]; then
  exec ./build/mirrorvox serve -c "$1"
fi
exec ./build/mirrorvox serve
