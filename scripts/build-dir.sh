# Sourced by scripts/serve.sh: the build directory the README's commands use
# for the server (the test command builds its own, sanitized, in build-asan/).
MV_BUILD_DIR=build
mv_configure() {
  cmake -S . -B "$MV_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON "$@"
}
