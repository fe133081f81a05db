// "MirrorChat" (PROTOCOLS.md A2): POST /process_audio, multipart `audio` +
// `language` (+ `voice`: "mirror", the default, or a library voice id); the
// answer comes back as WAV in the caller's own voice. With the voiceprint
// gate on, a stranger gets 403 {"error": "..."} before recognition. Unlike
// the original, `?stream=true` streams it (WAV header with data size 0, then
// PCM as each segment is ready), and a failed sentence is never dropped
// silently (it is logged and counted; the stream goes on).
#include <spdlog/spdlog.h>

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>

#include "audio/audio-decoder.h"
#include "audio/audio-encoder.h"
#include "audio/resampler.h"
#include "common/client-text.h"
#include "common/json-dump.h"
#include "server/http-server.h"
#include "server/multipart.h"
#include "server/routes/route-util.h"
#include "server/routes/turn-support.h"
#include "server/routes/voice-support.h"

namespace mv {
namespace {

const std::string kRoute = "/process_audio";

// The original's error shape: {"error": "..."} (a string, not an object).
HttpResponse MirrorError(int status, const std::string& message) {
  return HttpResponse::Json(status, SafeDump(nlohmann::json{{"error", message}}));
}

std::string AsrLanguage(const std::string& language) {
  if (language == "chinese" || language == "zh" || language == "zh-cn" || language == "cmn")
    return "zh";
  if (language == "english" || language == "en" || language == "en-us") return "en";
  throw Error(ErrorKind::kInvalidInput, "bad_language",
              "language must be chinese, english, zh or en; got '" + language + "'");
}

// The original's answer is a download named response.wav.
HeaderList WithDisposition(HeaderList headers) {
  headers.emplace_back("Content-Disposition", "attachment; filename=response.wav");
  return headers;
}

// Collects the answer at one output rate; streams it too when asked.
class AnswerAssembler {
 public:
  AnswerAssembler(std::shared_ptr<Responder> responder, bool stream, int output_rate,
                  std::shared_ptr<TurnTiming> timing, HeaderList headers)
      : responder_(std::move(responder)),
        stream_(stream),
        kOutputRate(output_rate),
        timing_(std::move(timing)),
        headers_(WithDisposition(std::move(headers))) {}

  void Audio(int segment, const float* samples, std::size_t n, int rate) {
    std::lock_guard lock(mutex_);
    if (segment != segment_ || !resampler_ || resampler_->input_rate() != rate) {
      FlushLocked();
      resampler_ = std::make_unique<Resampler>(rate, kOutputRate);
      segment_ = segment;
    }
    AppendLocked(resampler_->Process(samples, n));
  }

  void SegmentDone() {
    std::lock_guard lock(mutex_);
    FlushLocked();
  }

  void Done(const ChatTurnResult& result) {
    std::lock_guard lock(mutex_);
    FlushLocked();
    if (result.cancelled) {
      if (started_) responder_->End();
      return;
    }
    if (stream_) {
      if (!started_ && result.error) {
        responder_->Send(MirrorError(result.error->HttpStatus(), ClientMessage(*result.error)));
        return;
      }
      StartLocked();
      responder_->End();
      return;
    }
    if (result.error) {
      responder_->Send(MirrorError(result.error->HttpStatus(), ClientMessage(*result.error)));
      return;
    }
    if (result.spoken_segments > 0 && result.failed_segments == result.spoken_segments) {
      responder_->Send(MirrorError(502, "speech synthesis failed for every sentence"));
      return;
    }
    HttpResponse r;
    r.content_type = "audio/wav";
    r.body = EncodeAudio(AudioBuffer{std::move(whole_), kOutputRate}, AudioFormat::kWav);
    r.headers = {{"X-Transcript-Reply", std::to_string(result.text.size())}};
    r.headers.insert(r.headers.end(), headers_.begin(), headers_.end());
    timing_->Mark(Stage::kFirstByteSent);
    responder_->Send(std::move(r));
  }

 private:
  void StartLocked() {
    if (started_) return;
    started_ = true;
    responder_->StartStream(200, "audio/wav", headers_);
    responder_->Write(WavStreamHeader(kOutputRate));
  }
  void AppendLocked(const std::vector<float>& pcm) {
    if (pcm.empty()) return;
    if (stream_) {
      StartLocked();
      responder_->Write(ToPcm16(pcm.data(), pcm.size()));
      timing_->Mark(Stage::kFirstByteSent);
    } else {
      whole_.insert(whole_.end(), pcm.begin(), pcm.end());
    }
  }
  void FlushLocked() {
    if (resampler_) AppendLocked(resampler_->Flush());
    resampler_.reset();
  }

  std::shared_ptr<Responder> responder_;
  const bool stream_;
  const int kOutputRate;
  std::shared_ptr<TurnTiming> timing_;
  const HeaderList headers_;  // X-Speaker, X-Voiceprint...
  std::mutex mutex_;  // guards everything below; sink calls come from pool threads
  std::unique_ptr<Resampler> resampler_;
  int segment_ = -1;
  bool started_ = false;
  std::vector<float> whole_;
};

}  // namespace

void RegisterMirrorChatRoutes(HttpServer& server, ServerContext& ctx) {
  server.Route("POST", "/process_audio", [&ctx](std::shared_ptr<HttpRequest> req,
                                                std::shared_ptr<Responder> responder) {
    auto timing = std::make_shared<TurnTiming>();
    std::string audio_bytes, language;
    std::shared_ptr<const VoiceReference> library_voice;  // null: mirror the caller
    try {
      auto form = MultipartForm::Parse(req->Header("content-type"), req->body);
      const FormPart* audio = form.Find("audio");
      if (!audio || audio->data.empty())
        throw Error(ErrorKind::kInvalidInput, "missing_field", "multipart field 'audio' is required");
      audio_bytes = audio->data;
      // Required, as the original answers 400 without it.
      const std::optional<std::string> lang = form.Value("language");
      if (!lang || lang->empty())
        throw Error(ErrorKind::kInvalidInput, "missing_field",
                    "multipart field 'language' is required (chinese, english, zh or en)");
      language = AsrLanguage(*lang);
      library_voice = LibraryReference(ctx, form.Value("voice").value_or("mirror"));
    } catch (const Error& e) {
      CountRejected(kRoute, e);
      responder->Send(MirrorError(e.HttpStatus(), ClientMessage(e)));
      return;
    }
    bool stream = req->Query("stream").value_or("false") == "true";
    ctx.compute->Post([&ctx, responder, timing, stream, language, library_voice,
                       audio_bytes = std::move(audio_bytes)]() mutable {
      if (responder->cancel().IsCancelled()) return;
      ChatTurnRequest turn = BaseTurnRequest(ctx);
      HeaderList speaker_headers;
      try {
        AudioBuffer audio = DecodeAudio(audio_bytes, ctx.config.audio, 16000);
        // Voiceprint gate before recognition: strangers get 403.
        if (auto check = CheckSpeaker(ctx, audio, responder->cancel())) {
          speaker_headers = SpeakerHeaders(ctx, *check);
          if (GateRefuses(ctx, *check)) {
            const Error refused(ErrorKind::kForbidden, std::string("voiceprint_") + check->OutcomeName(),
                                "voiceprint: " + check->reason);
            CountRejected(kRoute, refused);
            HttpResponse r = MirrorError(403, ClientMessage(refused));
            r.headers = std::move(speaker_headers);
            responder->Send(std::move(r));
            return;
          }
          ApplySpeaker(ctx, *check, turn);
        }
        // Remote engines serve several languages; the embedded one only its own.
        if (language != ctx.config.asr.language && !ctx.asr->SupportsLanguage(language))
          throw Error(ErrorKind::kUnsupported, "unsupported_language",
                      "the configured ASR (" + ctx.config.asr.engine + ", " +
                          ctx.config.asr.language + ") cannot recognise '" + language + "'");
        AsrResult heard = ctx.asr->TranscribeIn(Resample(audio, ctx.asr->SampleRate()), language,
                                                responder->cancel());
        timing->Mark(Stage::kAsrDone);
        if (heard.text.empty())
          throw Error(ErrorKind::kInvalidInput, "no_speech", "no speech was recognised in 'audio'");
        if (library_voice) {
          turn.reference = library_voice;
        } else {
          // The caller's question is the voice reference of the answer.
          auto ref = std::make_shared<VoiceReference>();
          ref->id = "caller:" + std::to_string(std::hash<std::string>()(audio_bytes));
          ref->transcript = heard.text;
          ref->audio = std::make_shared<AudioBuffer>(std::move(audio));
          turn.reference = std::move(ref);
        }
        turn.language = language;
        turn.messages = {{"user", heard.text}};
      } catch (const Error& e) {
        CountRejected(kRoute, e);
        responder->Send(MirrorError(e.HttpStatus(), ClientMessage(e)));
        return;
      }
      auto answer = std::make_shared<AnswerAssembler>(
          responder, stream, ctx.config.pipeline.output_sample_rate, timing,
          std::move(speaker_headers));
      ChatTurnSink sink;
      sink.on_audio = [answer](const SpokenSegment& s, const float* p, std::size_t n, int rate) {
        answer->Audio(s.number, p, n, rate);
      };
      sink.on_segment = [answer](const SpokenSegment&, const AudioBuffer&) { answer->SegmentDone(); };
      sink.on_segment_error = [](const SpokenSegment& s, const Error& e) {
        spdlog::warn("/process_audio: segment {} not spoken: {}", s.number, e.what());
      };
      if (stream) {  // pcm16 at the output rate; a whole WAV is built in memory anyway
        const std::size_t limit =
            QueuedAudioLimit(ctx, ctx.config.pipeline.output_sample_rate * 2.0);
        sink.output_full = ResponderGate(responder, [limit] { return limit; });
      }
      sink.on_done = [answer, timing](const ChatTurnResult& result) {
        FinishTurn(kRoute, result, *timing);
        answer->Done(result);
      };
      ChatTurn::Start(*ctx.llm, *ctx.tts, *ctx.compute, std::move(turn), responder->cancel(),
                      timing, std::move(sink));
    });
  });
}

}  // namespace mv
