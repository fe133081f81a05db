// Hands reference clips to TTS servers that read them from their own disk
// (GPT-SoVITS's ref_audio_path, xtts-api-server's speaker_wav): the clip is
// fitted to 3-10 s (reference-clip.h), written into a folder both hosts see
// (temp file + rename, so the server never reads half a file) as
// mv-ref-<hash of the reference id>.wav, and named by the path the TTS host
// uses for that folder. Each reference is written once; the newest 256 are
// kept and older files this process wrote are deleted.
//
// Thread-safe: the index is guarded; decoding and writing run outside the
// lock (two callers staging one new reference both write the same bytes).
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "tts/tts.h"

namespace mv {

struct StagedReference {
  std::string remote_path;  // as the TTS host reads it
  std::string transcript;   // the reference's, or "" when the clip had to be cut
  bool cut = false;
};

class SharedReferenceDir {
 public:
  // Both empty: disabled (Stage() returns nullopt). Creates local_dir.
  SharedReferenceDir(std::string local_dir, std::string remote_dir, std::size_t keep = 256);

  bool enabled() const { return !local_dir_.empty(); }
  // nullopt when disabled or when the reference has neither audio in memory
  // nor a wav_path readable here (then it may be a path on the TTS host).
  // Throws mv::Error kInternal "storage_failed" when the folder is not writable.
  std::optional<StagedReference> Stage(const VoiceReference& reference);

  const std::string& local_dir() const { return local_dir_; }
  // The file name a reference id gets.
  static std::string FileName(const std::string& reference_id);

 private:
  std::string RemotePath(const std::string& name) const;

  const std::string local_dir_;
  const std::string remote_dir_;
  const std::size_t keep_;
  std::mutex mutex_;                               // guards staged_ and lru_
  std::map<std::string, StagedReference> staged_;  // by reference id
  std::list<std::string> lru_;                     // reference ids, oldest first
};

}  // namespace mv
