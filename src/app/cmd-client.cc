// mirrorvox client: talk to a /v1/realtime server from a file, typed text,
// or the microphone and speaker (Raspberry Pi, desktop).
#include <poll.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "app/commands.h"
#include "client/device-audio.h"
#include "client/file-audio-source.h"
#include "client/realtime-client.h"
#include "client/sound-devices.h"
#include "client/wav-file-sink.h"
#include "common/error.h"

namespace mv {
namespace {

std::atomic<bool> g_stop{false};  // set by SIGINT / SIGTERM
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void OnSignal(int) { g_stop = true; }

// Installs the Ctrl-C handler for as long as it lives.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction action {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// Push-to-talk: every Enter on stdin starts or ends a turn.
void ReadEnterKeys(RealtimeClient& client, const std::atomic<bool>& done) {
  std::cerr << "push-to-talk: press Enter to talk, Enter again to send\n";
  while (!done && !g_stop) {
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    char buffer[256];
    ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) return;  // stdin closed
    for (ssize_t i = 0; i < n; ++i) {
      if (buffer[i] != '\n') continue;
      client.ToggleTalking();
      std::cerr << (client.talking() ? "talking... (Enter to send)\n" : "sent\n");
    }
  }
}

int ListDevices() {
  try {
    PortAudioSession session;
    PrintSoundDevices(ListSoundDevices(), std::cout);
    return 0;
  } catch (const Error& e) {
    std::cerr << "mirrorvox client: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

CLI::App* AddClientCommand(CLI::App& app, ClientConfig& c) {
  auto* cmd = app.add_subcommand(
      "client", "Talk to a /v1/realtime server: microphone and speaker, a file, or typed text");
  cmd->add_option("url", c.url, "Server: ws(s)://host:port/v1/realtime or an http(s):// base URL")
      ->capture_default_str();
  cmd->add_option("--input", c.input_file, "Audio file to speak instead of the microphone");
  cmd->add_option("--output", c.output_file, "WAV file of the answers instead of the speaker");
  cmd->add_option("--text", c.texts, "A typed turn (repeatable), no microphone");
  cmd->add_flag("--push-to-talk", c.push_to_talk,
                "No server VAD: Enter starts/stops talking; an --input file is one turn");
  cmd->add_option("--voice", c.voice, "Answer voice (engine voice, library id, or mirror)");
  cmd->add_option("--instructions", c.instructions, "System instructions for the session");
  cmd->add_option("--turns", c.turns,
                  "Exit after N responses (default: 1 per --input/--text, else unlimited)");
  cmd->add_option("--ca-file", c.ca_file, "wss: PEM file of CAs to trust");
  cmd->add_flag("--insecure", c.insecure, "wss: accept any certificate (self-signed servers)");
  cmd->add_option("--input-device", c.input_device, "Microphone: index or name (--list-devices)");
  cmd->add_option("--output-device", c.output_device, "Speaker: index or name (--list-devices)");
  cmd->add_flag("--list-devices", c.list_devices, "List sound devices and exit");
  cmd->add_flag(
      "--no-aec", [&c](std::int64_t) { c.aec = false; },
      "No echo cancellation (use with headphones)");
  cmd->add_flag("--mute", c.mute, "Do not play or keep the answers' audio");
  cmd->add_option("--vad-threshold", c.vad_threshold, "Server VAD threshold, 0..1");
  cmd->add_option("--silence-ms", c.silence_ms, "Silence that ends a turn (server VAD), ms");
  cmd->add_option("--timeout", c.timeout_s, "Seconds to wait for an answer")->capture_default_str();
  return cmd;
}

int RunClient(const ClientConfig& config) {
  if (config.list_devices) return ListDevices();
  try {
    config.Validate();
  } catch (const Error& e) {
    std::cerr << "mirrorvox client: " << e.what() << "\n";
    return 2;
  }
  try {
    std::unique_ptr<PortAudioSession> portaudio;
    std::unique_ptr<DeviceAudio> device;
    std::unique_ptr<AudioSource> file_source;
    std::unique_ptr<AudioSink> file_sink;
    AudioSource* source = nullptr;
    AudioSink* sink = nullptr;
    if (!config.input_file.empty()) {
      FileSourceOptions options;
      options.trailing_silence = !config.push_to_talk;  // server VAD needs to hear the end
      file_source = std::make_unique<FileAudioSource>(config.input_file, options);
      source = file_source.get();
    }
    if (!config.output_file.empty()) {
      file_sink = std::make_unique<WavFileSink>(config.output_file);
      sink = file_sink.get();
    }
    if (config.uses_microphone() || config.uses_speaker()) {
      portaudio = std::make_unique<PortAudioSession>();
      DeviceAudioOptions options;
      if (config.uses_microphone()) options.input = FindSoundDevice(config.input_device, true);
      if (config.uses_speaker()) options.output = FindSoundDevice(config.output_device, false);
      options.echo_cancellation = config.aec;
      device = std::make_unique<DeviceAudio>(options);
      if (config.uses_microphone()) source = device.get();
      if (config.uses_speaker()) sink = device.get();
      std::cerr << "audio: " << (options.input ? "mic '" + options.input->name + "'" : "")
                << (options.input && options.output ? ", " : "")
                << (options.output ? "speaker '" + options.output->name + "'" : "") << " at "
                << device->device_rate() << " Hz"
                << (device->echo_cancelling() ? ", echo cancellation on" : "") << "\n";
    }

    StopSignals signals;
    g_stop = false;
    RealtimeClient client(config, source, sink, std::cout, std::cerr);
    std::atomic<bool> done{false};
    std::thread keys;
    if (config.push_to_talk && config.uses_microphone())
      keys = std::thread([&] { ReadEnterKeys(client, done); });
    else if (config.uses_microphone())
      std::cerr << "hands-free: speak any time, talk over the answer to interrupt; Ctrl-C quits\n";
    int code = client.Run(g_stop);
    done = true;
    if (keys.joinable()) keys.join();
    return code;
  } catch (const Error& e) {
    std::cerr << "mirrorvox client: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mv
