#include "net/net-io.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>

namespace mv {

namespace asio = boost::asio;

struct NetIo::Impl {
  asio::io_context ioc;
  // Keeps run() going while nothing is pending; dropped by the destructor.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{
      ioc.get_executor()};
};

NetIo::NetIo(int threads) : impl_(std::make_unique<Impl>()) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([impl = impl_.get()] {
      // A handler's escaping exception costs that handler, never the thread.
      for (;;) {
        try {
          impl->ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("network I/O: unexpected exception: {}", e.what());
        } catch (...) {
          spdlog::error("network I/O: unexpected exception");
        }
      }
    });
  }
}

NetIo::~NetIo() {
  impl_->work.reset();
  // Owners are gone: what is still queued (cancelled timers, closed
  // sockets' last completions) is dropped with the context.
  impl_->ioc.stop();
  bool inside = false;
  for (auto& t : threads_) {
    // The last owner went away inside a handler (a request that outlived
    // its client): that thread ends on its own once the handler returns,
    // still inside run(), so the context must outlive it: leak it.
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();
      inside = true;
    } else {
      t.join();
    }
  }
  if (inside) static_cast<void>(impl_.release());
}

asio::io_context& NetIo::context() { return impl_->ioc; }

bool NetIo::InThisContext() const {
  const auto me = std::this_thread::get_id();
  return std::any_of(threads_.begin(), threads_.end(),
                     [&](const std::thread& t) { return t.get_id() == me; });
}

}  // namespace mv
