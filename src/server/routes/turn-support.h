// What every route that runs a spoken turn shares: the turn request built
// from config, and the per-turn log line + metrics at the end.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/output-gate.h"
#include "pipeline/chat-turn.h"
#include "server/http-types.h"
#include "server/routes/server-context.h"

namespace mv {

ChatTurnRequest BaseTurnRequest(const ServerContext& ctx);

// One log line per turn and its metrics (turns, errors by kind, failovers,
// stage latency histograms).
void FinishTurn(const std::string& route, const ChatTurnResult& result, const TurnTiming& timing);

// server.max_queued_audio_ms as bytes of an output carrying audio at
// `bytes_per_second` (pcm16 at 24 kHz: 48000; its base64: 64000).
std::size_t QueuedAudioLimit(const ServerContext& ctx, double bytes_per_second);

// Back-pressure on an HTTP stream: full while more than `limit()` bytes
// wait to be written to the client.
OutputGate ResponderGate(std::shared_ptr<Responder> responder, std::function<std::size_t()> limit);

// Counts a request refused before a turn started (bad input, gate...).
void CountRejected(const std::string& route, const Error& error);

// Parses an OpenAI-style [{"role","content"}] list; throws kInvalidInput.
std::vector<ChatMessage> ParseMessages(const std::string& json_body, const std::string& field);

}  // namespace mv
