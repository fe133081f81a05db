#include "fakes/fake-wenet-server.h"

#include <sstream>

#include "fakes/fake-transcriber.h"

namespace mvtest {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr std::size_t kPartialBytes = 2 * 16000;  // a partial per second of audio

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// The server's nbest: a JSON array serialized into a string.
std::string Nbest(const std::string& sentence, int nbest, bool final) {
  ojson paths = ojson::array();
  for (int i = 0; i < nbest; ++i) {
    ojson path = {{"sentence", i == 0 ? sentence : sentence + " uh"}};
    if (final) {
      ojson pieces = ojson::array();
      int ms = 0;
      for (const auto& w : Words(sentence)) {
        pieces.push_back(ojson{{"word", w}, {"start", ms}, {"end", ms + 300}});
        ms += 300;
      }
      path["word_pieces"] = pieces;
    }
    paths.push_back(path);
  }
  return paths.dump();
}

}  // namespace

FakeWenetServer::FakeWenetServer(FakeWenetOptions options) : options_(std::move(options)) {
  port_ = options_.port;
  Listen();
}

FakeWenetServer::~FakeWenetServer() { Shutdown(); }

std::string FakeWenetServer::url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

void FakeWenetServer::Listen() {
  mv::HttpServerOptions o;
  o.host = options().host;
  o.port = port_;
  o.io_threads = 2;
  auto server = std::make_unique<mv::HttpServer>(o);
  server->RouteWebSocket("/", [this](std::shared_ptr<mv::WebSocketSession> ws) {
    int index;
    {
      std::lock_guard lock(mutex_);
      index = static_cast<int>(sessions_.size());
      sessions_.emplace_back();
    }
    workers_.Run([this, ws, index] { Serve(ws, index); });
  });
  server->Start();
  port_ = server->port();
  server_ = std::move(server);
}

void FakeWenetServer::Shutdown() {
  if (server_) server_->Stop();
  workers_.Stop();
  server_.reset();
}

void FakeWenetServer::Refuse() { Shutdown(); }

void FakeWenetServer::Resume() {
  if (!server_) Listen();
}

FakeWenetOptions FakeWenetServer::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

void FakeWenetServer::set_options(FakeWenetOptions options) {
  std::lock_guard lock(mutex_);
  options.host = options_.host;
  options.port = options_.port;
  options_ = std::move(options);
}

void FakeWenetServer::SetFault(FakeWenetFault fault, int times) {
  std::lock_guard lock(mutex_);
  fault_ = fault;
  fault_times_ = fault == FakeWenetFault::kNone ? 0 : times;
}

std::vector<FakeWenetSession> FakeWenetServer::sessions() const {
  std::lock_guard lock(mutex_);
  return sessions_;
}

void FakeWenetServer::Send(mv::WebSocketSession& ws, int index, const json& message) {
  {
    std::lock_guard lock(mutex_);
    sessions_[index].sent.push_back(message);
  }
  ws.SendText(message.dump());
}

void FakeWenetServer::Fail(mv::WebSocketSession& ws, int index, const std::string& message) {
  Send(ws, index, ojson{{"status", "failed"}, {"message", message}});
  ws.Close(1000);
}

void FakeWenetServer::Answer(mv::WebSocketSession& ws, int index, const std::string& pcm,
                             bool continuous, int nbest, const FakeWenetOptions& opt) {
  const std::string text = opt.reply.empty() ? TranscribePcm16(pcm) : opt.reply;
  std::vector<std::string> sentences = {text};
  const auto words = Words(text);
  if (continuous && words.size() > 1) {  // as if the speaker paused half-way
    std::string a, b;
    for (std::size_t i = 0; i < words.size(); ++i)
      (i < words.size() / 2 ? a : b) += (i == 0 || i == words.size() / 2 ? "" : " ") + words[i];
    sentences = {a, b};
  }
  for (const auto& s : sentences)
    Send(ws, index,
         ojson{{"status", "ok"}, {"type", "final_result"}, {"nbest", Nbest(s, nbest, true)}});
  Send(ws, index, ojson{{"status", "ok"}, {"type", "speech_end"}});
}

void FakeWenetServer::Serve(std::shared_ptr<mv::WebSocketSession> ws, int index) {
  FakeWenetOptions opt;
  FakeWenetFault fault = FakeWenetFault::kNone;
  {
    std::lock_guard lock(mutex_);
    opt = options_;
    if (fault_times_ != 0) {
      fault = fault_;
      if (fault_times_ > 0) --fault_times_;
    }
  }
  bool started = false, continuous = false, stopped = false;
  int nbest = 1;
  std::string pcm;
  std::size_t partial_mark = 0;
  for (;;) {
    auto message = ws->Receive(100);
    if (!message) {
      if (!ws->is_open() || workers_.stopping()) return;
      continue;
    }
    if (message->binary) {
      if (!started) return Fail(*ws, index, "Start signal is expected before binary data");
      if (stopped) return ws->Abort();  // it stopped reading: the handler ends
      pcm += message->data;
      {
        std::lock_guard lock(mutex_);
        sessions_[index].audio_bytes += message->data.size();
      }
      for (; pcm.size() >= partial_mark + kPartialBytes; partial_mark += kPartialBytes)
        Send(*ws, index,
             ojson{{"status", "ok"},
                   {"type", "partial_result"},
                   {"nbest", Nbest("partial", 1, false)}});
      const std::size_t stop_bytes = 32u * static_cast<std::size_t>(opt.stop_after_audio_ms);
      if (stop_bytes > 0 && !continuous && pcm.size() >= stop_bytes) {
        Answer(*ws, index, pcm, false, nbest, opt);
        stopped = true;
      }
      continue;
    }
    const json j = json::parse(message->data, nullptr, false);
    if (j.is_discarded()) return ws->Abort();  // its JSON parser throws; the handler ends
    if (!j.is_object()) return Fail(*ws, index, "Wrong protocol");
    if (!j.contains("signal")) return Fail(*ws, index, "Wrong message header");
    if (!j["signal"].is_string()) return ws->Abort();
    const std::string signal = j["signal"];
    if (signal == "start") {
      {
        std::lock_guard lock(mutex_);
        sessions_[index].start = j;
      }
      if (j.contains("nbest")) {
        if (!j["nbest"].is_number_integer())
          return Fail(*ws, index, "integer is expected for nbest option");
        nbest = j["nbest"];
      }
      if (j.contains("continuous_decoding")) {
        if (!j["continuous_decoding"].is_boolean())
          return Fail(*ws, index,
                      "boolean true or false is expected for continuous_decoding option");
        continuous = j["continuous_decoding"];
      }
      started = true;
      Send(*ws, index, ojson{{"status", "ok"}, {"type", "server_ready"}});
    } else if (signal == "end") {
      {
        std::lock_guard lock(mutex_);
        sessions_[index].got_end = true;
      }
      if (stopped) return ws->Abort();
      switch (fault) {
        case FakeWenetFault::kFailed:
          return Fail(*ws, index, "decoder error");
        case FakeWenetFault::kSilent:
          continue;
        case FakeWenetFault::kDrop:
          return ws->Abort();
        case FakeWenetFault::kNone:
          break;
      }
      if (opt.latency_ms > 0 && !workers_.Sleep(opt.latency_ms)) return;
      Answer(*ws, index, pcm, continuous, nbest, opt);
      // It joins its decoder thread and returns: the socket closes, no close frame.
      return ws->Abort();
    } else {
      return Fail(*ws, index, "Unexpected signal type");
    }
  }
}

}  // namespace mvtest
