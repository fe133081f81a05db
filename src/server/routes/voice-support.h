// What the turn routes share for voice identity: the voiceprint gate /
// speaker identification of an utterance, and `voice: <id>` (a library voice
// as the answer's reference).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/chat-turn.h"
#include "server/routes/server-context.h"
#include "voice/speaker-gate.h"

namespace mv {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Builds ctx.voices, and with voiceprint.enabled or .identify the encoder and
// the enrolled speakers: the owners' files (a missing or speechless file
// fails start-up: a gate that cannot know its owner would refuse everyone)
// and, with identify, every library voice. Needs ctx.asr (transcripts).
void SetUpVoiceIdentity(ServerContext& ctx);

// Scores `audio` when voiceprint.enabled or voiceprint.identify is on
// (nullopt otherwise). Runs the encoder: call on a compute thread. A failing
// remote encoder throws (kUnavailable...): the gate never fails open.
std::optional<SpeakerCheck> CheckSpeaker(const ServerContext& ctx, const AudioBuffer& audio,
                                         const CancelToken& cancel);
// True when the gate is on and refuses this check.
bool GateRefuses(const ServerContext& ctx, const SpeakerCheck& check);
// X-Voiceprint (accepted|rejected|not_enough_speech, when the gate is on),
// X-Voiceprint-Score, X-Speaker (name or "unknown"), X-Speaker-Score (with
// voiceprint.identify).
HeaderList SpeakerHeaders(const ServerContext& ctx, const SpeakerCheck& check);
// The identified speaker's name into the turn's system prompt
// (voiceprint.prompt_template); nothing for an unknown speaker.
void ApplySpeaker(const ServerContext& ctx, const SpeakerCheck& check, ChatTurnRequest& turn);

// `voice` of a request: "", "mirror" or "default" -> null (the route's own
// behaviour); a library id -> its reference. Throws kInvalidInput
// "bad_voice_id", kNotFound "no_voice".
std::shared_ptr<const VoiceReference> LibraryReference(const ServerContext& ctx,
                                                       const std::string& voice);

// An optional string field of a JSON object body ("" when absent); throws
// kInvalidInput "bad_field" when present and not a string.
std::string OptionalJsonString(const std::string& body, const std::string& field);

}  // namespace mv
