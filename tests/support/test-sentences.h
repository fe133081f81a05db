// Everyday assistant requests spoken by flite in round-trip tests and
// benchmarks (bench/engine-bench.cc).
#pragma once

#include <array>

namespace mv::test {

inline constexpr std::array<const char*, 12> kAssistantSentences = {
    "please turn on the lights in the kitchen",
    "what is the weather like today",
    "set an alarm for seven in the morning",
    "play some music in the living room",
    "how long does it take to drive to the airport",
    "remind me to call my mother tomorrow",
    "what time is it in london",
    "turn off the television",
    "add milk and eggs to my shopping list",
    "tell me a joke",
    "send a message to john saying i will be late",
    "what is the capital of france",
};

}  // namespace mv::test
