#include "fakes/fake-transcription-server.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "fakes/fake-transcriber.h"
#include "server/multipart.h"

namespace mvtest {
namespace {

using ojson = nlohmann::ordered_json;

}  // namespace

FakeTranscriptionServer::FakeTranscriptionServer(FakeTranscriptionOptions options)
    : options_(std::move(options)) {
  port_ = options_.port;
  Listen();
}

FakeTranscriptionServer::~FakeTranscriptionServer() { Shutdown(); }

std::string FakeTranscriptionServer::url() const {
  std::string base = "http://127.0.0.1:" + std::to_string(port_);
  return options_.api == TranscriptionApi::kOpenAi ? base + "/v1" : base;
}

void FakeTranscriptionServer::Listen() {
  mv::HttpServerOptions o;
  o.host = options().host;
  o.port = port_;
  o.io_threads = 2;
  auto server = std::make_unique<mv::HttpServer>(o);
  auto transcribe = [this](auto req, auto res) { OnTranscribe(std::move(req), std::move(res)); };
  if (options_.api == TranscriptionApi::kOpenAi) {
    server->Route("POST", "/v1/audio/transcriptions", transcribe);
  } else {
    server->Route("POST", "/inference", transcribe);
    server->Route("GET", "/health", [this](auto, auto res) {
      res->Send(options().loading ? mv::HttpResponse::Json(503, R"({"status":"loading model"})")
                                  : mv::HttpResponse::Json(200, R"({"status":"ok"})"));
    });
  }
  server->Start();
  port_ = server->port();
  server_ = std::move(server);
}

void FakeTranscriptionServer::Shutdown() {
  workers_.Stop();
  std::vector<std::shared_ptr<mv::Responder>> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
  }
  held.clear();  // before the server they post to
  server_.reset();
}

void FakeTranscriptionServer::Refuse() { Shutdown(); }

void FakeTranscriptionServer::Resume() {
  if (!server_) Listen();
}

FakeTranscriptionOptions FakeTranscriptionServer::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

void FakeTranscriptionServer::set_options(FakeTranscriptionOptions options) {
  std::lock_guard lock(mutex_);
  options.host = options_.host;
  options.port = options_.port;
  options.api = options_.api;
  options_ = std::move(options);
}

void FakeTranscriptionServer::SetFault(FakeTranscriptionFault fault, int times) {
  std::lock_guard lock(mutex_);
  fault_ = fault;
  fault_times_ = fault == FakeTranscriptionFault::kNone ? 0 : times;
}

std::vector<FakeTranscriptionRequest> FakeTranscriptionServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int FakeTranscriptionServer::max_in_flight() const {
  std::lock_guard lock(mutex_);
  return max_in_flight_;
}

mv::HttpResponse FakeTranscriptionServer::Error(int status, const std::string& message,
                                                const std::string& type,
                                                const std::string& code) const {
  if (options_.api == TranscriptionApi::kWhisperCpp)
    return mv::HttpResponse::Json(status, ojson{{"error", message}}.dump());
  ojson error = {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}};
  if (!code.empty()) error["code"] = code;
  return mv::HttpResponse::Json(status, ojson{{"error", error}}.dump());
}

void FakeTranscriptionServer::OnTranscribe(std::shared_ptr<mv::HttpRequest> req,
                                           std::shared_ptr<mv::Responder> res) {
  FakeTranscriptionFault fault = FakeTranscriptionFault::kNone;
  FakeTranscriptionOptions opt;
  {
    std::lock_guard lock(mutex_);
    opt = options_;
    if (fault_times_ != 0) {
      fault = fault_;
      if (fault_times_ > 0) --fault_times_;
    }
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  }
  workers_.Run([this, req, res, fault, opt] { Answer(*req, res, fault, opt); });
}

void FakeTranscriptionServer::Answer(const mv::HttpRequest& req,
                                     std::shared_ptr<mv::Responder> responder,
                                     FakeTranscriptionFault fault,
                                     const FakeTranscriptionOptions& opt) {
  // Not in flight any more once the answer is on its way: the client may
  // send its next request before this thread runs again.
  struct Answering {
    FakeTranscriptionServer* self;
    std::shared_ptr<mv::Responder> responder;
    void Send(mv::HttpResponse r) {
      {
        std::lock_guard lock(self->mutex_);
        --self->in_flight_;
      }
      responder->Send(std::move(r));
    }
  } res{this, responder};
  const bool whisper = opt.api == TranscriptionApi::kWhisperCpp;
  std::unique_lock<std::mutex> one_at_a_time;
  if (whisper) one_at_a_time = std::unique_lock(decode_mutex_);

  FakeTranscriptionRequest record;
  record.path = req.path;
  record.headers = req.headers;
  std::optional<mv::MultipartForm> form;
  try {
    form = mv::MultipartForm::Parse(req.Header("content-type"), req.body);
    for (const auto& part : form->parts()) {
      if (part.name == "file") {
        record.filename = part.filename;
        record.file_type = part.content_type;
        record.file_bytes = part.data.size();
      } else if (part.filename.empty()) {
        record.fields[part.name] = part.data;
      }
    }
  } catch (const mv::Error&) {
  }
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(record);
  }
  if (opt.latency_ms > 0 && !workers_.Sleep(opt.latency_ms)) return;
  switch (fault) {
    case FakeTranscriptionFault::kHttp500:
      return res.Send(Error(500,
                            whisper ? "failed to process audio"
                                    : "The server had an error "
                                      "while processing your request.",
                            "server_error", ""));
    case FakeTranscriptionFault::kHttp429:
      return res.Send(
          Error(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded"));
    case FakeTranscriptionFault::kHttp400:
      return res.Send(Error(400, "Invalid file format.", "invalid_request_error", ""));
    case FakeTranscriptionFault::kStall: {
      std::lock_guard lock(mutex_);
      held_.push_back(responder);  // answered (500) only when the double shuts down
      return;
    }
    case FakeTranscriptionFault::kNone:
      break;
  }
  if (!whisper && !opt.key.empty() && req.Header("authorization") != "Bearer " + opt.key)
    return res.Send(
        Error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"));
  const mv::FormPart* file = form ? form->Find("file") : nullptr;
  if (!file)
    return res.Send(whisper ? Error(400, "no 'file' field in the request", "", "")
                            : Error(400, "1 validation error: file field required",
                                    "invalid_request_error", ""));
  if (!whisper) {
    if (file->filename.find('.') == std::string::npos)
      return res.Send(Error(400,
                            "Unrecognized file format. Supported formats: ['flac', 'm4a', 'mp3', "
                            "'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']",
                            "invalid_request_error", ""));
    if (!form->Value("model"))
      return res.Send(
          Error(400, "you must provide a model parameter", "invalid_request_error", ""));
  }
  std::string text = opt.reply;
  if (text.empty()) {
    try {
      text = TranscribeFile(file->data);
    } catch (const mv::Error& e) {
      return res.Send(whisper ? Error(400, "failed to read audio data", "", "")
                              : Error(400, std::string("Invalid file format: ") + e.what(),
                                      "invalid_request_error", ""));
    }
  }
  if (whisper) text = " " + text;  // whisper's segments start with a space
  const std::string format = form->Value("response_format").value_or("json");
  if (format == "text" || format == "srt" || format == "vtt") {
    mv::HttpResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = text + "\n";
    return res.Send(std::move(r));
  }
  ojson body = {{"text", text}};
  if (format == "verbose_json")
    body = {{"task", "transcribe"},
            {"language", form->Value("language").value_or("english")},
            {"duration", 0.0},
            {"text", text},
            {"segments", ojson::array()}};
  res.Send(mv::HttpResponse::Json(200, body.dump()));
}

}  // namespace mvtest
