// meta.json of a library voice (voice-meta.h): any bytes are a voice or an
// mv::Error kInvalidInput "bad_meta", never anything else; an accepted voice
// has a valid id and sane numbers, and is written back so that it reads the
// same.
#include <cmath>
#include <cstdlib>

#include "common/error.h"
#include "fuzz-target.h"
#include "voice/voice-meta.h"
#include "voice/voice-name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  mv::LibraryVoice v;
  try {
    v = mv::ParseVoiceMeta(text);
  } catch (const mv::Error& e) {
    if (e.kind() != mv::ErrorKind::kInvalidInput || e.code() != "bad_meta") std::abort();
    return 0;
  }
  if (!mv::IsValidVoiceId(v.id) || !v.wav_path.empty()) std::abort();
  for (double x : {v.duration, v.voiced_seconds, v.source_seconds, v.reference_start})
    if (!std::isfinite(x) || x < 0) std::abort();
  if (v.sample_rate < 0 || v.created_ms < 0) std::abort();
  const std::string written = mv::VoiceMetaText(v);
  mv::LibraryVoice back;
  try {
    back = mv::ParseVoiceMeta(written);
  } catch (const mv::Error&) {
    std::abort();  // the library would lose a voice it wrote itself
  }
  if (mv::VoiceMetaText(back) != written || back.duration != v.duration ||
      back.created != v.created || back.name != v.name || back.transcript != v.transcript)
    std::abort();
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  return {
      R"({
  "created": "2026-11-02T10:15:30Z",
  "created_ms": 1793614530123,
  "duration": 7.84,
  "id": "grandpa_joe",
  "name": "Grandpa Joe",
  "reference_start": 1.25,
  "sample_rate": 48000,
  "source_seconds": 12.5,
  "transcript": "It was a bright cold day in April.",
  "transcript_source": "asr",
  "version": 1,
  "voiced_seconds": 6.9
}
)",
      R"({"id":"alice","name":"Alice","duration":3.5})",
      R"({"id":"ren","name":"Ren\u00e9","duration":0.0,"transcript":"\u4f60\u597d","transcript_source":"given","sample_rate":16000.0})",
      R"({"id":"x","name":"x","duration":1e308,"created_ms":-1})",
      R"({"id":"../etc","name":"x","duration":1})",
      R"({"id":"a","name":5,"duration":"1"})",
      R"(["id","a"])",
      "{\"id\":\"a\",\"name\":\"a\",\"duration\":1,\"sample_rate\":99999999999}",
  };
}
