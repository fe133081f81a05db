// POST /v1/audio/transcriptions (OpenAI's shape, PROTOCOLS.md B5): multipart
// `file` (any format the decoder reads; its filename is not checked),
// `model` (any string), `language`, `prompt` and `temperature` (accepted,
// unused by the embedded engine), `response_format` json | text |
// verbose_json | srt | vtt, and `stream=true` for SSE transcript.text.delta /
// transcript.text.done events. The engines give no timestamps: verbose_json,
// srt and vtt hold one segment spanning the whole file.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audio/audio-decoder.h"
#include "audio/resampler.h"
#include "common/client-text.h"
#include "common/json-dump.h"
#include "server/multipart.h"
#include "server/routes/routes-openai-support.h"
#include "server/routes/turn-support.h"

namespace mv {
namespace {

using nlohmann::json;

const std::string kRoute = "/v1/audio/transcriptions";

enum class TranscriptFormat { kJson, kText, kVerboseJson, kSrt, kVtt };

struct TranscriptionRequest {
  std::string audio_bytes;
  std::string language;  // "" = the configured one
  TranscriptFormat format = TranscriptFormat::kJson;
  double temperature = 0.0;
  bool stream = false;
};

TranscriptFormat ParseFormat(const std::string& name) {
  if (name == "json") return TranscriptFormat::kJson;
  if (name == "text") return TranscriptFormat::kText;
  if (name == "verbose_json") return TranscriptFormat::kVerboseJson;
  if (name == "srt") return TranscriptFormat::kSrt;
  if (name == "vtt") return TranscriptFormat::kVtt;
  ThrowBadParam(
      "response_format", "invalid_value",
      "response_format must be one of json, text, verbose_json, srt, vtt; got '" + name + "'");
}

// ISO-639-1 as OpenAI takes it, plus the names /process_audio takes.
std::string NormalizeLanguage(const std::string& language) {
  std::string lower;
  for (char c : language) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "english" || lower == "en-us" || lower == "en_us") return "en";
  if (lower == "chinese" || lower == "zh-cn" || lower == "cmn" || lower == "mandarin") return "zh";
  return lower;
}

std::string LanguageName(const std::string& code) {
  if (code == "en") return "english";
  if (code == "zh") return "chinese";
  return code;
}

bool ParseBool(const std::string& param, const std::string& value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0" || value.empty()) return false;
  ThrowBadParam(param, "invalid_value", param + " must be true or false; got '" + value + "'");
}

TranscriptionRequest ParseRequest(const ServerContext& ctx, const HttpRequest& req) {
  const MultipartForm form = [&] {
    try {
      return MultipartForm::Parse(req.Header("content-type"), req.body);
    } catch (const Error& e) {
      throw ParamError("file", e.kind(), e.code(), ClientMessage(e));
    }
  }();
  TranscriptionRequest out;
  const FormPart* file = form.Find("file");
  if (!file)
    ThrowBadParam("file", "missing_required_parameter", "multipart field 'file' is required");
  if (file->data.empty()) ThrowBadParam("file", "empty_audio", "the uploaded 'file' is empty");
  if (!form.Value("model"))
    ThrowBadParam("model", "missing_required_parameter", "multipart field 'model' is required");
  out.format = ParseFormat(form.Value("response_format").value_or("json"));
  if (const auto t = form.Value("temperature"); t && !t->empty()) {
    char* end = nullptr;
    out.temperature = std::strtod(t->c_str(), &end);
    if (end != t->c_str() + t->size() || !std::isfinite(out.temperature) || out.temperature < 0.0 ||
        out.temperature > 1.0)
      ThrowBadParam("temperature", "invalid_value",
                    "temperature must be a number in [0, 1]; got '" + *t + "'");
  }
  out.stream = ParseBool("stream", form.Value("stream").value_or("false"));
  if (const auto language = form.Value("language"); language && !language->empty()) {
    out.language = NormalizeLanguage(*language);
    if (out.language != ctx.config.asr.language && !ctx.asr->SupportsLanguage(out.language))
      ThrowBadParam("language", "unsupported_language",
                    "the configured ASR (" + ctx.config.asr.engine + ", " +
                        ctx.config.asr.language + ") cannot recognise '" + *language + "'");
  }
  out.audio_bytes = file->data;
  return out;
}

// "00:00:02,500" (srt) or "00:00:02.500" (vtt).
std::string Timestamp(double seconds, char separator) {
  const long long ms = std::llround(seconds * 1000.0);
  char text[32];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld%c%03lld", ms / 3600000, ms / 60000 % 60,
                ms / 1000 % 60, separator, ms % 1000);
  return text;
}

json Usage(double duration) {
  return {{"type", "duration"}, {"seconds", static_cast<long long>(std::ceil(duration))}};
}

HttpResponse Render(const TranscriptionRequest& request, const std::string& text,
                    const std::string& language, double duration) {
  HttpResponse r;
  switch (request.format) {
    case TranscriptFormat::kJson:
      r.body = SafeDump(json{{"text", text}, {"usage", Usage(duration)}});
      return r;
    case TranscriptFormat::kText:
      r.content_type = "text/plain; charset=utf-8";
      r.body = text;
      return r;
    case TranscriptFormat::kVerboseJson: {
      json segments = json::array();
      if (!text.empty())
        segments.push_back({{"id", 0},
                            {"seek", 0},
                            {"start", 0.0},
                            {"end", duration},
                            {"text", text},
                            {"tokens", json::array()},
                            {"temperature", request.temperature},
                            {"avg_logprob", 0.0},
                            {"compression_ratio", 1.0},
                            {"no_speech_prob", 0.0}});
      r.body = SafeDump(json{{"task", "transcribe"},
                             {"language", LanguageName(language)},
                             {"duration", duration},
                             {"text", text},
                             {"segments", segments},
                             {"usage", Usage(duration)}});
      return r;
    }
    case TranscriptFormat::kSrt:
      r.content_type = "text/plain; charset=utf-8";
      if (!text.empty())
        r.body =
            "1\n" + Timestamp(0, ',') + " --> " + Timestamp(duration, ',') + "\n" + text + "\n\n";
      return r;
    case TranscriptFormat::kVtt:
      r.content_type = "text/vtt; charset=utf-8";
      r.body = "WEBVTT\n\n";
      if (!text.empty())
        r.body += Timestamp(0, '.') + " --> " + Timestamp(duration, '.') + "\n" + text + "\n\n";
      return r;
  }
  return r;
}

// OpenAI's streamed shape: a delta per word, then the whole text.
HttpResponse RenderStream(const std::string& text, double duration) {
  HttpResponse r;
  r.content_type = "text/event-stream";
  std::istringstream words(text);
  std::string word;
  bool first = true;
  while (words >> word) {
    const json delta = {{"type", "transcript.text.delta"}, {"delta", (first ? "" : " ") + word}};
    r.body += "data: " + SafeDump(delta) + "\n\n";
    first = false;
  }
  const json done = {{"type", "transcript.text.done"}, {"text", text}, {"usage", Usage(duration)}};
  r.body += "data: " + SafeDump(done) + "\n\n";
  return r;
}

}  // namespace

void RegisterOpenAiTranscriptionRoutes(HttpServer& server, ServerContext& ctx) {
  server.Route(
      "POST", kRoute,
      OpenAiRoute([&ctx](std::shared_ptr<HttpRequest> req, std::shared_ptr<Responder> responder) {
        auto request = std::make_shared<TranscriptionRequest>();
        try {
          *request = ParseRequest(ctx, *req);
        } catch (const Error& e) {
          CountRejected(kRoute, e);
          throw;
        }
        RunOpenAiJob(ctx, responder, [&ctx, request](const CancelToken& cancel) {
          AudioBuffer audio;
          try {
            audio = DecodeAudio(request->audio_bytes, ctx.config.audio, ctx.asr->SampleRate());
          } catch (const Error& e) {
            CountRejected(kRoute, e);
            throw ParamError(
                "file", e.kind(), e.code(),
                std::string("the uploaded 'file' cannot be used: ") + ClientMessage(e));
          }
          const double duration = audio.DurationSeconds();
          const std::string language =
              request->language.empty() ? ctx.config.asr.language : request->language;
          AsrResult heard =
              ctx.asr->TranscribeIn(Resample(audio, ctx.asr->SampleRate()), language, cancel);
          const std::string& spoken_language = heard.language.empty() ? language : heard.language;
          if (request->stream) return RenderStream(heard.text, duration);
          return Render(*request, heard.text, spoken_language, duration);
        });
      }));
}

}  // namespace mv
