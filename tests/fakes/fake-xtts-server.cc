#include "fakes/fake-xtts-server.h"

#include <cmath>

#include "audio/audio-encoder.h"
#include "server/multipart.h"

namespace mvtest {
namespace {

using nlohmann::json;

mv::HttpResponse Detail(int status, const std::string& detail) {
  return mv::HttpResponse::Json(status, json{{"detail", detail}}.dump());
}

mv::HttpResponse PlainError(int status, const std::string& text) {
  mv::HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = text;
  return r;
}

// Values as a model would return them (half precision, rounded), with the
// clip's number in the first embedding value so requests can be traced.
json Latents(std::size_t clip, std::size_t bytes) {
  json embedding = json::array();
  embedding.push_back(static_cast<double>(clip));
  for (int i = 1; i < 512; ++i)
    embedding.push_back(std::round(std::sin(i * 0.37 + bytes) * 1000.0) / 1000.0);
  json latent = json::array();
  for (int r = 0; r < 32; ++r) {
    json row = json::array();
    for (int c = 0; c < 1024; ++c)
      row.push_back(std::round(std::cos(r * 31 + c * 0.11) * 1000) / 1000);
    latent.push_back(std::move(row));
  }
  return json{{"gpt_cond_latent", std::move(latent)}, {"speaker_embedding", std::move(embedding)}};
}

// RealtimeTTS/silence.wav as the server ships it: PCM, 2 channels, 48 kHz,
// 32-bit, 370864 bytes of zeros (0.966 s).
std::string SilenceWav() {
  const uint32_t data = 370864;
  std::string h = "RIFF";
  auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) h += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  auto u16 = [&](uint16_t v) {
    h += static_cast<char>(v & 0xFF);
    h += static_cast<char>(v >> 8);
  };
  u32(36 + data);
  h += "WAVEfmt ";
  u32(16);
  u16(1);
  u16(2);
  u32(48000);
  u32(48000 * 8);
  u16(8);
  u16(32);
  h += "data";
  u32(data);
  return h + std::string(data, '\0');
}

}  // namespace

FakeXttsServer::FakeXttsServer(FakeXttsOptions options) : options_(std::move(options)) {
  port_ = options_.port;
  Listen();
}

FakeXttsServer::~FakeXttsServer() { Shutdown(); }

std::string FakeXttsServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeXttsServer::SetFault(FakeXttsFault fault, int after_pieces, int times) {
  std::lock_guard lock(mutex_);
  fault_ = fault;
  fault_after_ = after_pieces;
  fault_times_ = fault == FakeXttsFault::kNone ? 0 : times;
}

std::vector<FakeXttsRequest> FakeXttsServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> FakeXttsServer::texts() const {
  std::vector<std::string> out;
  for (const auto& r : requests()) out.push_back(r.params.value("text", std::string()));
  return out;
}

std::vector<std::string> FakeXttsServer::clones() const {
  std::lock_guard lock(mutex_);
  return clones_;
}

void FakeXttsServer::Listen() {
  workers_.Reset();
  mv::HttpServerOptions o;
  o.host = options_.host;
  o.port = port_;
  o.io_threads = 2;
  auto server = std::make_unique<mv::HttpServer>(o);
  if (options_.flavor == FakeXttsFlavor::kApi) {
    server->Route("POST", "/tts_to_audio/",
                  [this](auto req, auto res) { OnSynthesis(req, res, /*stream=*/false); });
    server->Route("GET", "/tts_stream",
                  [this](auto req, auto res) { OnSynthesis(req, res, /*stream=*/true); });
    server->Route("GET", "/speakers_list", [this](auto, auto res) {
      std::lock_guard lock(mutex_);
      res->Send(mv::HttpResponse::Json(200, json(options_.speakers).dump()));
    });
  } else {
    server->Route("POST", "/clone_speaker", [this](auto req, auto res) { OnClone(req, res); });
    server->Route("POST", "/tts_stream",
                  [this](auto req, auto res) { OnSynthesis(req, res, /*stream=*/true); });
  }
  server->Start();
  port_ = server->port();
  server_ = std::move(server);
}

void FakeXttsServer::Shutdown() {
  workers_.Stop();
  server_.reset();
}

void FakeXttsServer::Refuse() {
  Shutdown();
  hold_.Hold(options_.host, port_);
}

void FakeXttsServer::Resume() {
  hold_.Release();
  if (!server_) Listen();
}

void FakeXttsServer::OnClone(std::shared_ptr<mv::HttpRequest> req,
                             std::shared_ptr<mv::Responder> res) {
  try {
    auto form = mv::MultipartForm::Parse(req->Header("content-type"), req->body);
    const mv::FormPart* wav = form.Find("wav_file");
    if (!wav) {
      json detail = {
          {{"type", "missing"}, {"loc", {"body", "wav_file"}}, {"msg", "Field required"}}};
      return res->Send(mv::HttpResponse::Json(422, json{{"detail", detail}}.dump()));
    }
    std::size_t clip;
    {
      std::lock_guard lock(mutex_);
      clip = clones_.size();
      clones_.push_back(wav->data);
    }
    res->Send(mv::HttpResponse::Json(200, Latents(clip, wav->data.size()).dump()));
  } catch (const std::exception& e) {
    res->Send(PlainError(500, "Internal Server Error"));
  }
}

void FakeXttsServer::OnSynthesis(std::shared_ptr<mv::HttpRequest> req,
                                 std::shared_ptr<mv::Responder> res, bool stream) {
  const bool api = options_.flavor == FakeXttsFlavor::kApi;
  json p = json::object();
  if (req->method == "GET") {
    for (const auto& [k, v] : req->query) p[k] = v;
  } else {
    p = json::parse(req->body, nullptr, /*allow_exceptions=*/false);
  }
  FakeXttsRequest record{req->method, req->path, json::object(), "", 0};
  const bool object = p.is_object();
  if (object) {
    for (const auto& [k, v] : p.items())
      if (k != "speaker_embedding" && k != "gpt_cond_latent") record.params[k] = v;
    if (!api) {
      const json& e = p.value("speaker_embedding", json());
      record.voice = e.is_array() && !e.empty() && e[0].is_number() && e.size() == 512
                         ? "clip" + std::to_string(static_cast<int>(e[0].get<double>()))
                         : "?";
    }
  }
  int index;
  FakeXttsFault fault = FakeXttsFault::kNone;
  std::set<std::string> languages, speakers;
  std::string model_source;
  bool server_playback = false;
  {
    std::lock_guard lock(mutex_);
    index = static_cast<int>(requests_.size());
    requests_.push_back(record);
    if (fault_times_ != 0) {
      fault = fault_;
      if (fault_times_ > 0 && --fault_times_ == 0) fault_ = FakeXttsFault::kNone;
    }
    languages = options_.languages;
    speakers = options_.speakers;
    model_source = options_.model_source;
    server_playback = options_.streaming_mode;
  }
  auto answer = [&](mv::HttpResponse r) {
    {
      std::lock_guard lock(mutex_);
      requests_[index].status = r.status;
    }
    res->Send(std::move(r));
  };
  const std::vector<std::string> needed =
      api ? std::vector<std::string>{"text", "speaker_wav", "language"}
          : std::vector<std::string>{"text", "language", "speaker_embedding", "gpt_cond_latent"};
  for (const std::string& field : needed) {
    if (!object || !p.contains(field)) {
      json detail = {{{"type", "missing"},
                      {"loc", {req->method == "GET" ? "query" : "body", field}},
                      {"msg", "Field required"}}};
      return answer(mv::HttpResponse::Json(422, json{{"detail", detail}}.dump()));
    }
  }
  if (!api && (!p.value("stream_chunk_size", json()).is_string() ||
               !p.value("add_wav_header", json()).is_boolean()))
    return answer(PlainError(500, "Internal Server Error"));
  if (api && stream && model_source != "local")
    return answer(Detail(400, "HTTP Streaming is only supported for local models."));
  const std::string language = p["language"].is_string() ? p["language"].get<std::string>() : "";
  if (!languages.count(language)) {
    if (!api) return answer(PlainError(500, "Internal Server Error"));
    // Quirk: the whole-file route wraps its own 400 into a 500.
    if (!stream)
      return answer(Detail(500, "Error: Language code sent is either unsupported or misspelled."));
    return answer(Detail(400, "Language code sent is either unsupported or misspelled."));
  }
  bool unknown_speaker = false;
  if (api) {
    const std::string speaker = p["speaker_wav"].get<std::string>();
    unknown_speaker = !speakers.count(speaker) && AudioFileSeconds(speaker) == 0;
    // /tts_stream looks the speaker up inside its generator, after the 200.
    if (unknown_speaker && !stream)
      return answer(Detail(500, "Error: Speaker " + speaker + " not found."));
  }
  if (api && !stream && server_playback) {
    // --streaming-mode: played on the server's sound card; the answer is the
    // stock silence.wav (48 kHz stereo 32-bit, about 1 s of zeros).
    mv::HttpResponse r;
    r.content_type = "audio/wav";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"silence.wav\"");
    r.body = SilenceWav();
    return answer(std::move(r));
  }
  if (fault == FakeXttsFault::kHttp500) return answer(Detail(500, "Error: CUDA out of memory"));
  const std::string text = p["text"].is_string() ? p["text"].get<std::string>() : "";
  if (!stream) {
    const mv::AudioBuffer speech = FakeSpeech(text, kSampleRate, options_.voice);
    mv::HttpResponse r;
    r.content_type = "audio/wav";
    r.body = mv::EncodeAudio(speech, mv::AudioFormat::kWav);
    return answer(std::move(r));
  }
  {
    std::lock_guard lock(mutex_);
    requests_[index].status = 200;
  }
  if (unknown_speaker) {
    res->StartStream(200, "audio/x-wav");
    res->Send(mv::HttpResponse{});  // the generator raised before its first byte
    return;
  }
  workers_.Spawn([this, text, res, fault] {
    FakeXttsOptions o;
    int after;
    {
      std::lock_guard lock(mutex_);
      o = options_;
      after = fault == FakeXttsFault::kCutMidStream ? fault_after_ : -1;
    }
    const mv::AudioBuffer speech = FakeSpeech(text, kSampleRate, o.voice);
    const auto pieces = OddPieces(mv::ToPcm16(speech.samples.data(), speech.samples.size()),
                                  static_cast<std::size_t>(o.chunk_seconds * kSampleRate) * 2);
    res->StartStream(200, "audio/wav");
    if (!workers_.Sleep(o.first_chunk_ms, *res)) return;
    if (!res->Write(mv::WavStreamHeader(kSampleRate))) return;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (static_cast<int>(i) == after) {
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
