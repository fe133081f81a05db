#include "client/sound-devices.h"

#include <fcntl.h>
#include <portaudio.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iomanip>

#include "common/error.h"

namespace mv {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsNumber(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

PortAudioSession::PortAudioSession() {
  // ALSA and JACK print pages of probing noise to stderr when a card or a
  // JACK server is missing; PortAudio's return code says what matters.
  bool quiet = spdlog::default_logger()->level() > spdlog::level::debug;
  int saved = quiet ? dup(STDERR_FILENO) : -1;
  int null = saved >= 0 ? open("/dev/null", O_WRONLY) : -1;
  if (null >= 0) dup2(null, STDERR_FILENO);
  PaError rc = Pa_Initialize();
  if (null >= 0) {
    dup2(saved, STDERR_FILENO);
    close(null);
  }
  if (saved >= 0) close(saved);
  if (rc != paNoError)
    throw Error(ErrorKind::kUnavailable, "audio_unavailable",
                std::string("cannot start PortAudio: ") + Pa_GetErrorText(rc));
}

PortAudioSession::~PortAudioSession() { Pa_Terminate(); }

std::vector<SoundDevice> ListSoundDevices() {
  std::vector<SoundDevice> out;
  int count = Pa_GetDeviceCount();
  if (count < 0) return out;
  PaDeviceIndex default_in = Pa_GetDefaultInputDevice();
  PaDeviceIndex default_out = Pa_GetDefaultOutputDevice();
  for (int i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (!info) continue;
    SoundDevice d;
    d.index = i;
    d.name = info->name ? info->name : "?";
    const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
    d.host_api = api && api->name ? api->name : "?";
    d.max_input_channels = info->maxInputChannels;
    d.max_output_channels = info->maxOutputChannels;
    d.default_sample_rate = info->defaultSampleRate;
    d.default_input_latency = info->defaultLowInputLatency;
    d.default_output_latency = info->defaultLowOutputLatency;
    d.default_input = i == default_in;
    d.default_output = i == default_out;
    out.push_back(std::move(d));
  }
  return out;
}

SoundDevice FindSoundDevice(const std::string& spec, bool input) {
  const char* role = input ? "input" : "output";
  auto usable = [input](const SoundDevice& d) {
    return (input ? d.max_input_channels : d.max_output_channels) > 0;
  };
  std::vector<SoundDevice> devices = ListSoundDevices();
  std::vector<SoundDevice> candidates;
  std::copy_if(devices.begin(), devices.end(), std::back_inserter(candidates), usable);
  std::string names;
  for (const auto& d : candidates) names += "\n  " + std::to_string(d.index) + ": " + d.name;
  if (names.empty()) names = " none (see --list-devices)";
  if (spec.empty()) {
    for (const auto& d : candidates)
      if (input ? d.default_input : d.default_output) return d;
    throw Error(ErrorKind::kNotFound, "no_device",
                std::string("no default ") + role + " device; " + role + " devices:" + names);
  }
  if (IsNumber(spec)) {
    int index = std::stoi(spec);
    for (const auto& d : candidates)
      if (d.index == index) return d;
  } else {
    std::string want = Lower(spec);
    for (const auto& d : candidates)
      if (Lower(d.name) == want) return d;
    for (const auto& d : candidates)
      if (Lower(d.name).find(want) != std::string::npos) return d;
  }
  throw Error(ErrorKind::kNotFound, "no_device",
              std::string("no ") + role + " device '" + spec + "'; " + role + " devices:" + names);
}

void PrintSoundDevices(const std::vector<SoundDevice>& devices, std::ostream& out) {
  if (devices.empty()) {
    out << "no audio devices found\n";
    return;
  }
  out << "index  in  out  rate    name (host API)\n";
  for (const auto& d : devices) {
    out << std::setw(5) << d.index << std::setw(4) << d.max_input_channels << std::setw(5)
        << d.max_output_channels << "  " << std::setw(6) << static_cast<int>(d.default_sample_rate)
        << "  " << d.name << " (" << d.host_api << ")";
    if (d.default_input) out << " [default input]";
    if (d.default_output) out << " [default output]";
    out << "\n";
  }
}

}  // namespace mv
