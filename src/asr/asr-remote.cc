#include "asr/asr-remote.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "net/multipart-writer.h"

namespace mv {
namespace {

RemotePoolConfig PoolConfig(const AsrConfig& config, std::string health_path) {
  RemotePoolConfig c = config.remote;
  c.health_path = std::move(health_path);
  return c;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string Trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// Scripts written without spaces (CJK) start and end on non-ASCII bytes.
bool Latin(char c) { return static_cast<unsigned char>(c) < 0x80 && !IsSpace(c); }

}  // namespace

std::string JoinTranscript(const std::string& a, const std::string& b) {
  std::string left = Trim(a), right = Trim(b);
  if (left.empty()) return right;
  if (right.empty()) return left;
  return left + (Latin(left.back()) && Latin(right.front()) ? " " : "") + right;
}

ClientRequest AsrRemote::Post(const std::string& url) const {
  ClientRequest r;
  r.method = "POST";
  r.url = url;
  r.connect_timeout_ms = config_.remote.connect_timeout_ms;
  r.first_byte_timeout_ms = config_.remote.first_byte_timeout_ms;
  r.idle_timeout_ms = config_.remote.idle_timeout_ms;
  r.max_body_bytes = 4u << 20;  // a transcript, or an error page
  r.verify_tls = config_.verify_tls;
  return r;
}

Error AsrRemote::HttpStatusError(const std::string& what, int status, const std::string& body) {
  // {"error": "..."} (whisper.cpp), {"error": {"message": ...}} (OpenAI),
  // {"detail": ...} (FastAPI servers), or whatever text came.
  std::string message;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    const auto& e = j.contains("error") ? j["error"] : j.contains("detail") ? j["detail"] : j;
    if (e.is_string()) {
      message = e.get<std::string>();
    } else if (e.is_object() && e.contains("message") && e["message"].is_string()) {
      message = e["message"].get<std::string>();
    } else {
      message = e.dump();
    }
  } else {
    message = body;
  }
  if (message.size() > 300) message = message.substr(0, 300) + "...";
  const std::string text = what + " answered HTTP " + std::to_string(status) +
                           (message.empty() ? "" : ": " + Trim(message));
  switch (status) {
    case 400:
    case 413:
    case 415:
    case 422:
      return Error(ErrorKind::kInvalidInput, "upstream_rejected", text);
    case 408:
      return Error(ErrorKind::kTimeout, "upstream_timeout", text);
    default:
      return Error(ErrorKind::kUpstream, "upstream_status", text);
  }
}

std::string AsrRemote::PostFormForText(const std::string& url, MultipartWriter& form,
                                       std::vector<std::pair<std::string, std::string>> headers,
                                       const std::string& who, const CancelToken& cancel) const {
  ClientRequest request = Post(url);
  request.headers = std::move(headers);
  request.headers.emplace_back("Content-Type", form.content_type());
  request.body = form.Finish();
  ClientResponse response = http_->Fetch(request, cancel);
  if (response.status != 200) throw HttpStatusError(who, response.status, response.body);
  auto j = nlohmann::json::parse(response.body, nullptr, false);
  if (!j.is_object() || !j.contains("text") || !j["text"].is_string())
    throw Error(ErrorKind::kUpstream, "bad_response",
                who + " answered without a \"text\" string: " + response.body.substr(0, 200));
  return j["text"].get<std::string>();
}

std::string AsrRemote::WithPath(const std::string& endpoint, std::string_view path) {
  std::string url = endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url.ends_with(path) ? url : url + std::string(path);
}

AsrRemote::AsrRemote(const AsrConfig& config, std::string health_path,
                     std::shared_ptr<HttpClient> http)
    : config_(config),
      http_(http ? std::move(http) : std::make_shared<HttpClient>(1)),
      pool_(PoolConfig(config, std::move(health_path)), http_) {}

AsrResult AsrRemote::Transcribe(const AudioBuffer& audio, const CancelToken& cancel) {
  return TranscribeIn(audio, config_.language, cancel);
}

AsrResult AsrRemote::TranscribeIn(const AudioBuffer& audio, const std::string& language,
                                  const CancelToken& cancel) {
  if (cancel.IsCancelled())
    throw Error(ErrorKind::kCancelled, "cancelled", "transcription cancelled");
  if (audio.sample_rate != kSampleRate)
    throw Error(ErrorKind::kInvalidInput, "bad_sample_rate",
                config_.engine + " expects " + std::to_string(kSampleRate) + " Hz audio, got " +
                    std::to_string(audio.sample_rate) + " Hz (resample first)");
  AsrResult result;
  result.language = language.empty() ? config_.language : language;
  pool_.Run(cancel, [&](int, const std::string& url) {
    result.text = Trim(Attempt(url, audio, result.language, cancel));
  });
  return result;
}

}  // namespace mv
