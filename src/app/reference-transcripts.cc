#include "app/reference-transcripts.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audio/audio-decoder.h"
#include "audio/resampler.h"
#include "common/error.h"

namespace mv {
namespace {

// The transcript of a local clip, or "" when it is not here or not heard.
std::string Transcribe(const std::string& path, const AudioConfig& audio, Asr& asr) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) return "";
  try {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const AudioBuffer clip = Resample(DecodeAudio(bytes.str(), audio), asr.SampleRate());
    return asr.Transcribe(clip, CancelToken()).text;
  } catch (const Error& e) {
    spdlog::warn("reference '{}': could not transcribe it ({})", path, e.what());
    return "";
  }
}

}  // namespace

int FillReferenceTranscripts(TtsConfig& config, const AudioConfig& audio, Asr& asr) {
  if (config.engine != "gpt-sovits") return 0;  // the others clone without a transcript
  int filled = 0;
  auto fill = [&](const std::string& path, std::string& transcript, const std::string& key) {
    if (!transcript.empty()) return;
    transcript = Transcribe(path, audio, asr);
    if (transcript.empty()) return;
    ++filled;
    spdlog::info("{}: no transcript given; ASR heard \"{}\"", key, transcript);
  };
  fill(config.gpt_sovits.ref_audio_path, config.gpt_sovits.prompt_text,
       "tts.gpt_sovits.prompt_text");
  for (auto& [tag, ref] : config.extra_ref_audio)
    fill(ref.wav_path, ref.transcript, "tts.extra_ref_audio." + tag);
  return filled;
}

}  // namespace mv
