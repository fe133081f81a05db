#include "voice/voice-library.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audio/audio-config.h"
#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "common/atomic-file.h"
#include "common/client-text.h"
#include "common/error.h"
#include "voice/reference-picker.h"
#include "voice/voice-meta.h"
#include "voice/voice-name.h"

namespace mv {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kMeta = "meta.json";
constexpr const char* kWav = "reference.wav";
constexpr double kFadeSeconds = 0.01;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kNotFound, "no_voice", "cannot read '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string UniqueSuffix() {
  static std::atomic<unsigned> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

// The [start, end) stretch of `audio` with 10 ms fades, so it starts and ends
// without a click.
AudioBuffer Cut(const AudioBuffer& audio, double start, double end) {
  const std::size_t a = std::min(audio.samples.size(),
                                 static_cast<std::size_t>(std::lround(start * audio.sample_rate)));
  const std::size_t b = std::min(audio.samples.size(),
                                 static_cast<std::size_t>(std::lround(end * audio.sample_rate)));
  AudioBuffer out{{audio.samples.begin() + a, audio.samples.begin() + std::max(a, b)},
                  audio.sample_rate};
  const std::size_t fade =
      std::min(out.samples.size() / 2, static_cast<std::size_t>(kFadeSeconds * audio.sample_rate));
  for (std::size_t i = 0; i < fade; ++i) {
    const float g = static_cast<float>(i) / static_cast<float>(fade);
    out.samples[i] *= g;
    out.samples[out.samples.size() - 1 - i] *= g;
  }
  return out;
}

}  // namespace

VoiceLibrary::VoiceLibrary(VoiceLibraryConfig config, Transcriber transcriber)
    : config_(std::move(config)), transcriber_(std::move(transcriber)) {
  config_.Validate();
  // Absolute: cloning engines get reference paths that must not depend on our cwd.
  std::error_code ec;
  dir_ = fs::absolute(config_.ResolvedDir(), ec).lexically_normal().string();
  if (ec) dir_ = config_.ResolvedDir();
  Load();
}

void VoiceLibrary::Load() {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return;  // created on the first enrolment
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".tmp-", 0) == 0 || name.rfind(".trash-", 0) == 0) {
      // An enrolment or deletion a crash interrupted: never visible, safe to drop.
      fs::remove_all(entry.path(), ec);
      continue;
    }
    if (!entry.is_directory() || name.front() == '.') continue;
    try {
      if (!IsValidVoiceId(name)) throw std::runtime_error("not a voice id");
      LibraryVoice v = ParseVoiceMeta(ReadAll((entry.path() / kMeta).string()));
      if (v.id != name) throw std::runtime_error("meta.json names id '" + v.id + "'");
      v.wav_path = (entry.path() / kWav).string();
      if (!fs::is_regular_file(v.wav_path)) throw std::runtime_error("no reference.wav");
      voices_.emplace(v.id, std::move(v));
    } catch (const std::exception& e) {
      spdlog::warn("voice library: skipping '{}': {}", entry.path().string(), e.what());
    }
  }
  if (ec) spdlog::warn("voice library: reading '{}': {}", dir_, ec.message());
  spdlog::info("voice library: {} voices in {}", voices_.size(), dir_);
}

LibraryVoice VoiceLibrary::Add(std::string_view name, std::string_view audio_bytes,
                               std::optional<std::string> transcript, const CancelToken& cancel) {
  if (!IsValidUtf8(name) || (transcript && !IsValidUtf8(*transcript)))
    throw Error(ErrorKind::kInvalidInput, "bad_text",
                "the voice name and transcript must be UTF-8 text");
  const std::string id = VoiceIdFromName(name);
  const auto exists = [&] {
    return Error(
        ErrorKind::kInvalidInput, "voice_exists",
        "a voice with id '" + id + "' already exists; delete it first or pick another name");
  };
  {
    std::lock_guard lock(mutex_);
    if (voices_.count(id) || adding_.count(id)) throw exists();
    if (voices_.size() + adding_.size() >= static_cast<std::size_t>(config_.max_voices))
      throw Error(ErrorKind::kTooLarge, "library_full",
                  "the voice library holds its maximum of " + std::to_string(config_.max_voices) +
                      " voices (library.max_voices)");
    adding_.insert(id);
  }
  // Whatever happens next, the id is free again afterwards unless committed.
  struct Release {
    VoiceLibrary* self;
    std::string id;
    ~Release() {
      std::lock_guard lock(self->mutex_);
      self->adding_.erase(id);
    }
  } release{this, id};

  AudioConfig limits;
  limits.max_bytes = config_.max_upload_bytes;
  limits.max_seconds = config_.max_upload_seconds;
  const AudioBuffer upload = DecodeAudio(audio_bytes, limits);
  const ReferencePick pick = PickReference(AnalyzeSpeech(upload));
  const AudioBuffer clip = Cut(upload, pick.start_seconds, pick.end_seconds);

  LibraryVoice v;
  v.id = id;
  v.name = std::string(name);
  v.duration = clip.DurationSeconds();
  v.sample_rate = clip.sample_rate;
  v.voiced_seconds = pick.voiced_seconds;
  v.source_seconds = upload.DurationSeconds();
  v.reference_start = pick.start_seconds;
  if (transcript && !transcript->empty()) {
    v.transcript = *transcript;
    v.transcript_source = "given";
  } else if (transcriber_) {
    try {
      v.transcript = transcriber_(clip, cancel);
      v.transcript_source = v.transcript.empty() ? "none" : "asr";
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kCancelled) throw;
      spdlog::warn("voice library: transcribing '{}' failed ({}); stored without a transcript", id,
                   e.what());
      v.transcript_source = "none";
    }
  } else {
    v.transcript_source = "none";
  }
  if (cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "cancelled", "enrolment cancelled");
  v.created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  v.created = VoiceIsoTime(v.created_ms);
  v.wav_path = (fs::path(dir_) / id / kWav).string();
  Commit(v, EncodeAudio(clip, AudioFormat::kWav));
  spdlog::info(
      "voice library: enrolled '{}' ({:.2f} s reference at {:.2f} s, {:.2f} s voiced, "
      "transcript {})",
      id, v.duration, v.reference_start, v.voiced_seconds, v.transcript_source);
  return v;
}

void VoiceLibrary::Commit(const LibraryVoice& v, const std::string& wav) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec)
    throw Error(ErrorKind::kInternal, "storage_failed",
                "cannot create the voice library folder '" + dir_ + "': " + ec.message());
  const std::string temp = (fs::path(dir_) / (".tmp-" + v.id + "-" + UniqueSuffix())).string();
  const std::string final_dir = (fs::path(dir_) / v.id).string();
  try {
    if (!fs::create_directory(temp, ec) || ec)
      throw Error(ErrorKind::kInternal, "storage_failed",
                  "cannot create '" + temp + "': " + ec.message());
    WriteNewFileSynced(temp + "/" + kWav, wav);
    WriteNewFileSynced(temp + "/" + kMeta, VoiceMetaText(v));
    SyncDirectory(temp);
    std::lock_guard lock(mutex_);
    try {
      RenameNoReplace(temp, final_dir);
    } catch (const Error& e) {
      // A folder of that name that is not in the index (skipped at load).
      if (e.code() == "exists")
        throw Error(ErrorKind::kInvalidInput, "voice_exists",
                    "a folder '" + v.id + "' already exists in the voice library");
      throw;
    }
    SyncDirectory(dir_);
    voices_[v.id] = v;
  } catch (...) {
    fs::remove_all(temp, ec);
    throw;
  }
}

bool VoiceLibrary::Remove(std::string_view id) {
  ValidateVoiceId(id);
  std::lock_guard lock(mutex_);
  auto it = voices_.find(std::string(id));
  if (it == voices_.end()) return false;
  const std::string trash =
      (fs::path(dir_) / (".trash-" + std::string(id) + "-" + UniqueSuffix())).string();
  if (::rename((fs::path(dir_) / std::string(id)).c_str(), trash.c_str()) != 0) {
    throw Error(ErrorKind::kInternal, "storage_failed",
                "cannot remove voice '" + std::string(id) + "': " + std::strerror(errno));
  }
  voices_.erase(it);
  SyncDirectory(dir_);
  std::error_code ec;
  fs::remove_all(trash, ec);  // a leftover is removed at the next start-up
  return true;
}

std::optional<LibraryVoice> VoiceLibrary::Find(std::string_view id) const {
  if (!IsValidVoiceId(id)) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = voices_.find(std::string(id));
  if (it == voices_.end()) return std::nullopt;
  return it->second;
}

std::vector<LibraryVoice> VoiceLibrary::List() const {
  std::lock_guard lock(mutex_);
  std::vector<LibraryVoice> out;
  for (const auto& [id, v] : voices_) out.push_back(v);
  return out;
}

std::size_t VoiceLibrary::size() const {
  std::lock_guard lock(mutex_);
  return voices_.size();
}

std::shared_ptr<const VoiceReference> VoiceLibrary::Reference(std::string_view id) const {
  ValidateVoiceId(id);
  const std::optional<LibraryVoice> v = Find(id);
  if (!v) throw Error(ErrorKind::kNotFound, "no_voice", "no voice '" + std::string(id) + "'");
  auto ref = std::make_shared<VoiceReference>();
  ref->id = "voice:" + v->id + "@" + std::to_string(v->created_ms);
  ref->wav_path = v->wav_path;
  ref->transcript = v->transcript;
  return ref;
}

AudioBuffer VoiceLibrary::LoadAudio(std::string_view id) const {
  return DecodeAudio(ReadAll(Reference(id)->wav_path));
}

}  // namespace mv
