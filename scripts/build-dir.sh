# Sourced by scripts/serve.sh: the optimised build directory (the test
# command builds its own, build-asan/, with the sanitizers).
MV_BUILD_DIR=build
mv_configure() {
  cmake -S . -B "$MV_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON "$@"
}
