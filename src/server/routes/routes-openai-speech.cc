// POST /v1/audio/speech (OpenAI's shape, PROTOCOLS.md B5): JSON {model,
// input (1..4096 characters), voice, response_format mp3|opus|aac|flac|wav|
// pcm (default mp3; pcm = raw 24 kHz s16le mono), speed 0.25..4 (a real
// time-stretch, pitch kept), instructions (ignored), stream_format
// audio|sse}.
//
// The input is cut by the reply segmenter and its sentences synthesised in
// parallel, emitted in order (TtsFanout), so long text starts sounding after
// its first clause. wav and pcm stream as they are synthesised (wav with a
// header of unknown length, as /process_audio?stream=true); the compressed
// formats are encoded once the whole text is spoken. stream_format sse sends
// {"type":"speech.audio.delta","audio":<base64>} events: pieces of the same
// bytes the audio stream would carry (for the compressed formats, the whole
// file in pieces at the end), then {"type":"speech.audio.done","usage"}.
// A client that hangs up cancels every sentence still queued or running.
#include <spdlog/spdlog.h>

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "audio/audio-encoder.h"
#include "audio/resampler.h"
#include "audio/time-stretcher.h"
#include "common/base64.h"
#include "common/client-text.h"
#include "common/json-dump.h"
#include "common/metrics.h"
#include "pipeline/segmenter.h"
#include "pipeline/tts-fanout.h"
#include "server/routes/routes-openai-support.h"
#include "server/routes/turn-support.h"

namespace mv {
namespace {

using nlohmann::json;

const std::string kRoute = "/v1/audio/speech";
constexpr int kOutputRate = 24000;  // OpenAI's pcm rate; wav follows it
constexpr std::size_t kMaxInputChars = 4096;
constexpr std::size_t kSseAudioPiece = 48 * 1024;  // bytes of audio per delta event

struct SpeechRequest {
  std::string input;
  std::size_t input_chars = 0;
  ResolvedVoice voice;
  AudioFormat format = AudioFormat::kMp3;
  double speed = 1.0;
  bool sse = false;
};

std::size_t Utf8Chars(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// A string field, "" when absent or null; ParamError when another type.
std::string StringField(const json& body, const std::string& name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string()) ThrowBadParam(name, "invalid_type", "'" + name + "' must be a string");
  return it->get<std::string>();
}

SpeechRequest ParseRequest(const ServerContext& ctx, const std::string& text) {
  const json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded())
    ThrowBadParam("", "bad_json",
                  "We could not parse the JSON body of your request: it is not valid JSON");
  if (!body.is_object()) ThrowBadParam("", "bad_json", "the request body must be a JSON object");
  SpeechRequest out;
  if (StringField(body, "model").empty())
    ThrowBadParam("model", "missing_required_parameter", "you must provide a model parameter");
  out.input = StringField(body, "input");
  out.input_chars = Utf8Chars(out.input);
  if (out.input_chars == 0)
    ThrowBadParam("input", "string_too_short", "'input' must hold at least 1 character");
  if (out.input_chars > kMaxInputChars)
    ThrowBadParam("input", "string_above_max_length",
                  "'input' holds " + std::to_string(out.input_chars) + " characters; at most " +
                      std::to_string(kMaxInputChars) + " are allowed");
  // `voice` may also be OpenAI's custom-voice object {"id": "..."}.
  std::string voice;
  if (const auto it = body.find("voice"); it != body.end() && it->is_object())
    voice = StringField(*it, "id");
  else
    voice = StringField(body, "voice");
  out.voice = ResolveSpeechVoice(ctx, voice);
  const std::string format = StringField(body, "response_format");
  if (!format.empty()) {
    if (format != "mp3" && format != "opus" && format != "aac" && format != "flac" &&
        format != "wav" && format != "pcm")
      ThrowBadParam(
          "response_format", "invalid_value",
          "response_format must be one of mp3, opus, aac, flac, wav, pcm; got '" + format + "'");
    out.format = ParseAudioFormat(format);
  }
  if (const auto it = body.find("speed"); it != body.end() && !it->is_null()) {
    if (!it->is_number()) ThrowBadParam("speed", "invalid_type", "'speed' must be a number");
    out.speed = it->get<double>();
    if (!std::isfinite(out.speed) || out.speed < 0.25 || out.speed > 4.0)
      ThrowBadParam("speed", "invalid_value", "'speed' must be in [0.25, 4.0]");
  }
  const std::string stream_format = StringField(body, "stream_format");
  if (!stream_format.empty() && stream_format != "audio" && stream_format != "sse")
    ThrowBadParam("stream_format", "invalid_value",
                  "stream_format must be audio or sse; got '" + stream_format + "'");
  out.sse = stream_format == "sse";
  StringField(body, "instructions");  // accepted, type-checked, unused
  return out;
}

// The whole text through the reply segmenter: the caller's text is spoken
// as given (no quoted-only mode, parentheses kept), markup is not read out.
std::vector<Segment> SpokenSegments(const ServerContext& ctx, const std::string& input) {
  SegmenterOptions options = BaseTurnRequest(ctx).segmenter;
  options.speak_only_quoted = false;
  options.drop_parentheses = false;
  Segmenter segmenter(options);
  std::vector<Segment> all = segmenter.Push(input);
  std::vector<Segment> tail = segmenter.Finish();
  all.insert(all.end(), std::make_move_iterator(tail.begin()), std::make_move_iterator(tail.end()));
  std::vector<Segment> spoken;
  for (Segment& s : all)
    if (s.speak()) spoken.push_back(std::move(s));
  return spoken;
}

json ErrorJson(const Error& e) {
  return {{"message", ClientMessage(e)},
          {"type", e.HttpStatus() >= 500 ? "server_error" : "invalid_request_error"},
          {"param", nullptr},
          {"code", e.code()}};
}

// TTS audio (any rate, in order) -> 24 kHz -> tempo -> the response. Every
// call comes from the fan-out, which serialises them: no lock needed.
class SpeechWriter {
 public:
  SpeechWriter(std::shared_ptr<Responder> responder, const SpeechRequest& request)
      : responder_(std::move(responder)),
        format_(request.format),
        sse_(request.sse),
        raw_pcm_(format_ == AudioFormat::kWav || format_ == AudioFormat::kPcm16),
        input_chars_(request.input_chars),
        stretcher_(kOutputRate, request.speed) {}

  void Audio(const float* samples, std::size_t n, int rate) {
    if (!resampler_ || resampler_->input_rate() != rate) {
      FlushResampler();
      resampler_ = std::make_unique<Resampler>(rate, kOutputRate);
    }
    const std::vector<float> pcm = resampler_->Process(samples, n);
    Emit(stretcher_.Process(pcm.data(), pcm.size()));
  }

  void SegmentDone() { ++spoken_; }

  void SegmentFailed(int index, const Error& e) {
    ++failed_;
    spdlog::warn("{}: sentence {} not spoken: {}", kRoute, index, e.what());
    // Never dropped silently: an SSE client is told; a byte stream cannot
    // be, so the log and the metric say it.
    if (sse_ && started_) Event({{"type", "error"}, {"error", ErrorJson(e)}});
    if (!first_error_) first_error_ = e;
  }

  void Finish(bool cancelled) {
    auto& metrics = Metrics::Global();
    metrics.Increment("mirrorvox_speech_segments_total", {{"outcome", "spoken"}}, spoken_);
    if (failed_)
      metrics.Increment("mirrorvox_speech_segments_total", {{"outcome", "failed"}}, failed_);
    const char* outcome = cancelled ? "cancelled" : spoken_ == 0 ? "failed" : "ok";
    metrics.Increment("mirrorvox_speech_requests_total", {{"outcome", outcome}});
    if (cancelled) {
      if (started_) responder_->End();
      return;
    }
    if (spoken_ == 0) {
      const Error e = first_error_.value_or(
          Error(ErrorKind::kInternal, "tts_failed", "speech synthesis produced no audio"));
      if (started_) {
        responder_->End();
      } else {
        responder_->Send(OpenAiError(e.HttpStatus() >= 500 ? e.HttpStatus() : 502,
                                     std::string("speech synthesis failed: ") + ClientMessage(e),
                                     "", e.code()));
      }
      return;
    }
    try {
      FlushResampler();
      Emit(stretcher_.Flush());
      if (!raw_pcm_) {
        std::string file = EncodeAudio(AudioBuffer{std::move(whole_), kOutputRate}, format_);
        if (!sse_) {
          HttpResponse r;
          r.content_type = ContentType(format_);
          r.body = std::move(file);
          responder_->Send(std::move(r));
          return;
        }
        for (std::size_t at = 0; at < file.size(); at += kSseAudioPiece)
          Delta(file.substr(at, kSseAudioPiece));
      }
    } catch (const Error& e) {  // an encoder failed
      if (!started_) {
        responder_->Send(OpenAiErrorFrom(e));
        return;
      }
      if (sse_) Event({{"type", "error"}, {"error", ErrorJson(e)}});
    }
    Start();  // a stream that got no bytes yet still gets its header
    if (sse_) {
      const long long input_tokens = (static_cast<long long>(input_chars_) + 3) / 4;
      const long long output_tokens = static_cast<long long>(
          std::ceil(10.0 * static_cast<double>(output_samples_) / kOutputRate));
      Event({{"type", "speech.audio.done"},
             {"usage",
              {{"input_tokens", input_tokens},
               {"output_tokens", output_tokens},
               {"total_tokens", input_tokens + output_tokens}}}});
    }
    responder_->End();
  }

 private:
  void FlushResampler() {
    if (!resampler_) return;
    const std::vector<float> tail = resampler_->Flush();
    resampler_.reset();
    Emit(stretcher_.Process(tail.data(), tail.size()));
  }

  void Emit(const std::vector<float>& pcm) {
    if (pcm.empty()) return;
    output_samples_ += pcm.size();
    if (!raw_pcm_) {
      whole_.insert(whole_.end(), pcm.begin(), pcm.end());
      return;
    }
    std::string bytes = ToPcm16(pcm.data(), pcm.size());
    if (sse_) {
      Delta(std::move(bytes));
      return;
    }
    Start();
    responder_->Write(std::move(bytes));
  }

  // The response head, once; a wav stream's header goes first.
  void Start() {
    if (started_) return;
    started_ = true;
    responder_->StartStream(200, sse_ ? "text/event-stream" : ContentType(format_));
    if (format_ == AudioFormat::kWav && !sse_) responder_->Write(WavStreamHeader(kOutputRate));
  }

  void Delta(std::string bytes) {
    if (format_ == AudioFormat::kWav && !wav_header_sent_) {
      bytes = WavStreamHeader(kOutputRate) + bytes;
      wav_header_sent_ = true;
    }
    Event({{"type", "speech.audio.delta"}, {"audio", Base64Encode(bytes)}});
  }

  void Event(const json& event) {
    Start();
    responder_->Write("data: " + SafeDump(event) + "\n\n");
  }

  std::shared_ptr<Responder> responder_;
  const AudioFormat format_;
  const bool sse_;
  const bool raw_pcm_;  // wav / pcm: streamed as synthesised
  const std::size_t input_chars_;
  std::unique_ptr<Resampler> resampler_;  // per TTS rate; flushed when it changes
  TimeStretcher stretcher_;
  std::vector<float> whole_;  // compressed formats: everything, encoded at the end
  std::size_t output_samples_ = 0;
  bool started_ = false;
  bool wav_header_sent_ = false;  // sse + wav: the first delta carries it
  int spoken_ = 0, failed_ = 0;
  std::optional<Error> first_error_;
};

}  // namespace

void RegisterOpenAiSpeechRoutes(HttpServer& server, ServerContext& ctx) {
  server.Route(
      "POST", kRoute,
      OpenAiRoute([&ctx](std::shared_ptr<HttpRequest> req, std::shared_ptr<Responder> responder) {
        SpeechRequest request;
        std::vector<Segment> segments;
        try {
          request = ParseRequest(ctx, req->body);
          // Cheap (linear in at most 4096 characters): fine on the I/O thread.
          segments = SpokenSegments(ctx, request.input);
          if (segments.empty())
            ThrowBadParam("input", "nothing_to_speak", "'input' holds nothing speakable");
        } catch (const Error& e) {
          CountRejected(kRoute, e);
          throw;
        }
        auto writer = std::make_shared<SpeechWriter>(responder, request);
        TtsFanoutCallbacks callbacks;
        callbacks.on_audio = [writer](int, const float* samples, std::size_t n, int rate) {
          writer->Audio(samples, n, rate);
        };
        callbacks.on_segment_done = [writer](int, const AudioBuffer&) { writer->SegmentDone(); };
        callbacks.on_segment_failed = [writer](int index, const Error& e) {
          writer->SegmentFailed(index, e);
        };
        callbacks.on_finished = [writer](bool cancelled) { writer->Finish(cancelled); };
        // pcm16 at 24 kHz, base64 in SSE; the compressed formats queue
        // nothing until the end.
        const std::size_t limit =
            QueuedAudioLimit(ctx, kOutputRate * (request.sse ? 8.0 / 3 : 2.0));
        callbacks.output_full = ResponderGate(responder, [limit] { return limit; });
        auto fanout = TtsFanout::Create(*ctx.tts, *ctx.compute, ctx.config.tts.parallelism,
                                        responder->cancel(), std::move(callbacks));
        for (std::size_t i = 0; i < segments.size(); ++i) {
          TtsRequest tts;
          tts.text = std::move(segments[i].text);
          tts.language = ctx.config.tts.language;
          tts.voice = request.voice.engine_voice;
          tts.reference = request.voice.reference;
          fanout->Add(static_cast<int>(i), std::move(tts));
        }
        fanout->Close();
      }));
}

}  // namespace mv
