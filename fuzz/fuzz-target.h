// Every parser has a fuzz target (DESIGN.md). Built two ways: with clang and
// -DMV_FUZZ=ON as libFuzzer targets, and always as a deterministic mutation
// run over seed inputs that ctest executes (fuzz-driver.cc), so CI exercises
// every target without a fuzzing toolchain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// Valid inputs the mutations start from.
std::vector<std::string> FuzzSeeds();
