// The browser client: GET / → web/index.html, GET /web/<file> → the rest of
// web/, all embedded in the binary (web-assets.h). Files keep their names
// across versions, so caches must revalidate: ETag + Cache-Control: no-cache,
// answered with 304 when the browser already has this build's copy.
#include <cstdint>
#include <string>
#include <string_view>

#include "server/http-server.h"
#include "server/routes/route-util.h"
#include "server/routes/web-assets.h"

namespace mv {
namespace {

std::string_view ContentTypeOf(std::string_view name) {
  struct Entry {
    std::string_view extension, type;
  };
  static constexpr Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const Entry& e : kTypes) {
    if (name.ends_with(e.extension)) return e.type;
  }
  return "application/octet-stream";
}

// FNV-1a: cheap, stable, and enough to tell one build's file from another's.
std::string ETagOf(std::string_view data) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag = "\"";
  for (int shift = 60; shift >= 0; shift -= 4) tag += kHex[(h >> shift) & 0xf];
  return tag + "\"";
}

const WebAsset* FindAsset(std::string_view name) {
  for (const WebAsset& a : WebAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

HttpResponse Serve(const HttpRequest& req, const WebAsset& asset) {
  const std::string etag = ETagOf(asset.data);
  HttpResponse r;
  r.content_type = std::string(ContentTypeOf(asset.name));
  r.headers = {
      {"Cache-Control", "no-cache"}, {"ETag", etag}, {"X-Content-Type-Options", "nosniff"}};
  if (req.Header("if-none-match") == etag) {
    r.status = 304;
    return r;
  }
  r.body = std::string(asset.data);
  return r;
}

HttpResponse NotFound(std::string_view name) {
  return HttpResponse::Error(404, "invalid_request_error", "not_found",
                             "no such file in the web client: " + std::string(name));
}

}  // namespace

void RegisterWebRoutes(HttpServer& server, ServerContext&) {
  server.Route("GET", "/", [](std::shared_ptr<HttpRequest> req, std::shared_ptr<Responder> out) {
    const WebAsset* index = FindAsset("index.html");
    out->Send(index ? Serve(*req, *index) : NotFound("index.html"));
  });
  server.Route("GET", "/web/*",
               [](std::shared_ptr<HttpRequest> req, std::shared_ptr<Responder> out) {
                 // Only names in the table are served: no path is ever joined.
                 const std::string_view name = std::string_view(req->path).substr(5);
                 const WebAsset* asset = FindAsset(name);
                 out->Send(asset ? Serve(*req, *asset) : NotFound(name));
               });
}

}  // namespace mv
