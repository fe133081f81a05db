// The HTTP plumbing the remote TTS engines share: requests with the pool's
// timeouts, and one streamed synthesis request as a coroutine (no thread
// waits on it), its audio decoded and passed on as it arrives, on the
// network I/O thread that received it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "audio/wav-stream-parser.h"
#include "common/cancel-token.h"
#include "common/error.h"
#include "common/task.h"
#include "net/http-client.h"
#include "net/remote-pool.h"
#include "tts/speech-output.h"

namespace mv {

// Maps a non-200 answer (status, body) to the engine's typed error.
using HttpErrorMapper = std::function<Error(int status, const std::string& body)>;

// `base` (trailing slashes dropped) + `path` ("/tts").
std::string JoinUrl(std::string base, std::string_view path);
// Percent-encodes everything but unreserved characters, for query values.
std::string QueryEscape(std::string_view value);
// A request to `url` with the pool's connect / first-byte / idle timeouts.
ClientRequest PoolRequest(const RemotePoolConfig& pool, std::string method, std::string url);
// A JSON request body with its content type set.
ClientRequest JsonRequest(const RemotePoolConfig& pool, std::string url, std::string json);

// What an attempt held when its answer ended, for engines whose servers
// answer a failure with plain silence.
struct SpeechEnd {
  int wire_rate = 0;           // the answer's own sample rate
  std::size_t audio = 0;       // samples passed on before the trailing zeros
  std::size_t held_zeros = 0;  // trailing zeros not passed on yet
};
// May throw to fail the attempt instead of passing the held zeros on.
using SpeechEndCheck = std::function<void(const SpeechEnd& end)>;

// Runs `request`; a 200 body is decoded by `parser` and goes to `out` as
// it arrives (BeginAttempt/EndAttempt are called here). Another status
// throws map_error(status, body); transport failures throw the client's
// errors (kUpstream for a stream cut mid-way, so the pool fails over); a 200
// that ends (or drops) before one body byte throws kUpstream
// "empty_stream" (servers that start the answer before checking the
// request do that); `out` refusing more throws kCancelled. `parser` and
// `out` live in the caller's frame, which awaits this.
Task<void> StreamSpeechAsync(HttpClient& client, ClientRequest request, CancelToken cancel,
                             WavStreamParser parser, HttpErrorMapper map_error, SpeechOutput& out,
                             SpeechEndCheck check_end = nullptr);

// A small JSON exchange (weights, speaker latents): the body of a 200, or
// map_error(status, body) thrown.
Task<std::string> FetchOkAsync(HttpClient& client, ClientRequest request, CancelToken cancel,
                               HttpErrorMapper map_error);

// FNV-1a 64: names for cached voices (not for security).
uint64_t Fnv1a64(std::string_view bytes);

// The start of a body for error messages: one line, at most 300 bytes.
std::string BodySnippet(std::string_view body);

}  // namespace mv
