#include "tts/remote-speech.h"

#include <cctype>
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

Task<void> StreamSpeechAsync(HttpClient& client, ClientRequest request, CancelToken cancel,
                             WavStreamParser parser, HttpErrorMapper map_error, SpeechOutput& out,
                             SpeechEndCheck check_end) {
  // Touched by the request's callbacks (one at a time, on its strand) until
  // on_complete, then by this coroutine alone.
  struct Channel {
    int status = 0;
    std::string error_body;
    std::size_t body_bytes = 0;
    bool stopped = false;        // the consumer wants no more
    std::exception_ptr failure;  // bad audio, or the consumer threw
    std::vector<float> samples;
  };
  auto ch = std::make_shared<Channel>();
  // This attempt: the caller's cancel, or the consumer saying stop.
  const CancelToken stop = cancel.Child();
  ClientCallbacks cb;
  cb.on_head = [ch](int status, const std::map<std::string, std::string>&) { ch->status = status; };
  cb.on_data = [ch, &parser, &out, stop](std::string_view data) {
    if (ch->status != 200) {
      if (ch->error_body.size() < kMaxErrorBody)
        ch->error_body.append(data.substr(0, kMaxErrorBody - ch->error_body.size()));
      return;
    }
    if (ch->stopped || ch->failure) return;
    ch->body_bytes += data.size();
    try {
      ch->samples.clear();
      parser.Feed(data, &ch->samples);
      if (!ch->samples.empty() &&
          !out.Add(ch->samples.data(), ch->samples.size(), parser.sample_rate())) {
        ch->stopped = true;
        stop.Cancel();
      }
    } catch (...) {
      ch->failure = std::current_exception();
      stop.Cancel();  // the rest is not worth reading
    }
  };
  request.max_body_bytes = 0;  // speech streams as long as it lasts; the idle timeout guards it
  out.BeginAttempt();
  std::optional<Error> error = co_await Callback<std::optional<Error>>([&](auto resume) {
    cb.on_complete = [resume](std::optional<Error> e) { resume(std::move(e)); };
    client.Stream(std::move(request), stop, std::move(cb));
  });
  if (ch->failure) std::rethrow_exception(ch->failure);
  if (ch->stopped || cancel.IsCancelled())
    throw Error(ErrorKind::kCancelled, "cancelled", "synthesis cancelled");
  if (ch->status == 200 && ch->body_bytes == 0)
    throw Error(ErrorKind::kUpstream, "empty_stream",
                "the TTS server answered 200, then closed the connection without audio");
  if (error) throw *error;
  if (ch->status != 200) throw map_error(ch->status, ch->error_body);
  parser.Finish();
  if (check_end) check_end(SpeechEnd{parser.sample_rate(), out.attempt_audio(), out.held_zeros()});
  if (!out.EndAttempt()) throw Error(ErrorKind::kCancelled, "cancelled", "synthesis cancelled");
}

Task<std::string> FetchOkAsync(HttpClient& client, ClientRequest request, CancelToken cancel,
                               HttpErrorMapper map_error) {
  using Answer = std::pair<ClientResponse, std::optional<Error>>;
  Answer answer = co_await Callback<Answer>([&](Callback<Answer>::Resume resume) {
    client.FetchAsync(std::move(request), cancel,
                      [resume](ClientResponse r, std::optional<Error> e) {
                        resume({std::move(r), std::move(e)});
                      });
  });
  if (answer.second) throw *answer.second;
  if (answer.first.status != 200) throw map_error(answer.first.status, answer.first.body);
  co_return std::move(answer.first.body);
}

}  // namespace mv
