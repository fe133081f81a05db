// Options of `mirrorvox client`: where to connect, what to send, where the
// answer goes. Plain data; the command line fills it, Validate() checks it.
#pragma once

#include <string>
#include <vector>

namespace mv {

struct ClientConfig {
  // ws://, wss://, http:// or https://; a base URL gets /v1/realtime added.
  std::string url = "ws://127.0.0.1:8001/v1/realtime";
  std::string input_file;          // audio file to speak; "" = microphone (or --text)
  std::string output_file;         // WAV of the answers; "" = speaker
  std::vector<std::string> texts;  // typed turns, one response each
  bool push_to_talk = false;       // turn_detection null: the client commits turns
  std::string voice;               // "" = the server's default
  std::string instructions;        // "" = the server's default
  int turns = 0;                   // responses before exiting; 0 = the mode's default
  std::string ca_file;             // wss: extra trusted CAs (PEM)
  bool insecure = false;           // wss: accept any certificate
  std::string input_device;        // PortAudio name (substring) or index; "" = default
  std::string output_device;
  bool list_devices = false;
  bool mute = false;            // no answer audio at all (transcripts only)
  bool aec = true;              // echo cancellation when both devices are used
  double vad_threshold = -1.0;  // < 0: the server's default
  int silence_ms = -1;          // < 0: the server's default
  int timeout_s = 60;           // waiting for the server once our input is sent

  bool uses_microphone() const { return input_file.empty() && texts.empty(); }
  bool uses_speaker() const { return output_file.empty() && !mute; }
  // Responses to wait for: turns, else 1 per file or text, else unlimited (0).
  int EffectiveTurns() const;

  void Validate() const;  // throws mv::Error kInvalidInput "bad_option"
  std::string ToString() const;
};

// "http://h:p" -> "ws://h:p/v1/realtime", "https://h/" -> "wss://h/v1/realtime";
// ws(s) URLs with a path are kept. Throws mv::Error kInvalidInput "bad_url".
std::string NormalizeRealtimeUrl(const std::string& url);

}  // namespace mv
