// What every route that runs a spoken turn shares: the turn request built
// from config, and the per-turn log line + metrics at the end.
#pragma once

#include <string>

#include "pipeline/chat-turn.h"
#include "server/routes/server-context.h"

namespace mv {

ChatTurnRequest BaseTurnRequest(const ServerContext& ctx);

// One log line per turn and its metrics (turns, errors by kind, failovers,
// stage latency histograms).
void FinishTurn(const std::string& route, const ChatTurnResult& result, const TurnTiming& timing);

// Counts a request refused before a turn started (bad input, gate...).
void CountRejected(const std::string& route, const Error& error);

// Parses an OpenAI-style [{"role","content"}] list; throws kInvalidInput.
std::vector<ChatMessage> ParseMessages(const std::string& json_body, const std::string& field);

}  // namespace mv
