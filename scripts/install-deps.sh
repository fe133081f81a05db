#!/usr/bin/env bash
# Installs every Debian 12 package mirrorvox needs to build, run and test.
# Idempotent: packages already present are skipped by apt. Root or sudo.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format git
  # server, clients, config, logging, CLI
  libboost1.81-dev libboost-url1.81-dev libssl-dev ca-certificates
  nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
  # audio
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev
  libsoxr-dev libopus-dev librubberband-dev libwebrtc-audio-processing-dev
  # embedded speech engines and their data
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  flite1-dev libespeak-ng-dev espeak-ng-data
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev curl valgrind dpkg-dev file
  # `mirrorvox client`: microphone and speaker
  portaudio19-dev
  # browser test of the web client (driven by playwright-core from npm)
  chromium fonts-dejavu-core
)
# Node.js runs the tests that use third-party JS clients (openai SDK,
# playwright-core); an existing Node (e.g. from NodeSource) is kept.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
