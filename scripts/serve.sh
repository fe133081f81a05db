#!/usr/bin/env bash
# Installs what is needed, builds, checks this machine (`mirrorvox doctor`:
# what is missing and how to fix it), and runs the server on the embedded
# default config (or on the config file given as the first argument). With no
# LLM configured it looks for one on this machine, else answers in echo mode.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
. scripts/build-dir.sh
mv_configure
cmake --build "$MV_BUILD_DIR" -j "$(nproc)" --target mirrorvox
config=()
if [ $# -gt 0 ]; then
  config=(-c "$1")
fi
# The server starts either way: a ✗ says what to fix, not that it cannot run.
"./$MV_BUILD_DIR/mirrorvox" doctor "${config[@]}" ||
  echo "serve.sh: doctor found something to fix (above); starting the server anyway" >&2
exec "./$MV_BUILD_DIR/mirrorvox" serve "${config[@]}"
