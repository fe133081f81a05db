# Sourced by scripts/serve.sh and scripts/test.sh: the one build directory
# they share, configured the same way, so running both compiles once (serve
# builds the server target in it; test builds the rest beside it).
MV_BUILD_DIR=build
mv_configure() {
  cmake -S . -B "$MV_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_WERROR=ON "$@"
}
