#include "fakes/fake-funasr-server.h"

#include <sstream>

#include "fakes/fake-transcriber.h"

namespace mvtest {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;  // field order as the real server sends it

constexpr std::size_t kPartialBytes = 2 * 16000 * 600 / 1000;  // a partial per 600 ms

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// "[[0,300],[300,600]]": a JSON string, one pair of ms per word.
std::string Timestamp(const std::string& text) {
  json pairs = json::array();
  int ms = 0;
  for (std::size_t i = 0; i < Words(text).size(); ++i, ms += 300) pairs.push_back({ms, ms + 300});
  return pairs.dump();
}

// The server's check: exactly 3 integers, the middle one non-zero.
bool ValidChunkSize(const json& chunk) {
  if (!chunk.is_array() || chunk.size() != 3) return false;
  for (const auto& v : chunk)
    if (!v.is_number_integer()) return false;
  return chunk[1].get<int>() != 0;
}

}  // namespace

FakeFunAsrServer::FakeFunAsrServer(FakeFunAsrOptions options) : options_(std::move(options)) {
  port_ = options_.port;
  Listen();
}

FakeFunAsrServer::~FakeFunAsrServer() { Shutdown(); }

std::string FakeFunAsrServer::url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

void FakeFunAsrServer::Listen() {
  mv::HttpServerOptions o;
  o.host = options().host;
  o.port = port_;
  o.io_threads = 2;
  auto server = std::make_unique<mv::HttpServer>(o);
  // FunASR answers on any path.
  for (const char* path : {"/", "/asr"}) {
    server->RouteWebSocket(path, [this](std::shared_ptr<mv::WebSocketSession> ws) {
      int index;
      {
        std::lock_guard lock(mutex_);
        index = static_cast<int>(sessions_.size());
        sessions_.emplace_back();
      }
      workers_.Run([this, ws, index] { Serve(ws, index); });
    });
  }
  server->Start();
  port_ = server->port();
  server_ = std::move(server);
}

void FakeFunAsrServer::Shutdown() {
  if (server_) server_->Stop();  // ends every session: their threads return
  workers_.Stop();
  server_.reset();
}

void FakeFunAsrServer::Refuse() { Shutdown(); }

void FakeFunAsrServer::Resume() {
  if (!server_) Listen();
}

FakeFunAsrOptions FakeFunAsrServer::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

void FakeFunAsrServer::set_options(FakeFunAsrOptions options) {
  std::lock_guard lock(mutex_);
  options.host = options_.host;
  options.port = options_.port;
  options_ = std::move(options);
}

void FakeFunAsrServer::SetFault(FakeFunAsrFault fault, int times) {
  std::lock_guard lock(mutex_);
  fault_ = fault;
  fault_times_ = fault == FakeFunAsrFault::kNone ? 0 : times;
}

std::vector<FakeFunAsrSession> FakeFunAsrServer::sessions() const {
  std::lock_guard lock(mutex_);
  return sessions_;
}

bool FakeFunAsrServer::WaitClientsClosed(int timeout_ms) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    for (const auto& s : sessions_)
      if (!s.client_closed) return false;
    return true;
  });
}

void FakeFunAsrServer::Send(mv::WebSocketSession& ws, int index, const json& message) {
  {
    std::lock_guard lock(mutex_);
    sessions_[index].sent.push_back(message);
  }
  ws.SendText(message.dump());
}

void FakeFunAsrServer::Serve(std::shared_ptr<mv::WebSocketSession> ws, int index) {
  FakeFunAsrOptions opt;
  FakeFunAsrFault fault = FakeFunAsrFault::kNone;
  {
    std::lock_guard lock(mutex_);
    opt = options_;
    if (fault_times_ != 0) {
      fault = fault_;
      if (fault_times_ > 0) --fault_times_;
    }
  }
  // The C++ server's per-connection defaults.
  std::string mode = "2pass", wav_name = "wav-default-id";
  bool first = true;
  bool silent = false;      // the session went dead: nothing more is ever sent
  bool have_chunk = false;  // a valid chunk_size came (no decoder without one)
  std::string pcm;
  std::size_t partial_mark = 0;
  auto flag = [&](bool cpp) { return opt.flavour == FunAsrFlavour::kCpp ? cpp : !cpp; };
  bool aborted = false;
  while (!aborted) {
    auto message = ws->Receive(100);
    if (!message) {
      if (!ws->is_open() || workers_.stopping()) break;
      continue;
    }
    if (message->binary) {
      {
        std::lock_guard lock(mutex_);
        sessions_[index].audio_bytes += message->data.size();
        ++sessions_[index].binary_frames;
      }
      if (silent) continue;
      pcm += message->data;
      if (mode == "2pass" && have_chunk) {
        for (; pcm.size() >= partial_mark + kPartialBytes; partial_mark += kPartialBytes)
          Send(*ws, index,
               ojson{{"mode", "2pass-online"},
                     {"text", "partial"},
                     {"wav_name", wav_name},
                     {"is_final", flag(false)}});
      }
      continue;
    }
    const json j = json::parse(message->data, nullptr, false);
    if (first) {
      std::lock_guard lock(mutex_);
      sessions_[index].start = j.is_discarded() ? json() : j;
      first = false;
    }
    if (!j.is_object()) silent = true;  // "bad JSON just ends the session"
    if (silent) continue;
    if (j.contains("wav_name") && j["wav_name"].is_string()) wav_name = j["wav_name"];
    if (j.contains("mode") && j["mode"].is_string()) mode = j["mode"];
    if (j.contains("chunk_size")) {
      have_chunk = ValidChunkSize(j["chunk_size"]);
      if (!have_chunk) silent = true;  // "Wrong chunk_size!" in its log, nothing on the wire
    }
    if (!(j.contains("is_speaking") && j["is_speaking"] == false)) continue;
    {
      std::lock_guard lock(mutex_);
      sessions_[index].got_end = true;
    }
    if (!have_chunk || fault == FakeFunAsrFault::kSilent) continue;
    if (fault == FakeFunAsrFault::kDrop) {
      ws->Abort();
      aborted = true;
      break;
    }
    if (opt.latency_ms > 0 && !workers_.Sleep(opt.latency_ms)) break;
    const std::string text = opt.reply.empty() ? TranscribePcm16(pcm) : opt.reply;
    if (mode == "online") {
      // Pieces of two words, each new, as the streaming model emits them.
      const auto words = Words(text);
      for (std::size_t i = 0; i < words.size() || i == 0; i += 2) {
        std::string piece = i < words.size() ? words[i] : "";
        if (i + 1 < words.size()) piece += " " + words[i + 1];
        Send(*ws, index,
             ojson{{"mode", "online"},
                   {"text", piece},
                   {"wav_name", wav_name},
                   {"is_final", flag(i + 2 >= words.size())}});
      }
    } else {
      Send(*ws, index,
           ojson{{"mode", mode == "offline" ? "offline" : "2pass-offline"},
                 {"text", text},
                 {"wav_name", wav_name},
                 {"is_final", flag(false)},
                 {"timestamp", Timestamp(text)}});
    }
    // The server keeps the connection: the client closes it.
  }
  std::lock_guard lock(mutex_);
  sessions_[index].client_closed = !aborted && !workers_.stopping();
  if (aborted) sessions_[index].client_closed = true;  // nothing to wait for
  cv_.notify_all();
}

}  // namespace mvtest
