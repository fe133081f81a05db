// One coroutine per request on a strand of the client's io_context. A single
// watchdog timer per request enforces the phase timeouts; a timeout, a
// cancel or client shutdown all end the request the same way: record why,
// close the socket, and let the pending operation fail.
#include "net/http-client.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "net/http-url.h"
#include "net/net-io.h"
#include "net/timer-queue.h"
#include "net/tls-client.h"

namespace mv {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;

enum class Abort { kNone, kTimeout, kCancelled, kTooLarge, kShutdown };

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v =
        (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i < in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    if (i + 1 < in.size()) v |= (unsigned char)in[i + 1] << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string ClientResponse::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Impl {
  struct Op;

  explicit Impl(std::shared_ptr<NetIo> n) : net(std::move(n)), ioc(net->context()) {}

  const std::shared_ptr<NetIo> net;  // the I/O threads; shared with other clients
  asio::io_context& ioc;

  mutable std::mutex mutex;        // guards ops, next_id, stopping
  std::condition_variable ops_cv;  // signalled when ops shrinks
  std::map<std::uint64_t, std::weak_ptr<Op>> ops;
  std::uint64_t next_id = 0;
  bool stopping = false;

  // What the running watchdog guards; names the timeout when it fires.
  enum class Phase { kConnect, kFirstByte, kIdle };

  struct Op : std::enable_shared_from_this<Op> {
    std::shared_ptr<Impl> impl;  // outlives the client when an op is slow to end
    std::uint64_t id = 0;
    ClientRequest request;
    CancelToken cancel;
    ClientCallbacks callbacks;
    asio::strand<asio::io_context::executor_type> strand;
    tcp::resolver resolver{strand};
    tcp::socket socket{strand};
    std::shared_ptr<ssl::context> tls_context;  // keeps the context alive for `tls`
    std::optional<ssl::stream<tcp::socket&>> tls;
    asio::steady_timer watchdog{strand};
    std::uint64_t watchdog_generation = 0;
    Abort abort = Abort::kNone;
    Phase phase = Phase::kConnect;
    int phase_timeout_ms = 0;
    std::string authority;
    CancelRegistration cancel_hook;  // unhooked from `cancel` when the op goes

    Op(std::shared_ptr<Impl> i, asio::io_context& ioc)
        : impl(std::move(i)), strand(asio::make_strand(ioc)) {}

    // Strand only. Ends the request: closing the socket fails whatever is pending.
    void Stop(Abort why) {
      if (abort == Abort::kNone) abort = why;
      resolver.cancel();
      boost::system::error_code ec;
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
    }

    // Strand only. 0 disables the watchdog.
    void Arm(int ms, Phase p) {
      phase = p;
      phase_timeout_ms = ms;
      ++watchdog_generation;
      watchdog.cancel();
      if (ms <= 0) return;
      watchdog.expires_after(std::chrono::milliseconds(ms));
      watchdog.async_wait([weak = weak_from_this(), gen = watchdog_generation](auto ec) {
        auto self = weak.lock();
        if (!ec && self && gen == self->watchdog_generation) self->Stop(Abort::kTimeout);
      });
    }
    void Disarm() { Arm(0, phase); }

    Error Failure(ErrorKind kind, const char* code, const std::string& what) const {
      switch (abort) {
        case Abort::kTimeout: {
          static constexpr const char* kCodes[] = {"connect_timeout", "first_byte_timeout",
                                                   "idle_timeout"};
          static constexpr const char* kWhat[] = {"connecting to", "waiting for the response of",
                                                  "waiting for more data from"};
          int i = static_cast<int>(phase);
          return Error(ErrorKind::kTimeout, kCodes[i],
                       std::string(kWhat[i]) + " " + authority + " timed out after " +
                           std::to_string(phase_timeout_ms) + " ms");
        }
        case Abort::kCancelled:
          return Error(ErrorKind::kCancelled, "cancelled", "request cancelled");
        case Abort::kShutdown:
          return Error(ErrorKind::kCancelled, "client_shutdown", "HTTP client shut down");
        case Abort::kTooLarge:
          return Error(ErrorKind::kTooLarge, "body_too_large",
                       "response body from " + authority + " exceeds " +
                           std::to_string(request.max_body_bytes) + " bytes");
        case Abort::kNone:
          break;
      }
      return Error(kind, code, what);
    }
  };

  static void Complete(Op& op, std::optional<Error> error) {
    op.Disarm();
    op.Stop(op.abort);  // idempotent; frees the socket before the caller reacts
    if (op.callbacks.on_complete) {
      try {
        op.callbacks.on_complete(std::move(error));
      } catch (const std::exception& e) {
        spdlog::error("HTTP client: on_complete threw: {}", e.what());
      }
    }
    Impl* impl = op.impl.get();
    std::lock_guard lock(impl->mutex);
    impl->ops.erase(op.id);
    impl->ops_cv.notify_all();
  }

  template <class Stream>
  static awaitable<std::optional<Error>> Exchange(Op& op, Stream& stream, const HttpUrl& url) {
    const ClientRequest& r = op.request;
    http::request<http::string_body> req;
    http::verb verb = http::string_to_verb(r.method);
    if (verb == http::verb::unknown) {
      req.method_string(r.method);
    } else {
      req.method(verb);
    }
    req.target(url.target);
    req.version(11);
    bool has_host = false, has_agent = false;
    for (const auto& [k, v] : r.headers) {
      std::string name = Lower(k);
      has_host |= name == "host";
      has_agent |= name == "user-agent";
      req.insert(k, v);
    }
    if (!has_host) req.set(http::field::host, url.HostHeader());
    if (!has_agent) req.set(http::field::user_agent, "mirrorvox/0.1");
    if (!url.userinfo.empty() && req.find(http::field::authorization) == req.end())
      req.set(http::field::authorization, "Basic " + Base64(PercentDecode(url.userinfo)));
    req.keep_alive(false);
    req.body() = r.body;
    if (!r.body.empty() || verb == http::verb::post || verb == http::verb::put)
      req.prepare_payload();

    op.Arm(r.first_byte_timeout_ms, Phase::kFirstByte);
    auto [wec, wn] = co_await http::async_write(stream, req, kNoThrow);
    if (wec || op.abort != Abort::kNone)
      co_return op.Failure(ErrorKind::kUpstream, "connection_lost",
                           "sending the request to " + op.authority + " failed: " + wec.message());

    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);  // enforced below, counting decoded bytes
    parser.header_limit(64 * 1024);
    if (verb == http::verb::head) parser.skip(true);
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, kNoThrow);
    if (hec || op.abort != Abort::kNone)
      co_return op.Failure(
          ErrorKind::kUpstream, "connection_lost",
          "reading the response head from " + op.authority + " failed: " + hec.message());
    if (op.callbacks.on_head) {
      std::map<std::string, std::string> headers;
      for (const auto& f : parser.get()) {
        auto& v = headers[Lower(f.name_string())];
        v += v.empty() ? std::string(f.value()) : ", " + std::string(f.value());
      }
      op.callbacks.on_head(parser.get().result_int(), headers);
    }

    std::vector<char> chunk(kReadChunk);
    std::size_t total = 0;
    while (!parser.is_done()) {
      if (op.abort != Abort::kNone)
        co_return op.Failure(ErrorKind::kInternal, "aborted", "aborted");
      op.Arm(r.idle_timeout_ms, Phase::kIdle);
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, kNoThrow);
      if (ec == http::error::need_buffer) ec = {};
      if (ec == ssl::error::stream_truncated && !parser.chunked() && !parser.content_length()) {
        parser.put_eof(ec);  // TLS peers often skip close_notify on close-delimited bodies
      }
      std::size_t got = chunk.size() - parser.get().body().size;
      if (op.abort != Abort::kNone)
        co_return op.Failure(ErrorKind::kInternal, "aborted", ec.message());
      if (got > 0) {
        total += got;
        if (r.max_body_bytes && total > r.max_body_bytes) {
          op.Stop(Abort::kTooLarge);
          co_return op.Failure(ErrorKind::kTooLarge, "body_too_large", "");
        }
        // The flag, not just `abort`: a cancel from another thread is visible at once.
        if (op.callbacks.on_data && !op.cancel.IsCancelled())
          op.callbacks.on_data(std::string_view(chunk.data(), got));
      }
      if (ec)
        co_return op.Failure(ErrorKind::kUpstream, "connection_lost",
                             "connection to " + op.authority + " broke after " +
                                 std::to_string(total) + " body bytes: " + ec.message());
    }
    co_return std::nullopt;
  }

  static awaitable<void> Run(std::shared_ptr<Op> self) {
    Op& op = *self;
    std::optional<Error> result;
    try {
      result = co_await Connect(op);
    } catch (const Error& e) {
      result = e;
    } catch (const std::exception& e) {
      result = Error(ErrorKind::kInternal, "exception", e.what());
    }
    Complete(op, std::move(result));
  }

  static awaitable<std::optional<Error>> Connect(Op& op) {
    HttpUrl url = HttpUrl::Parse(op.request.url);
    op.authority = url.Authority();
    if (op.abort != Abort::kNone) co_return op.Failure(ErrorKind::kInternal, "aborted", "");
    op.Arm(op.request.connect_timeout_ms, Phase::kConnect);
    auto [rec, endpoints] =
        co_await op.resolver.async_resolve(url.host, std::to_string(url.port), kNoThrow);
    if (rec || op.abort != Abort::kNone)
      co_return op.Failure(ErrorKind::kUnavailable, "dns_failed",
                           "cannot resolve host '" + url.host + "': " + rec.message());
    auto [cec, ep] = co_await asio::async_connect(op.socket, endpoints, kNoThrow);
    if (cec || op.abort != Abort::kNone)
      co_return op.Failure(ErrorKind::kUnavailable, "connect_failed",
                           "cannot connect to " + op.authority + ": " + cec.message());
    boost::system::error_code ignored;
    op.socket.set_option(tcp::no_delay(true), ignored);
    if (!url.tls) co_return co_await Exchange(op, op.socket, url);

    op.tls_context = ClientTlsContext(op.request.ca_file);
    op.tls.emplace(op.socket, *op.tls_context);
    PrepareClientTls(op.tls->native_handle(), url, op.request.verify_tls);
    auto [tec] = co_await op.tls->async_handshake(ssl::stream_base::client, kNoThrow);
    if (tec || op.abort != Abort::kNone)
      co_return op.Failure(ErrorKind::kUnavailable, "tls_failed",
                           DescribeTlsFailure(op.tls->native_handle(), tec, op.authority, "http"));
    co_return co_await Exchange(op, *op.tls, url);
  }
};

HttpClient::HttpClient(int io_threads) : HttpClient(std::make_shared<NetIo>(io_threads)) {}

HttpClient::HttpClient(std::shared_ptr<NetIo> net)
    : timers_(std::make_unique<TimerQueue>(net)), impl_(std::make_shared<Impl>(std::move(net))) {}

HttpClient::~HttpClient() {
  timers_->Stop();  // pending RunAfter deadlines are dropped unrun; later ones ignored
  std::vector<std::shared_ptr<Impl::Op>> live;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    for (auto& [id, weak] : impl_->ops)
      if (auto op = weak.lock()) live.push_back(std::move(op));
  }
  for (auto& op : live) asio::post(op->strand, [op] { op->Stop(Abort::kShutdown); });
  live.clear();
  // Every request still gets its on_complete before the owner's state goes.
  std::unique_lock lock(impl_->mutex);
  if (!impl_->ops_cv.wait_for(lock, std::chrono::seconds(5), [&] { return impl_->ops.empty(); }))
    spdlog::warn("HTTP client: {} request(s) still ending at shutdown", impl_->ops.size());
}

const std::shared_ptr<NetIo>& HttpClient::io() const { return impl_->net; }

void HttpClient::Stream(ClientRequest request, CancelToken cancel, ClientCallbacks callbacks) {
  auto op = std::make_shared<Impl::Op>(impl_, impl_->ioc);
  op->request = std::move(request);
  op->cancel = cancel;
  op->callbacks = std::move(callbacks);
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->stopping) {
      op->id = ++impl_->next_id;
      impl_->ops[op->id] = op;
    }
  }
  if (op->id == 0) {
    if (op->callbacks.on_complete)
      op->callbacks.on_complete(
          Error(ErrorKind::kCancelled, "client_shutdown", "HTTP client shut down"));
    return;
  }
  std::weak_ptr<Impl::Op> weak = op;
  op->cancel_hook = cancel.OnCancel([weak] {
    if (auto o = weak.lock()) asio::post(o->strand, [o] { o->Stop(Abort::kCancelled); });
  });
  asio::co_spawn(op->strand, Impl::Run(op), asio::detached);
}

ClientResponse HttpClient::Fetch(const ClientRequest& request, const CancelToken& cancel) {
  if (impl_->ioc.get_executor().running_in_this_thread())
    throw Error(ErrorKind::kInternal, "fetch_on_io_thread",
                "HttpClient::Fetch called from the client's own I/O thread");
  std::mutex mutex;  // guards response, error, done
  std::condition_variable cv;
  ClientResponse response;
  std::optional<Error> error;
  bool done = false;
  FetchAsync(request, cancel, [&](ClientResponse r, std::optional<Error> e) {
    std::lock_guard lock(mutex);
    response = std::move(r);
    error = std::move(e);
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return done; });
  if (error) throw *error;
  return response;
}

void HttpClient::FetchAsync(ClientRequest request, CancelToken cancel, FetchDone done) {
  // The callbacks run one at a time on the request's strand.
  auto response = std::make_shared<ClientResponse>();
  ClientCallbacks cb;
  cb.on_head = [response](int status, const std::map<std::string, std::string>& headers) {
    response->status = status;
    response->headers = headers;
  };
  cb.on_data = [response](std::string_view data) { response->body.append(data); };
  cb.on_complete = [response, done = std::move(done)](std::optional<Error> e) {
    done(std::move(*response), std::move(e));
  };
  Stream(std::move(request), std::move(cancel), std::move(cb));
}

void HttpClient::RunAfter(int delay_ms, std::function<void()> fn) {
  timers_->RunAfter(delay_ms, std::move(fn));
}

int HttpClient::active() const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(impl_->ops.size());
}

}  // namespace mv
