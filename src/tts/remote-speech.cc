#include "tts/remote-speech.h"

#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace mv {
namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;

}  // namespace

std::string JoinUrl(std::string base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(path);
}

std::string QueryEscape(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

ClientRequest PoolRequest(const RemotePoolConfig& pool, std::string method, std::string url) {
  ClientRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.connect_timeout_ms = pool.connect_timeout_ms;
  r.first_byte_timeout_ms = pool.first_byte_timeout_ms;
  r.idle_timeout_ms = pool.idle_timeout_ms;
  return r;
}

ClientRequest JsonRequest(const RemotePoolConfig& pool, std::string url, std::string json) {
  ClientRequest r = PoolRequest(pool, "POST", std::move(url));
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(json);
  return r;
}

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string BodySnippet(std::string_view body) {
  std::string out(body.substr(0, 300));
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  if (body.size() > 300) out += "...";
  return out;
}

void StreamSpeech(HttpClient& client, ClientRequest request, const CancelToken& cancel,
                  WavStreamParser parser, const HttpErrorMapper& map_error, SpeechOutput& out,
                  const SpeechEndCheck& check_end) {
  // Bytes cross from the client's I/O thread to this one: callbacks there
  // must not block, and the consumer (the fan-out, an encoder) may.
  struct Channel {
    std::mutex mutex;  // guards everything below
    std::condition_variable cv;
    int status = 0;
    std::deque<std::string> pieces;
    std::string error_body;
    bool done = false;
    std::optional<Error> error;
  };
  auto ch = std::make_shared<Channel>();
  // This attempt: the caller's cancel, or the consumer saying stop.
  const CancelToken stop = cancel.Child();
  ClientCallbacks cb;
  cb.on_head = [ch](int status, const std::map<std::string, std::string>&) {
    std::lock_guard lock(ch->mutex);
    ch->status = status;
  };
  cb.on_data = [ch](std::string_view data) {
    std::lock_guard lock(ch->mutex);
    if (ch->status == 200) {
      ch->pieces.emplace_back(data);
      ch->cv.notify_all();
    } else if (ch->error_body.size() < kMaxErrorBody) {
      ch->error_body.append(data.substr(0, kMaxErrorBody - ch->error_body.size()));
    }
  };
  cb.on_complete = [ch](std::optional<Error> error) {
    std::lock_guard lock(ch->mutex);
    ch->error = std::move(error);
    ch->done = true;
    ch->cv.notify_all();
  };
  request.max_body_bytes = 0;  // speech streams as long as it lasts; the idle timeout guards it
  client.Stream(std::move(request), stop, std::move(cb));

  out.BeginAttempt();
  std::vector<float> samples;
  bool stopped = false;
  std::size_t body_bytes = 0;
  for (;;) {
    std::deque<std::string> pieces;
    bool done = false;
    {
      std::unique_lock lock(ch->mutex);
      ch->cv.wait(lock, [&] { return ch->done || !ch->pieces.empty(); });
      pieces.swap(ch->pieces);
      done = ch->done;
    }
    try {
      for (const std::string& piece : pieces) {
        if (stopped) break;
        body_bytes += piece.size();
        samples.clear();
        parser.Feed(piece, &samples);
        if (!samples.empty() && !out.Add(samples.data(), samples.size(), parser.sample_rate())) {
          stopped = true;
          stop.Cancel();
        }
      }
    } catch (...) {
      stop.Cancel();  // bad audio, or the consumer threw: the rest is not worth reading
      throw;
    }
    if (done) break;
  }
  // on_complete has run: nothing touches the channel from the I/O side now.
  if (stopped || cancel.IsCancelled())
    throw Error(ErrorKind::kCancelled, "cancelled", "synthesis cancelled");
  if (ch->status == 200 && body_bytes == 0)
    throw Error(ErrorKind::kUpstream, "empty_stream",
                "the TTS server answered 200, then closed the connection without audio");
  if (ch->error) throw *ch->error;
  if (ch->status != 200) throw map_error(ch->status, ch->error_body);
  parser.Finish();
  if (check_end) check_end(SpeechEnd{parser.sample_rate(), out.attempt_audio(), out.held_zeros()});
  if (!out.EndAttempt()) throw Error(ErrorKind::kCancelled, "cancelled", "synthesis cancelled");
}

std::string FetchOk(HttpClient& client, const ClientRequest& request, const CancelToken& cancel,
                    const HttpErrorMapper& map_error) {
  ClientResponse r = client.Fetch(request, cancel);
  if (r.status != 200) throw map_error(r.status, r.body);
  return r.body;
}

}  // namespace mv
