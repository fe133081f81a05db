// mirrorvox: a streaming voice-chat server. This file is the command table.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "app/commands.h"

int main(int argc, char** argv) {
  // Logs go to stderr: stdout carries results (transcripts, config check).
  spdlog::set_default_logger(spdlog::stderr_color_mt("mirrorvox"));
  if (const char* level = std::getenv("MIRRORVOX_LOG_LEVEL"))
    spdlog::set_level(spdlog::level::from_str(level));
  // MIRRORVOX_CONFIG names the config file when -c is not given.
  std::string env_config = std::getenv("MIRRORVOX_CONFIG") ? std::getenv("MIRRORVOX_CONFIG") : "";

  CLI::App app{"mirrorvox: speech in -> ASR -> LLM -> TTS -> speech out, streaming"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "mirrorvox 0.1.0");

  mv::ServeOptions serve;
  serve.config_path = env_config;
  auto* serve_cmd = app.add_subcommand("serve", "Run the HTTP server");
  serve_cmd->add_option("-c,--config", serve.config_path, "YAML config file (default: embedded)");
  serve_cmd->add_option("--host", serve.host, "Override server.host");
  serve_cmd->add_option("--port", serve.port, "Override server.port (0 = any free port)");

  mv::TranscribeOptions transcribe;
  auto* transcribe_cmd = app.add_subcommand("transcribe", "Print the transcript of an audio file");
  transcribe_cmd->add_option("file", transcribe.file, "Audio file (wav, flac, mp3, ogg, webm, m4a)")
      ->required();
  transcribe_cmd->add_option("--lang", transcribe.language, "Language")->capture_default_str();
  transcribe_cmd->add_option("-c,--config", transcribe.config_path, "YAML config file");

  mv::SayOptions say;
  auto* say_cmd = app.add_subcommand("say", "Speak text into a WAV file");
  say_cmd->add_option("text", say.text, "Text to speak")->required();
  say_cmd->add_option("-o,--output", say.output, "Output WAV file")->required();
  say_cmd->add_option("--lang", say.language, "Language: en, zh, ...")->capture_default_str();
  say_cmd->add_option("--voice", say.voice,
                      "Voice (flite: slt rms awb kal16 kal; espeak: cmn ...)");
  say_cmd->add_option("-c,--config", say.config_path, "YAML config file");

  std::string check_path = env_config;
  auto* config_cmd = app.add_subcommand("config", "Configuration tools");
  config_cmd->require_subcommand(1);
  auto* check_cmd = config_cmd->add_subcommand(
      "check", "Validate and print the resolved config (secrets masked)");
  check_cmd->add_option("-c,--config", check_path, "YAML config file (default: embedded)");

  mv::KeysOptions keys;
  keys.config_path = env_config;
  auto* keys_cmd = mv::AddKeysCommand(app, keys);

  std::string doctor_path = env_config;
  auto* doctor_cmd = app.add_subcommand(
      "doctor", "Check what the config needs on this machine: one line per check, with the fix");
  doctor_cmd->add_option("-c,--config", doctor_path, "YAML config file (default: embedded)");

  mv::ClientConfig client;
  auto* client_cmd = mv::AddClientCommand(app, client);

  CLI11_PARSE(app, argc, argv);

  if (*serve_cmd) return mv::RunServe(serve);
  if (*transcribe_cmd) return mv::RunTranscribe(transcribe);
  if (*say_cmd) return mv::RunSay(say);
  if (*check_cmd) return mv::RunConfigCheck(check_path);
  if (*doctor_cmd) return mv::RunDoctor(doctor_path);
  if (*client_cmd) return mv::RunClient(client);
  if (*keys_cmd) return mv::RunKeys(*keys_cmd, keys);
  return 2;
}
