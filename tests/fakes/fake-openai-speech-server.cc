#include "fakes/fake-openai-speech-server.h"

#include "audio/audio-encoder.h"

namespace mvtest {
namespace {

using nlohmann::json;

mv::HttpResponse OpenAiError(int status, const std::string& message, const std::string& type,
                             const json& param, const json& code) {
  json j = {{"error", {{"message", message}, {"type", type}, {"param", param}, {"code", code}}}};
  return mv::HttpResponse::Json(status, j.dump());
}

}  // namespace

FakeOpenAiSpeechServer::FakeOpenAiSpeechServer(FakeOpenAiSpeechOptions options)
    : options_(std::move(options)) {
  port_ = options_.port;
  Listen();
}

FakeOpenAiSpeechServer::~FakeOpenAiSpeechServer() { Shutdown(); }

std::string FakeOpenAiSpeechServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

void FakeOpenAiSpeechServer::SetFault(FakeOpenAiSpeechFault fault, int after_pieces, int times) {
  std::lock_guard lock(mutex_);
  fault_ = fault;
  fault_after_ = after_pieces;
  fault_times_ = fault == FakeOpenAiSpeechFault::kNone ? 0 : times;
}

std::vector<FakeOpenAiSpeechRequest> FakeOpenAiSpeechServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> FakeOpenAiSpeechServer::texts() const {
  std::vector<std::string> out;
  for (const auto& r : requests())
    out.push_back(r.body.is_object() ? r.body.value("input", std::string()) : "");
  return out;
}

void FakeOpenAiSpeechServer::Listen() {
  workers_.Reset();
  mv::HttpServerOptions o;
  o.host = options_.host;
  o.port = port_;
  o.io_threads = 2;
  auto server = std::make_unique<mv::HttpServer>(o);
  server->Route("POST", "/v1/audio/speech",
                [this](auto req, auto res) { OnSpeech(std::move(req), std::move(res)); });
  server->Start();
  port_ = server->port();
  server_ = std::move(server);
}

void FakeOpenAiSpeechServer::Shutdown() {
  workers_.Stop();
  server_.reset();
}

void FakeOpenAiSpeechServer::Refuse() {
  Shutdown();
  hold_.Hold(options_.host, port_);
}

void FakeOpenAiSpeechServer::Resume() {
  hold_.Release();
  if (!server_) Listen();
}

void FakeOpenAiSpeechServer::OnSpeech(std::shared_ptr<mv::HttpRequest> req,
                                      std::shared_ptr<mv::Responder> res) {
  json body = json::parse(req->body, nullptr, /*allow_exceptions=*/false);
  FakeOpenAiSpeechOptions o;
  FakeOpenAiSpeechFault fault = FakeOpenAiSpeechFault::kNone;
  int after = -1;
  int index;
  {
    std::lock_guard lock(mutex_);
    o = options_;
    index = static_cast<int>(requests_.size());
    requests_.push_back({req->headers, body.is_discarded() ? json() : body, 0});
    if (fault_times_ != 0) {
      fault = fault_;
      after = fault_after_;
      if (fault_times_ > 0 && --fault_times_ == 0) fault_ = FakeOpenAiSpeechFault::kNone;
    }
  }
  auto answer = [&](mv::HttpResponse r) {
    {
      std::lock_guard lock(mutex_);
      requests_[index].status = r.status;
    }
    res->Send(std::move(r));
  };
  if (!o.key.empty() && req->Header("authorization") != "Bearer " + o.key)
    return answer(OpenAiError(401, "Incorrect API key provided.", "invalid_request_error", nullptr,
                              "invalid_api_key"));
  if (!body.is_object())
    return answer(OpenAiError(400, "We could not parse the JSON body of your request.",
                              "invalid_request_error", nullptr, nullptr));
  auto str = [&](const char* k) {
    return body.value(k, json()).is_string() ? body[k].get<std::string>() : "";
  };
  if (!o.models.count(str("model")))
    return answer(OpenAiError(404, "The model `" + str("model") + "` does not exist.",
                              "invalid_request_error", nullptr, "model_not_found"));
  if (str("input").empty() || str("input").size() > 4096)
    return answer(OpenAiError(400, "input must be 1 to 4096 characters", "invalid_request_error",
                              "input", nullptr));
  if (!o.voices.count(str("voice")))
    return answer(OpenAiError(400, "Invalid voice '" + str("voice") + "'", "invalid_request_error",
                              "voice", nullptr));
  const std::string format = body.contains("response_format") ? str("response_format") : "mp3";
  if (format != "pcm" && format != "wav")
    return answer(OpenAiError(400, "this double speaks pcm and wav only, not '" + format + "'",
                              "invalid_request_error", "response_format", nullptr));
  if (fault == FakeOpenAiSpeechFault::kHttp500)
    return answer(OpenAiError(500, "The server had an error while processing your request.",
                              "server_error", nullptr, nullptr));
  const std::string text = str("input");
  {
    std::lock_guard lock(mutex_);
    requests_[index].status = 200;
  }
  workers_.Spawn([this, o, text, format, res, fault, after] {
    const mv::AudioBuffer speech = FakeSpeech(text, kSampleRate, o.flite_voice);
    if (format == "wav") {
      if (!workers_.Sleep(o.first_chunk_ms, *res)) return;
      mv::HttpResponse r;
      r.content_type = "audio/wav";
      r.body = mv::EncodeAudio(speech, mv::AudioFormat::kWav);
      return res->Send(std::move(r));
    }
    const auto pieces = OddPieces(mv::ToPcm16(speech.samples.data(), speech.samples.size()),
                                  static_cast<std::size_t>(o.chunk_seconds * kSampleRate) * 2);
    res->StartStream(200, "audio/pcm");
    if (!workers_.Sleep(o.first_chunk_ms, *res)) return;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (fault == FakeOpenAiSpeechFault::kCutMidStream && static_cast<int>(i) == after) {
        res->Send(mv::HttpResponse{});  // the connection is cut mid-stream
        return;
      }
      if (i > 0 && !workers_.Sleep(o.chunk_ms, *res)) return;
      if (!res->Write(pieces[i])) return;
    }
    res->End();
  });
}

}  // namespace mvtest
