// The persistent voice library: voices enrolled over the API (POST
// /api/voices) that any request can speak in (`voice: <id>`).
//
// On disk, under config.ResolvedDir():
//   <id>/reference.wav   the cloning reference: the best 3-10 s voiced
//                        stretch of the upload (reference-picker.h), mono
//                        16-bit at the upload's rate
//   <id>/meta.json       {"id", "name", "transcript", "transcript_source",
//                         "duration", "created", "created_ms", "sample_rate",
//                         "voiced_seconds", "source_seconds", "reference_start",
//                         "version": 1}
// A voice is written whole into a hidden ".tmp-<id>-*" folder (every file
// fsync'ed) and then renamed into place with RENAME_NOREPLACE, so a crash or
// a full disk leaves no half-written voice and an existing voice is never
// overwritten. Deleting renames the folder to ".trash-<id>-*" first. Leftover
// hidden folders are removed at start-up; folders that do not hold a valid
// voice are skipped with a warning, never deleted.
//
// Thread-safe: the index is guarded; decoding, picking and transcribing run
// outside the lock, so enrolments do not hold up lookups.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audio/audio-buffer.h"
#include "common/cancel-token.h"
#include "tts/tts.h"
#include "voice/voice-library-config.h"

namespace mv {

struct LibraryVoice {
  std::string id;
  std::string name;
  std::string transcript;
  std::string transcript_source;  // "given", "asr" or "none"
  double duration = 0.0;          // of reference.wav, seconds
  int sample_rate = 0;
  double voiced_seconds = 0.0;   // in the reference
  double source_seconds = 0.0;   // of the upload
  double reference_start = 0.0;  // where the reference starts in the upload
  std::string created;           // ISO 8601 UTC
  int64_t created_ms = 0;
  std::string wav_path;  // <dir>/<id>/reference.wav

  // What GET /api/voices shows (no file paths).
  nlohmann::json ToJson() const;
};

// Speech -> text for voices enrolled without a transcript. May throw; the
// voice is then stored without one.
using Transcriber = std::function<std::string(const AudioBuffer& audio, const CancelToken& cancel)>;

class VoiceLibrary {
 public:
  // Reads the library from disk (a missing folder is an empty library).
  VoiceLibrary(VoiceLibraryConfig config, Transcriber transcriber = nullptr);

  // Enrols `audio_bytes` (any format DecodeAudio reads) as `name`. Throws
  // mv::Error: kInvalidInput "bad_voice_name", "too_short",
  // "not_enough_speech", decode errors; kTooLarge "too_large"/"too_long"
  // (upload limits) or "library_full"; kInvalidInput "voice_exists" (409 at
  // the route) when the id is taken; kInternal "storage_failed".
  LibraryVoice Add(std::string_view name, std::string_view audio_bytes,
                   std::optional<std::string> transcript, const CancelToken& cancel = {});
  // False when there is no such voice; throws "bad_voice_id" for an invalid id.
  bool Remove(std::string_view id);
  std::optional<LibraryVoice> Find(std::string_view id) const;
  std::vector<LibraryVoice> List() const;  // by id
  std::size_t size() const;

  // The voice as a TTS reference (id "voice:<id>@<created_ms>", so caches
  // keyed by it never confuse a deleted voice with a new one of that name).
  // Throws "bad_voice_id" or kNotFound "no_voice".
  std::shared_ptr<const VoiceReference> Reference(std::string_view id) const;
  // Decoded reference.wav. Throws like Reference().
  AudioBuffer LoadAudio(std::string_view id) const;

  const std::string& dir() const { return dir_; }
  const VoiceLibraryConfig& config() const { return config_; }

 private:
  void Load();
  void Commit(const LibraryVoice& voice, const std::string& wav);

  VoiceLibraryConfig config_;
  Transcriber transcriber_;
  std::string dir_;
  mutable std::mutex mutex_;  // guards voices_ and adding_
  std::map<std::string, LibraryVoice> voices_;
  std::set<std::string> adding_;  // ids being enrolled right now
};

}  // namespace mv
