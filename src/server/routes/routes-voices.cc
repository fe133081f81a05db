// The voice library API:
//   POST   /api/voices              multipart: audio (file), name, [transcript]
//                                   -> 201 {id, name, transcript, duration, voiced_seconds,
//                                   created}
//   GET    /api/voices              -> {"voices": [...]}
//   GET    /api/voices/{id}         -> one voice
//   GET    /api/voices/{id}/audio   -> its reference.wav
//   DELETE /api/voices/{id}         -> {"id", "deleted": true}
// Errors use our JSON error shape; a taken id is 409 (code voice_exists).
#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/client-text.h"
#include "common/error.h"
#include "common/json-dump.h"
#include "server/http-server.h"
#include "server/multipart.h"
#include "server/routes/route-util.h"
#include "voice/voice-name.h"

namespace mv {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "/api/voices/";

// "/api/voices/alice/audio" -> {"alice", "audio"}; the id is validated.
std::pair<std::string, std::string> IdAndRest(const HttpRequest& req) {
  std::string tail = req.path.substr(kPrefix.size());
  std::string rest;
  if (const auto slash = tail.find('/'); slash != std::string::npos) {
    rest = tail.substr(slash + 1);
    tail.resize(slash);
  }
  ValidateVoiceId(tail);
  return {tail, rest};
}

HttpResponse NoVoice(const std::string& id) {
  return HttpResponse::Error(404, Error::KindName(ErrorKind::kNotFound), "no_voice",
                             "no voice '" + QuotableText(id) + "'");
}

// Library voices are identification candidates (never owners).
void EnrolForIdentification(ServerContext& ctx, const LibraryVoice& v, const CancelToken& cancel) {
  if (!ctx.speakers || !ctx.config.voiceprint.identify) return;
  try {
    ctx.speakers->Enroll("voice:" + v.id, v.name, ctx.voices->LoadAudio(v.id), false, cancel);
  } catch (const Error& e) {
    spdlog::warn("voice '{}' is stored but cannot be identified: {}", v.id, e.what());
  }
}

}  // namespace

void RegisterVoiceRoutes(HttpServer& server, ServerContext& ctx) {
  server.Route("POST", "/api/voices",
               [&ctx](std::shared_ptr<HttpRequest> req, std::shared_ptr<Responder> responder) {
                 auto form = MultipartForm::Parse(req->Header("content-type"), req->body);
                 const FormPart* audio = form.Find("audio");
                 if (!audio || audio->data.empty())
                   throw Error(ErrorKind::kInvalidInput, "missing_field",
                               "multipart field 'audio' is required");
                 const std::optional<std::string> name = form.Value("name");
                 if (!name)
                   throw Error(ErrorKind::kInvalidInput, "missing_field",
                               "multipart field 'name' is required");
                 VoiceIdFromName(*name);  // a bad name is answered before any decoding
                 if (audio->data.size() > ctx.config.library.max_upload_bytes)
                   throw Error(ErrorKind::kTooLarge, "too_large",
                               "the upload is " + std::to_string(audio->data.size()) +
                                   " bytes; library.max_upload_bytes allows " +
                                   std::to_string(ctx.config.library.max_upload_bytes));
                 RunOnCompute(ctx, responder,
                              [&ctx, name = *name, bytes = audio->data,
                               transcript = form.Value("transcript")](const CancelToken& cancel) {
                                LibraryVoice v;
                                try {
                                  v = ctx.voices->Add(name, bytes, transcript, cancel);
                                } catch (const Error& e) {
                                  if (e.code() != "voice_exists") throw;
                                  return HttpResponse::Error(409, "conflict", e.code(), e.what());
                                }
                                EnrolForIdentification(ctx, v, cancel);
                                return HttpResponse::Json(201, SafeDump(v.ToJson()));
                              });
               });

  server.Route("GET", "/api/voices", [&ctx](auto, std::shared_ptr<Responder> responder) {
    json list = json::array();
    for (const LibraryVoice& v : ctx.voices->List()) list.push_back(v.ToJson());
    responder->Send(HttpResponse::Json(200, SafeDump(json{{"voices", list}})));
  });

  server.Route("GET", "/api/voices/*",
               [&ctx](std::shared_ptr<HttpRequest> req, std::shared_ptr<Responder> responder) {
                 auto [id, rest] = IdAndRest(*req);
                 if (rest.empty()) {
                   const auto v = ctx.voices->Find(id);
                   responder->Send(v ? HttpResponse::Json(200, SafeDump(v->ToJson()))
                                     : NoVoice(id));
                   return;
                 }
                 if (rest != "audio")
                   throw Error(ErrorKind::kNotFound, "not_found", "no route for " + req->path);
                 RunOnCompute(ctx, responder, [&ctx, id = id](const CancelToken&) {
                   const auto v = ctx.voices->Find(id);
                   if (!v) return NoVoice(id);
                   HttpResponse r;
                   r.content_type = "audio/wav";
                   std::ifstream in(v->wav_path, std::ios::binary);
                   r.body.assign(std::istreambuf_iterator<char>(in), {});
                   if (!in && !in.eof()) return NoVoice(id);  // deleted meanwhile
                   return r;
                 });
               });

  server.Route("DELETE", "/api/voices/*",
               [&ctx](std::shared_ptr<HttpRequest> req, std::shared_ptr<Responder> responder) {
                 auto [id, rest] = IdAndRest(*req);
                 if (!rest.empty())
                   throw Error(ErrorKind::kNotFound, "not_found", "no route for " + req->path);
                 RunOnCompute(ctx, responder, [&ctx, id = id](const CancelToken&) {
                   if (!ctx.voices->Remove(id)) return NoVoice(id);
                   if (ctx.speakers) ctx.speakers->Remove("voice:" + id);
                   spdlog::info("voice library: deleted '{}'", id);
                   return HttpResponse::Json(200, SafeDump(json{{"id", id}, {"deleted", true}}));
                 });
               });
}

}  // namespace mv
