// The machine's sound cards as PortAudio sees them: listing, and picking one
// by index or name for `--input-device` / `--output-device`.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace mv {

// Pa_Initialize() for as long as it lives (PortAudio counts nested calls).
// Throws mv::Error kUnavailable when PortAudio cannot start.
class PortAudioSession {
 public:
  PortAudioSession();
  ~PortAudioSession();
  PortAudioSession(const PortAudioSession&) = delete;
  PortAudioSession& operator=(const PortAudioSession&) = delete;
};

struct SoundDevice {
  int index = -1;
  std::string name;
  std::string host_api;
  int max_input_channels = 0;
  int max_output_channels = 0;
  double default_sample_rate = 0;
  double default_input_latency = 0;   // seconds (PortAudio's low-latency default)
  double default_output_latency = 0;  // seconds
  bool default_input = false;
  bool default_output = false;
};

// Needs a live PortAudioSession.
std::vector<SoundDevice> ListSoundDevices();
// `spec`: "" = the default device, a number = that index, else a name or a
// part of one (case-insensitive; an exact name wins). Throws mv::Error
// kNotFound naming the devices there are.
SoundDevice FindSoundDevice(const std::string& spec, bool input);
// One line per device: index, in/out channels, default rate, name, host API.
void PrintSoundDevices(const std::vector<SoundDevice>& devices, std::ostream& out);

}  // namespace mv
