#include "tts/shared-reference-dir.h"

#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "audio/audio-encoder.h"
#include "common/atomic-file.h"
#include "common/error.h"
#include "tts/reference-clip.h"
#include "tts/remote-speech.h"

namespace mv {

SharedReferenceDir::SharedReferenceDir(std::string local_dir, std::string remote_dir,
                                       std::size_t keep)
    : local_dir_(std::move(local_dir)), remote_dir_(std::move(remote_dir)), keep_(keep) {
  if (local_dir_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(local_dir_, ec);
  if (ec)
    throw Error(ErrorKind::kInternal, "storage_failed",
                "cannot create the shared reference folder '" + local_dir_ + "': " + ec.message());
}

std::string SharedReferenceDir::FileName(const std::string& reference_id) {
  char name[40];
  std::snprintf(name, sizeof name, "mv-ref-%016llx.wav",
                static_cast<unsigned long long>(Fnv1a64(reference_id)));
  return name;
}

std::string SharedReferenceDir::RemotePath(const std::string& name) const {
  // A Windows TTS host ("D:\GPT-SoVITS\share") gets its own separator.
  const bool windows =
      remote_dir_.find('\\') != std::string::npos && remote_dir_.find('/') == std::string::npos;
  const char sep = windows ? '\\' : '/';
  if (remote_dir_.empty() || remote_dir_.back() == sep) return remote_dir_ + name;
  return remote_dir_ + sep + name;
}

std::optional<StagedReference> SharedReferenceDir::Stage(const VoiceReference& reference) {
  if (!enabled()) return std::nullopt;
  const std::string id = reference.id.empty() ? reference.wav_path : reference.id;
  {
    std::lock_guard lock(mutex_);
    if (auto it = staged_.find(id); it != staged_.end()) {
      lru_.remove(id);
      lru_.push_back(id);
      return it->second;
    }
  }
  std::optional<AudioBuffer> audio = LoadReferenceAudio(reference);
  if (!audio) return std::nullopt;
  ReferenceClip clip = FitReference(*audio);
  const std::string name = FileName(id);
  ReplaceFileAtomically(local_dir_ + "/" + name, EncodeAudio(clip.audio, AudioFormat::kWav));
  StagedReference staged{RemotePath(name), clip.cut ? "" : reference.transcript, clip.cut};
  if (clip.cut)
    spdlog::info(
        "TTS reference {}: {:.1f} s cut to {:.1f} s from {:.1f} s (sent without its "
        "transcript, which covers the whole clip)",
        id, audio->DurationSeconds(), clip.audio.DurationSeconds(), clip.start_seconds);
  std::vector<std::string> evicted;
  {
    std::lock_guard lock(mutex_);
    if (staged_.emplace(id, staged).second) lru_.push_back(id);
    while (lru_.size() > keep_) {
      evicted.push_back(lru_.front());
      staged_.erase(lru_.front());
      lru_.pop_front();
    }
  }
  for (const std::string& old : evicted) {
    std::error_code ec;
    std::filesystem::remove(local_dir_ + "/" + FileName(old), ec);
  }
  return staged;
}

}  // namespace mv
