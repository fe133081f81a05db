// The pocketsphinx decoders of one loaded model, lent one at a time.
//
// Ownership: the pool owns its decoders (each with its own copy of the
// model) and frees them when the last owner goes: the AsrPocketsphinx engine
// and every open stream hold it shared, so a stream still decoding when the
// engine is destroyed keeps its decoder valid. A Lease gives its decoder back
// when it is destroyed.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "asr/asr-config.h"
#include "common/cancel-token.h"

struct ps_decoder_s;  // pocketsphinx.h stays out of our headers

namespace mv {

class PocketsphinxDecoders : public std::enable_shared_from_this<PocketsphinxDecoders> {
 public:
  // One borrowed decoder; gives it back when destroyed. Empty when default
  // constructed or when TryBorrow() found none free.
  class Lease {
   public:
    Lease() = default;
    Lease(std::shared_ptr<PocketsphinxDecoders> pool, ps_decoder_s* decoder)
        : pool_(std::move(pool)), decoder_(decoder) {}
    Lease(Lease&& other) noexcept { *this = std::move(other); }
    Lease& operator=(Lease&& other) noexcept;
    ~Lease() { Release(); }

    ps_decoder_s* get() const { return decoder_; }
    explicit operator bool() const { return decoder_ != nullptr; }

   private:
    void Release();
    std::shared_ptr<PocketsphinxDecoders> pool_;
    ps_decoder_s* decoder_ = nullptr;
  };

  // Loads config.pool_size decoders. Throws mv::Error: kUnsupported for a
  // language other than English, kUnavailable when the model files are
  // missing or fail to load.
  static std::shared_ptr<PocketsphinxDecoders> Load(const AsrConfig& config);
  ~PocketsphinxDecoders();
  PocketsphinxDecoders(const PocketsphinxDecoders&) = delete;
  PocketsphinxDecoders& operator=(const PocketsphinxDecoders&) = delete;

  // Waits (cancellably: kCancelled) for a free decoder.
  Lease Borrow(const CancelToken& cancel);
  // A free decoder now, or an empty lease.
  Lease TryBorrow();
  // The model's cepstral mean (-cmninit): the fallback for a clip too short
  // to give one frame.
  const std::vector<float>& initial_cmn() const { return initial_cmn_; }

 private:
  explicit PocketsphinxDecoders(const AsrConfig& config);
  void GiveBack(ps_decoder_s* decoder);

  std::vector<ps_decoder_s*> decoders_;  // all of them, for the destructor
  std::vector<float> initial_cmn_;
  std::mutex mutex_;              // guards idle_
  std::condition_variable idle_cv_;  // signalled when a decoder goes back to idle_
  std::vector<ps_decoder_s*> idle_;
};

}  // namespace mv
