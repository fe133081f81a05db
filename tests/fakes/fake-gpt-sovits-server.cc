#include "fakes/fake-gpt-sovits-server.h"

#include <algorithm>
#include <optional>
#include <set>

#include "audio/audio-encoder.h"

namespace mvtest {
namespace {

using nlohmann::json;

mv::HttpResponse Message(int status, const std::string& message,
                         const std::string& exception = "") {
  json j = {{"message", message}};
  if (!exception.empty()) j["Exception"] = exception;
  return mv::HttpResponse::Json(status, j.dump());
}

// FastAPI / pydantic's answer to a field of the wrong type.
mv::HttpResponse Unprocessable(const std::string& field, const std::string& type,
                               const std::string& msg, const json& input) {
  json detail = {{{"type", type}, {"loc", {"body", field}}, {"msg", msg}, {"input", input}}};
  return mv::HttpResponse::Json(422, json{{"detail", detail}}.dump());
}

const std::set<std::string> kStringFields = {"text",        "text_lang",   "ref_audio_path",
                                             "prompt_lang", "prompt_text", "text_split_method",
                                             "media_type"};
const std::set<std::string> kIntFields = {"top_k", "batch_size", "seed", "sample_steps"};
const std::set<std::string> kFloatFields = {
    "top_p",        "temperature",       "batch_threshold",
    "speed_factor", "fragment_interval", "repetition_penalty"};
const std::set<std::string> kBoolFields = {"split_bucket", "parallel_infer", "super_sampling"};

// Type checks as pydantic's lax mode does them: 422 on a mismatch.
std::optional<mv::HttpResponse> CheckTypes(const json& p, bool bool_streaming_only) {
  for (const auto& [key, value] : p.items()) {
    if (value.is_null()) continue;
    if (kStringFields.count(key) && !value.is_string())
      return Unprocessable(key, "string_type", "Input should be a valid string", value);
    if (kIntFields.count(key) && !value.is_number_integer())
      return Unprocessable(key, "int_parsing",
                           "Input should be a valid integer, unable to parse string as an integer",
                           value);
    if (kFloatFields.count(key) && !value.is_number())
      return Unprocessable(key, "float_parsing",
                           "Input should be a valid number, unable to parse string as a number",
                           value);
    if (kBoolFields.count(key) && !value.is_boolean())
      return Unprocessable(key, "bool_parsing",
                           "Input should be a valid boolean, unable to interpret input", value);
    if (key == "aux_ref_audio_paths" && !value.is_array())
      return Unprocessable(key, "list_type", "Input should be a valid list", value);
    if (key == "streaming_mode") {
      const bool as_bool =
          value.is_boolean() || (value.is_number_integer() && (value == 0 || value == 1));
      if (bool_streaming_only ? !as_bool : !(value.is_boolean() || value.is_number_integer()))
        return Unprocessable(key, "bool_parsing",
                             "Input should be a valid boolean, unable to interpret input", value);
    }
  }
  return std::nullopt;
}

std::vector<std::string> Languages(const std::string& version) {
  if (version == "v1") return {"auto", "en", "zh", "ja", "all_zh", "all_ja"};
  return {"auto", "auto_yue", "en",     "zh",      "ja",    "yue",
          "ko",   "all_zh",   "all_ja", "all_yue", "all_ko"};
}

// api_v2's check_params.
std::optional<mv::HttpResponse> CheckParams(const json& p, const std::string& version) {
  auto str = [&](const char* k) {
    return p.value(k, json()).is_string() ? p[k].get<std::string>() : "";
  };
  const auto langs = Languages(version);
  auto known = [&](std::string l) {
    std::transform(l.begin(), l.end(), l.begin(), ::tolower);
    return std::find(langs.begin(), langs.end(), l) != langs.end();
  };
  if (str("text").empty()) return Message(400, "text is required");
  if (str("text_lang").empty()) return Message(400, "text_lang is required");
  if (!known(str("text_lang")))
    return Message(400,
                   "text_lang: " + str("text_lang") + " is not supported in version " + version);
  if (str("ref_audio_path").empty()) return Message(400, "ref_audio_path is required");
  if (str("prompt_lang").empty()) return Message(400, "prompt_lang is required");
  if (!known(str("prompt_lang")))
    return Message(
        400, "prompt_lang: " + str("prompt_lang") + " is not supported in version " + version);
  const std::string media = p.contains("media_type") ? str("media_type") : "wav";
  if (media != "wav" && media != "raw" && media != "ogg" && media != "aac")
    return Message(400, "media_type: " + media + " is not supported");
  const std::string split = p.contains("text_split_method") ? str("text_split_method") : "cut5";
  if (split.size() != 4 || split.rfind("cut", 0) != 0 || split[3] < '0' || split[3] > '5')
    return Message(400, "text_split_method:" + split + " is not supported");
  const json mode = p.value("streaming_mode", json(false));
  if (mode.is_number_integer() && (mode < 0 || mode > 3))
    return Message(400, "the value of streaming_mode must be 0, 1, 2, 3(int) or true/false(bool)");
  return std::nullopt;
}

// TTS.py's "参考音频在3~10秒范围外，请更换！" as its i18n locales render it.
std::string BadReferenceMessage(const std::string& locale) {
  static const std::map<std::string, std::string> kMessages = {
      {"zh_CN", "参考音频在3~10秒范围外，请更换！"},
      {"zh_TW", "參考音頻在3~10秒範圍外，請更換！"},
      {"ja_JP", "参照音声が3～10秒の範囲外です。別の音声に変更してください！"},
      {"en_US", "Reference audio is outside the 3-10 second range, please choose another one!"},
      {"es_ES",
       "El audio de referencia está fuera del rango de 3 a 10 segundos, ¡por favor "
       "cámbielo!"},
      {"fr_FR",
       "Veuillez remplacer l'audio de référence si sa durée est en dehors de la plage "
       "de 3 à 10 secondes!"},
      {"pt_BR",
       "O áudio de referência está fora do intervalo de 3 a 10 segundos. Por favor, "
       "substitua!"},
  };
  auto it = kMessages.find(locale);
  return it == kMessages.end() ? kMessages.at("zh_CN") : it->second;
}

// GET /tts: query strings, typed as the POST body would be.
json QueryParams(const std::map<std::string, std::string>& query) {
  json p = json::object();
  for (const auto& [k, v] : query) {
    if (kStringFields.count(k)) {
      p[k] = v;
      continue;
    }
    json parsed = json::parse(v, nullptr, false);
    p[k] = parsed.is_discarded() ? json(v) : parsed;
  }
  return p;
}

}  // namespace

FakeGptSovitsServer::FakeGptSovitsServer(FakeGptSovitsOptions options)
    : options_(std::move(options)) {
  port_ = options_.port;
  Listen();
}

FakeGptSovitsServer::~FakeGptSovitsServer() { Shutdown(); }

std::string FakeGptSovitsServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

int FakeGptSovitsServer::sample_rate(bool super_sampling) const {
  const std::string version = options().version;
  if (version == "v3") return super_sampling ? 48000 : 24000;
  if (version == "v4") return 48000;
  return 32000;
}

FakeGptSovitsOptions FakeGptSovitsServer::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

void FakeGptSovitsServer::set_options(FakeGptSovitsOptions options) {
  std::lock_guard lock(mutex_);
  options.host = options_.host;
  options.port = options_.port;
  options_ = std::move(options);
}

void FakeGptSovitsServer::SetFault(FakeGptSovitsFault fault, int after_pieces, int times) {
  std::lock_guard lock(mutex_);
  fault_ = fault;
  fault_after_ = after_pieces;
  fault_times_ = fault == FakeGptSovitsFault::kNone ? 0 : times;
}

std::vector<FakeGptSovitsRequest> FakeGptSovitsServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> FakeGptSovitsServer::texts() const {
  std::vector<std::string> out;
  for (const auto& r : requests()) {
    const json& t = r.params.contains("text") ? r.params["text"] : json();
    out.push_back(t.is_string() ? t.get<std::string>() : t.dump());
  }
  return out;
}

std::vector<std::string> FakeGptSovitsServer::weight_calls() const {
  std::lock_guard lock(mutex_);
  return weight_calls_;
}

int FakeGptSovitsServer::max_in_flight() const {
  std::lock_guard lock(mutex_);
  return max_in_flight_;
}

void FakeGptSovitsServer::Listen() {
  workers_.Reset();
  mv::HttpServerOptions o;
  o.host = options_.host;
  o.port = port_;
  o.io_threads = 2;
  auto server = std::make_unique<mv::HttpServer>(o);
  auto tts = [this](auto req, auto res) { OnTts(std::move(req), std::move(res)); };
  server->Route("POST", "/tts", tts);
  server->Route("GET", "/tts", tts);
  for (const char* route : {"/set_gpt_weights", "/set_sovits_weights", "/set_refer_audio"}) {
    const std::string name = route;
    server->Route("GET", route, [this, name](auto req, auto res) {
      const std::string key = name == "/set_refer_audio" ? "refer_audio_path" : "weights_path";
      const std::string path = req->Query(key).value_or("");
      bool refuse = false;
      {
        std::lock_guard lock(mutex_);
        weight_calls_.push_back(name + "=" + path);
        refuse = options_.refuse_weights && name != "/set_refer_audio";
      }
      if (path.empty()) return res->Send(Message(400, key + " is required"));
      if (refuse)
        return res->Send(Message(400, "change weight failed",
                                 "[Errno 2] No such file or directory: '" + path + "'"));
      res->Send(Message(200, "success"));
    });
  }
  server->Start();
  port_ = server->port();
  server_ = std::move(server);
}

void FakeGptSovitsServer::Shutdown() {
  std::vector<std::shared_ptr<mv::Responder>> held;
  workers_.Stop();
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
  }
  held.clear();  // responders go before the server they post to; a dropped one cuts
  server_.reset();
}

void FakeGptSovitsServer::Refuse() {
  Shutdown();
  hold_.Hold(options_.host, port_);
}

void FakeGptSovitsServer::Resume() {
  hold_.Release();
  if (!server_) Listen();
}

void FakeGptSovitsServer::Mark(int index, FakeClock::time_point FakeGptSovitsRequest::*field) {
  std::lock_guard lock(mutex_);
  requests_[index].*field = FakeClock::now();
}

void FakeGptSovitsServer::Finish(int index, int status, bool cut) {
  std::lock_guard lock(mutex_);
  FakeGptSovitsRequest& r = requests_[index];
  r.finished = FakeClock::now();
  r.status = status;
  r.cut = cut;
  --in_flight_;
}

void FakeGptSovitsServer::OnTts(std::shared_ptr<mv::HttpRequest> req,
                                std::shared_ptr<mv::Responder> res) {
  json params = req->method == "GET" ? QueryParams(req->query)
                                     : json::parse(req->body, nullptr, /*allow_exceptions=*/false);
  FakeGptSovitsOptions o = options();
  if (params.is_discarded() || !params.is_object()) {
    json detail = {{{"type", "json_invalid"}, {"loc", {"body"}}, {"msg", "JSON decode error"}}};
    return res->Send(mv::HttpResponse::Json(422, json{{"detail", detail}}.dump()));
  }
  int index;
  {
    std::lock_guard lock(mutex_);
    index = static_cast<int>(requests_.size());
    requests_.push_back({req->method, req->path, params, FakeClock::now(), {}, {}, {}, 0, false});
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  }
  std::optional<mv::HttpResponse> refused = CheckTypes(params, o.bool_streaming_only);
  if (!refused) refused = CheckParams(params, o.version);
  if (refused) {
    Finish(index, refused->status, false);
    return res->Send(std::move(*refused));
  }
  workers_.Spawn([this, index, params = std::move(params), res]() mutable {
    Serve(index, std::move(params), std::move(res));
  });
}

void FakeGptSovitsServer::Serve(int index, json p, std::shared_ptr<mv::Responder> res) {
  const FakeGptSovitsOptions o = options();
  if (!gate_.Enter([&] { return res->cancel().IsCancelled() || workers_.stopping(); }))
    return Finish(index, 0, true);
  struct Leave {
    SerialGate& gate;
    ~Leave() { gate.Leave(); }
  } leave{gate_};
  Mark(index, &FakeGptSovitsRequest::started);
  FakeGptSovitsFault fault = FakeGptSovitsFault::kNone;
  int fault_after = 0;
  {
    std::lock_guard lock(mutex_);
    if (fault_times_ != 0) {
      fault = fault_;
      fault_after = fault_after_;
      if (fault_times_ > 0 && --fault_times_ == 0) fault_ = FakeGptSovitsFault::kNone;
    }
  }
  if (fault == FakeGptSovitsFault::kHttp500) {
    mv::HttpResponse r;
    r.status = 500;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Internal Server Error";
    Finish(index, 500, false);
    return res->Send(std::move(r));
  }
  if (fault == FakeGptSovitsFault::kStall) {
    std::lock_guard lock(mutex_);
    held_.push_back(res);
    return;  // never finished
  }
  const json mode = p.value("streaming_mode", json(false));
  const bool streaming = mode.is_boolean() ? mode.get<bool>() : mode.get<int>() != 0;
  // Checks made when the pipeline runs: non-streaming they are a 400; a
  // stream has already started by then (Quirk), so its connection just drops.
  auto refuse = [&](const std::string& exception) {
    if (!streaming) {
      Finish(index, 400, false);
      return res->Send(Message(400, "tts failed", exception));
    }
    {
      std::lock_guard lock(mutex_);
      requests_[index].status = 200;
    }
    res->StartStream(200, "audio/" + p.value("media_type", std::string("wav")));
    Finish(index, 200, true);
    res->Send(mv::HttpResponse{});  // cut before one byte
  };
  const bool vocoder = o.version == "v3" || o.version == "v4";
  const json prompt_text = p.value("prompt_text", json(""));
  if (vocoder && (!prompt_text.is_string() || prompt_text.get<std::string>().empty()))
    return refuse("prompt_text cannot be empty when using SoVITS_V3");
  // The reference is read from this host's disk, as the real server does.
  const std::string ref = p["ref_audio_path"].get<std::string>();
  const double ref_seconds = AudioFileSeconds(ref);
  if (ref_seconds == 0) return refuse("[Errno 2] No such file or directory: '" + ref + "'");
  if (ref_seconds < 3.0 || ref_seconds > 10.0) return refuse(BadReferenceMessage(o.locale));

  const bool super = p.value("super_sampling", false);
  const int rate = sample_rate(super);
  const std::string media = p.value("media_type", std::string("wav"));
  const mv::AudioBuffer speech = FakeSpeech(p["text"].get<std::string>(), rate, o.voice);
  const auto piece_bytes = static_cast<std::size_t>(o.chunk_seconds * rate) * 2;
  const std::vector<std::string> pieces =
      OddPieces(mv::ToPcm16(speech.samples.data(), speech.samples.size()), piece_bytes);

  if (!streaming) {
    if (fault == FakeGptSovitsFault::kFailMidStream) {
      // Quirk: the pipeline's first yield after a failure is one second of
      // zeros at 16 kHz, and a non-streaming answer is that first yield.
      Finish(index, 200, false);
      mv::HttpResponse r;
      r.content_type = "audio/" + media;
      const mv::AudioBuffer zeros{std::vector<float>(16000, 0.0f), 16000};
      r.body =
          media == "raw" ? std::string(32000, '\0') : mv::EncodeAudio(zeros, mv::AudioFormat::kWav);
      return res->Send(std::move(r));
    }
    if (!workers_.Sleep(o.first_chunk_ms + o.chunk_ms * static_cast<int>(pieces.size()), *res))
      return Finish(index, 0, true);
    Mark(index, &FakeGptSovitsRequest::first_audio);
    mv::HttpResponse r;
    r.content_type = "audio/" + media;
    r.body = media == "raw" ? mv::ToPcm16(speech.samples.data(), speech.samples.size())
                            : mv::EncodeAudio(speech, mv::AudioFormat::kWav);
    Finish(index, 200, false);
    return res->Send(std::move(r));
  }

  {
    std::lock_guard lock(mutex_);
    requests_[index].status = 200;
  }
  res->StartStream(200, "audio/" + media);
  if (!workers_.Sleep(o.first_chunk_ms, *res)) return Finish(index, 200, true);
  if (media == "wav" && !res->Write(mv::WavStreamHeader(rate))) return Finish(index, 200, true);
  std::size_t sent = 0;  // PCM bytes
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (fault == FakeGptSovitsFault::kFailMidStream && static_cast<int>(i) == fault_after) {
      // The quirk: about a second of zeros, then the connection is cut. The
      // server yields whole samples; only the network splits them.
      std::string zeros = sent % 2 ? pieces[i].substr(0, 1) : "";
      zeros.append(16000 * 2, '\0');  // 16000 samples, whatever the stream's rate
      res->Write(std::move(zeros));
      Finish(index, 200, true);
      return res->Send(mv::HttpResponse{});
    }
    if (i > 0 && !workers_.Sleep(o.chunk_ms, *res)) return Finish(index, 200, true);
    if (i == 0) Mark(index, &FakeGptSovitsRequest::first_audio);
    if (!res->Write(pieces[i])) return Finish(index, 200, true);
    sent += pieces[i].size();
  }
  Finish(index, 200, false);
  res->End();
}

}  // namespace mvtest
