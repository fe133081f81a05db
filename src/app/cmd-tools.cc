// transcribe, say, config check: the engines and config without a server.
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "asr/asr.h"
#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "audio/resampler.h"
#include "common/error.h"
#include "config/config-loader.h"
#include "config/config-printer.h"
#include "tts/tts.h"

namespace mv {
namespace {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kNotFound, "no_file", "cannot open '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int RunTranscribe(const TranscribeOptions& options) {
  try {
    Config config = LoadConfig(options.config_path);
    config.asr.language = options.language;
    config.asr.pool_size = 1;
    auto asr = CreateAsr(config.asr);
    AudioBuffer audio = DecodeAudio(ReadWholeFile(options.file), config.audio);
    audio = Resample(audio, asr->SampleRate());
    std::cout << asr->Transcribe(audio, CancelToken()).text << "\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "mirrorvox transcribe: " << e.what() << "\n";
    return 1;
  }
}

int RunSay(const SayOptions& options) {
  try {
    Config config = LoadConfig(options.config_path);
    config.tts.language = options.language;
    if (!options.voice.empty()) config.tts.voice = options.voice;
    auto tts = CreateTts(config.tts);
    TtsRequest request{options.text, options.language, options.voice, nullptr};
    AudioBuffer audio = tts->SynthesizeAll(request);
    std::ofstream out(options.output, std::ios::binary);
    if (!out) throw Error(ErrorKind::kInvalidInput, "bad_output", "cannot write '" + options.output + "'");
    out << EncodeAudio(audio, AudioFormat::kWav);
    if (!out.flush())
      throw Error(ErrorKind::kInternal, "write_failed", "writing '" + options.output + "' failed");
    std::cerr << "wrote " << options.output << " (" << audio.DurationSeconds() << " s, "
              << audio.sample_rate << " Hz)\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "mirrorvox say: " << e.what() << "\n";
    return 1;
  }
}

int RunConfigCheck(const std::string& config_path) {
  try {
    Config config = LoadConfig(config_path);
    std::cout << PrintConfig(config);
    std::cerr << "config OK (" << (config_path.empty() ? "embedded default" : config_path) << ")\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "mirrorvox config check: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mv
