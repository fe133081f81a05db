// The client side of docs/realtime.md as plain functions: the events the
// client sends (current GA shapes) and the pieces of server events it shows.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/client-config.h"

namespace mv {

// session.update for the options: instructions, voice, turn detection
// (null with push-to-talk; server_vad with the given threshold/silence).
nlohmann::json SessionUpdateEvent(const ClientConfig& config);
// input_audio_buffer.append with base64 pcm16 of `samples` (24 kHz).
nlohmann::json AppendEvent(const float* samples, std::size_t n);
// conversation.item.create of a user text message.
nlohmann::json TextItemEvent(const std::string& text);

// pcm16 little-endian in base64 -> float samples. Throws mv::Error
// kInvalidInput "invalid_audio" for bad base64 or an odd byte count.
std::vector<float> DecodeAudioDelta(const std::string& base64);

// "latency: asr 120 ms, llm first token 310 ms, first audio 420 ms, done 900 ms"
// from response.done's `timing`; stages that did not happen are left out;
// "" when there is no timing at all.
std::string FormatLatency(const nlohmann::json& timing);

// "code: message" of an error event, whatever parts it has.
std::string DescribeError(const nlohmann::json& event);

}  // namespace mv
