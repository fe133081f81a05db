#include "tts/tts-remote-config.h"

#include <cmath>
#include <sstream>

#include "common/config-check.h"
#include "tts/tts-config.h"

namespace mv {
namespace {

void CheckDouble(const std::string& key, double value, double min, double max) {
  if (!std::isfinite(value) || value < min || value > max) {
    std::ostringstream os;
    os << key << ": must be between " << min << " and " << max << ", got " << value;
    ConfigInvalid(os.str());
  }
}

// Both or neither: one without the other cannot name a file for the server.
void CheckShareDirs(const std::string& prefix, const std::string& local,
                    const std::string& remote) {
  if (local.empty() != remote.empty())
    ConfigInvalid(prefix + (local.empty() ? ".share_dir" : ".share_dir_remote") +
                  ": must be set together with " + prefix +
                  (local.empty() ? ".share_dir_remote" : ".share_dir") +
                  " (the same folder as mirrorvox and as the TTS host see it)");
}

}  // namespace

RemotePoolConfig DefaultRemoteTtsPool() {
  RemotePoolConfig c;
  c.health_path = "/";
  c.name = "tts";
  return c;
}

void GptSovitsConfig::Validate() const {
  static const char* kLangs[] = {"auto",   "en",     "zh",      "ja",     "yue",     "ko",
                                 "all_zh", "all_ja", "all_yue", "all_ko", "auto_yue"};
  for (const auto& [key, value] :
       {std::pair{"text_lang", &text_lang}, {"prompt_lang", &prompt_lang}}) {
    bool known = value->empty();  // "" = derived, see tts-config.h
    for (const char* l : kLangs) known |= *value == l;
    if (!known)
      ConfigInvalid(std::string("tts.gpt_sovits.") + key + ": must be one of auto, en, zh, ja, " +
                    "yue, ko, all_zh, all_ja, all_yue, all_ko, auto_yue (or empty); got '" +
                    *value + "'");
  }
  if (ref_audio_path.empty())
    ConfigInvalid(
        "tts.gpt_sovits.ref_audio_path: required by the gpt-sovits engine (the default voice's "
        "3-10 s reference clip, a path on the TTS host)");
  CheckConfigRange("tts.gpt_sovits.top_k", top_k, 1, 1000);
  CheckConfigRange("tts.gpt_sovits.batch_size", batch_size, 1, 1000);
  CheckConfigRange("tts.gpt_sovits.sample_steps", sample_steps, 1, 1000);
  CheckDouble("tts.gpt_sovits.top_p", top_p, 0.0, 1.0);
  CheckDouble("tts.gpt_sovits.temperature", temperature, 0.0, 10.0);
  CheckDouble("tts.gpt_sovits.batch_threshold", batch_threshold, 0.0, 1.0);
  CheckDouble("tts.gpt_sovits.speed_factor", speed_factor, 0.1, 10.0);
  CheckDouble("tts.gpt_sovits.fragment_interval", fragment_interval, 0.0, 10.0);
  CheckDouble("tts.gpt_sovits.repetition_penalty", repetition_penalty, 0.0, 10.0);
  if (text_split_method.empty())
    ConfigInvalid("tts.gpt_sovits.text_split_method: must not be empty (e.g. cut5)");
  static const char* kModes[] = {"auto", "0", "1", "2", "3", "true", "false"};
  bool mode_ok = false;
  for (const char* m : kModes) mode_ok |= streaming_mode == m;
  if (!mode_ok)
    ConfigInvalid("tts.gpt_sovits.streaming_mode: must be auto, 0, 1, 2, 3, true or false; got '" +
                  streaming_mode + "'");
  CheckShareDirs("tts.gpt_sovits", share_dir, share_dir_remote);
}

void XttsConfig::Validate() const {
  if (server != "api" && server != "streaming")
    ConfigInvalid(
        "tts.xtts.server: must be api (xtts-api-server) or streaming "
        "(xtts-streaming-server); got '" +
        server + "'");
  if (speaker.empty())
    ConfigInvalid(server == "api"
                      ? "tts.xtts.speaker: required (a speaker the server knows: a name in its "
                        "speakers folder such as \"female\", or a .wav path on the TTS host)"
                      : "tts.xtts.speaker: required (a local WAV file of the default voice, "
                        "cloned once through /clone_speaker)");
  CheckConfigRange("tts.xtts.stream_chunk_size", stream_chunk_size, 1, 1000);
  CheckShareDirs("tts.xtts", share_dir, share_dir_remote);
}

void OpenAiSpeechConfig::Validate() const {
  if (model.empty())
    ConfigInvalid("tts.openai_speech.model: must not be empty (e.g. tts-1, kokoro)");
  if (response_format != "pcm" && response_format != "wav")
    ConfigInvalid(
        "tts.openai_speech.response_format: must be pcm or wav (formats mirrorvox "
        "reads as they stream); got '" +
        response_format + "'");
  CheckDouble("tts.openai_speech.speed", speed, 0.25, 4.0);
  CheckConfigRange("tts.openai_speech.pcm_sample_rate", pcm_sample_rate, 8000, 192000);
}

bool TtsConfig::IsRemote() const {
  return engine == "gpt-sovits" || engine == "xtts" || engine == "openai-speech";
}

}  // namespace mv
