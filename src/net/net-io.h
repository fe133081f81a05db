// The network I/O context: one asio::io_context and the threads that run it.
// The Runtime creates one and hands it to the HTTP server and, through its
// HttpClient, to every engine and client that talks to the network (LLM,
// remote TTS/ASR, WebSocket engines, MCP over HTTP, health checks), so the
// whole server has one set of I/O threads. Standalone users (tests, the CLI)
// make their own.
//
// Ownership: whoever creates it destroys it last, after everything that
// posts work to it; never from one of its own threads (it joins them).
#pragma once

#include <memory>
#include <thread>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace mv {

class NetIo {
 public:
  explicit NetIo(int threads = 1);  // threads <= 0: 1
  ~NetIo();                         // stops the context, joins the threads
  NetIo(const NetIo&) = delete;
  NetIo& operator=(const NetIo&) = delete;

  boost::asio::io_context& context();
  int threads() const { return static_cast<int>(threads_.size()); }
  // True on one of this context's threads (destroying an owner there would
  // join the thread it runs on).
  bool InThisContext() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::thread> threads_;
};

}  // namespace mv
