#include "audio/audio-decoder.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "audio/ffmpeg-util.h"
#include "audio/resampler.h"
#include "common/error.h"

extern "C" {
#include <libavutil/avstring.h>
#include <libavutil/channel_layout.h>
}

namespace mv {
namespace {

using ffmpeg::ErrorString;

// Audio demuxers only: a whitelist keeps playlist/concat/image demuxers (and
// their attack surface) away from uploads.
constexpr char kDemuxers[] =
    "wav,w64,aiff,caf,au,flac,mp3,aac,ogg,matroska,webm,mov,mp4,m4a,3gp,amr,amrnb,amrwb,wv";
// Bytes FFmpeg may read to recognise the format and find stream parameters.
constexpr int kProbeBytes = 1 << 20;
// Below this probe score a guess is too weak to believe (FFmpeg's own retry
// threshold): random bytes sometimes look like a couple of MP3 frames.
constexpr int kMinProbeScore = AVPROBE_SCORE_RETRY;
// A file whose channel count is absurd is corrupt, not audio.
constexpr int kMaxChannels = 64;

bool StartsWith(std::string_view bytes, std::string_view magic, std::size_t offset = 0) {
  return bytes.size() >= offset + magic.size() && bytes.substr(offset, magic.size()) == magic;
}

// Magic of containers we decode: if one is present and FFmpeg still fails,
// the file was most likely cut short rather than not audio at all.
bool HasContainerMagic(std::string_view b) {
  return StartsWith(b, "RIFF") || StartsWith(b, "RF64") || StartsWith(b, "FORM") ||
         StartsWith(b, "fLaC") || StartsWith(b, "OggS") || StartsWith(b, "ID3") ||
         StartsWith(b, "\x1A\x45\xDF\xA3") || StartsWith(b, "ftyp", 4) || StartsWith(b, "caff");
}

[[noreturn]] void Fail(ErrorKind kind, const char* code, const std::string& message) {
  throw Error(kind, code, message);
}

// A known container that FFmpeg cannot read is "truncated"; anything else is
// "not_audio".
[[noreturn]] void FailUnreadable(std::string_view bytes, const std::string& detail) {
  if (HasContainerMagic(bytes)) {
    Fail(ErrorKind::kInvalidInput, "truncated", "audio file is truncated or corrupt: " + detail);
  }
  Fail(ErrorKind::kInvalidInput, "not_audio", "input is not a recognised audio file: " + detail);
}

[[noreturn]] void FailRate(long long rate, const AudioConfig& limits) {
  Fail(ErrorKind::kInvalidInput, "unsupported_sample_rate",
       "audio sample rate " + std::to_string(rate) + " Hz is outside the accepted " +
           std::to_string(limits.min_sample_rate) + "-" + std::to_string(limits.max_sample_rate) +
           " Hz (audio.min_sample_rate, audio.max_sample_rate)");
}

void CheckRate(long long rate, const AudioConfig& limits) {
  if (rate < limits.min_sample_rate || rate > limits.max_sample_rate) FailRate(rate, limits);
}

std::uint32_t ReadLe32(std::string_view b, std::size_t offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + offset);
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

// FFmpeg accepts a cut WAV (inside its header, or a data chunk shorter than
// its size says) and decodes what is there; name that case "truncated" here.
// A "data" size of 0 or 0xFFFFFFFF means "unknown length, read to the end"
// (streaming writers). The declared rate of the "fmt " chunk is checked here
// too, before FFmpeg allocates anything for it.
void CheckWavHeader(std::string_view b, const AudioConfig& limits) {
  if (!StartsWith(b, "RIFF")) return;
  if (b.size() < 12) Fail(ErrorKind::kInvalidInput, "truncated", "WAV file cut inside its header");
  if (!StartsWith(b, "WAVE", 8)) return;  // another RIFF type; FFmpeg decides
  std::size_t offset = 12;
  while (offset + 8 <= b.size()) {
    const std::uint32_t size = ReadLe32(b, offset + 4);
    if (StartsWith(b, "fmt ", offset) && size >= 8 && offset + 16 <= b.size())
      CheckRate(ReadLe32(b, offset + 12), limits);
    if (StartsWith(b, "data", offset)) {
      const std::size_t held = b.size() - (offset + 8);
      // 0 and 0xFFFFFFFF mean "length unknown" (streaming writers): read on.
      const bool unknown = size == 0 || size == 0xFFFFFFFFu;
      if (held == 0 && size == 0)
        Fail(ErrorKind::kInvalidInput, "empty_audio", "WAV file holds no samples");
      // A cut upload: decoding what is there would answer for half a question.
      if (!unknown && held < size)
        Fail(ErrorKind::kInvalidInput, "truncated",
             "WAV header promises " + std::to_string(size) + " bytes of samples but only " +
                 std::to_string(held) + " follow");
      if (held == 0)
        Fail(ErrorKind::kInvalidInput, "truncated", "WAV file ends before its samples");
      return;
    }
    offset += 8 + static_cast<std::size_t>(size) + (size & 1);  // chunks are word-aligned
  }
  Fail(ErrorKind::kInvalidInput, "truncated", "WAV file ends before its data chunk");
}

// Stops demuxers (hls, dash, mov references...) from opening anything else.
int RefuseIoOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

class Decoder {
 public:
  Decoder(std::string_view bytes, const AudioConfig& limits, int target_rate)
      : bytes_(bytes), limits_(limits), target_rate_(target_rate), reader_{bytes, 0} {}

  AudioBuffer Run() {
    OpenInput();
    OpenCodec();
    ReadAll();
    if (samples_.empty()) {
      FailUnreadable(bytes_, "no decodable audio samples (" + std::to_string(decode_errors_) +
                                 " decode errors)");
    }
    AudioBuffer out;
    out.samples = std::move(samples_);
    out.sample_rate = OutputRate();
    return out;
  }

 private:
  void OpenInput() {
    io_ = ffmpeg::MakeReadContext(&reader_);
    const AVInputFormat* format = nullptr;
    const int score = av_probe_input_buffer2(io_.get(), &format, "", nullptr, 0, kProbeBytes);
    if (score < 0 || !format) FailUnreadable(bytes_, "format not recognised");
    if (av_match_list(format->name, kDemuxers, ',') <= 0) {
      Fail(ErrorKind::kInvalidInput, "not_audio",
           std::string("input is not an audio file (looks like ") + format->name + ")");
    }
    if (score < kMinProbeScore) FailUnreadable(bytes_, "format not recognised");

    AVFormatContext* ctx = avformat_alloc_context();
    if (!ctx) Fail(ErrorKind::kInternal, "out_of_memory", "avformat_alloc_context failed");
    ctx->pb = io_.get();
    ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
    ctx->probesize = kProbeBytes;
    ctx->max_analyze_duration = 5 * AV_TIME_BASE;
    ctx->io_open = RefuseIoOpen;
    AVDictionary* options = nullptr;
    av_dict_set(&options, "format_whitelist", kDemuxers, 0);
    // On failure avformat_open_input frees ctx and nulls it.
    int ret = avformat_open_input(&ctx, nullptr, format, &options);
    av_dict_free(&options);
    if (ret < 0) FailUnreadable(bytes_, "cannot read container header: " + ErrorString(ret));
    format_.reset(ctx);

    // Raw streams (ADTS, MP3 without header) learn rate and channels here.
    avformat_find_stream_info(format_.get(), nullptr);
    const AVCodec* codec = nullptr;
    ret = av_find_best_stream(format_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (ret == AVERROR_DECODER_NOT_FOUND) {
      Fail(ErrorKind::kUnsupported, "unsupported_codec", "no decoder for this audio codec");
    }
    if (ret < 0) Fail(ErrorKind::kInvalidInput, "not_audio", "file has no audio stream");
    stream_index_ = ret;
    codec_ = codec;
    for (unsigned i = 0; i < format_->nb_streams; ++i) {
      if (static_cast<int>(i) != stream_index_) format_->streams[i]->discard = AVDISCARD_ALL;
    }
  }

  void OpenCodec() {
    AVStream* stream = format_->streams[stream_index_];
    // Before the codec allocates buffers for it; 0 = learned from frames.
    if (stream->codecpar->sample_rate != 0) CheckRate(stream->codecpar->sample_rate, limits_);
    codec_ctx_.reset(avcodec_alloc_context3(codec_));
    if (!codec_ctx_) Fail(ErrorKind::kInternal, "out_of_memory", "avcodec_alloc_context3 failed");
    int ret = avcodec_parameters_to_context(codec_ctx_.get(), stream->codecpar);
    if (ret < 0) FailUnreadable(bytes_, "bad codec parameters: " + ErrorString(ret));
    codec_ctx_->pkt_timebase = stream->time_base;
    ret = avcodec_open2(codec_ctx_.get(), codec_, nullptr);
    if (ret < 0) FailUnreadable(bytes_, "cannot open decoder: " + ErrorString(ret));
    packet_ = ffmpeg::MakePacket();
    frame_ = ffmpeg::MakeFrame();
  }

  // A read error mid-file (a cut upload) ends the stream: keep what decoded.
  void ReadAll() {
    while (av_read_frame(format_.get(), packet_.get()) >= 0) {
      if (packet_->stream_index == stream_index_) {
        if (avcodec_send_packet(codec_ctx_.get(), packet_.get()) < 0) ++decode_errors_;
        av_packet_unref(packet_.get());
        Drain();
      } else {
        av_packet_unref(packet_.get());
      }
    }
    avcodec_send_packet(codec_ctx_.get(), nullptr);
    Drain();
    if (swr_ && swr_in_rate_ != rate_) Convert(nullptr, 0);  // resampler's tail
    if (resampler_) Keep(resampler_->Flush());
  }

  int OutputRate() const { return target_rate_ > 0 ? target_rate_ : rate_; }

  void Drain() {
    for (;;) {
      const int ret = avcodec_receive_frame(codec_ctx_.get(), frame_.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      if (ret < 0) {
        ++decode_errors_;
        return;
      }
      Append(*frame_);
      av_frame_unref(frame_.get());
    }
  }

  void Append(const AVFrame& frame) {
    const int channels = frame.ch_layout.nb_channels;
    if (frame.nb_samples <= 0 || channels <= 0 || channels > kMaxChannels ||
        frame.sample_rate <= 0) {
      ++decode_errors_;
      return;
    }
    if (frame.sample_rate < limits_.min_sample_rate || frame.sample_rate > limits_.max_sample_rate)
      FailRate(frame.sample_rate, limits_);
    if (rate_ == 0) {
      rate_ = frame.sample_rate;
      max_samples_ = static_cast<std::size_t>(std::ceil(limits_.max_seconds * OutputRate()));
      if (OutputRate() != rate_) resampler_ = std::make_unique<Resampler>(rate_, OutputRate());
    }
    if (!swr_ || frame.format != swr_in_format_ || frame.sample_rate != swr_in_rate_ ||
        channels != swr_channels_) {
      // Parameters changed mid-stream (chained Ogg): keep the first rate.
      if (swr_ && swr_in_rate_ != rate_) Convert(nullptr, 0);
      InitSwr(frame, channels);
    }
    Convert(const_cast<const std::uint8_t**>(frame.extended_data), frame.nb_samples);
  }

  // Format conversion only: same channels in and out, averaged by us, since
  // swresample's downmix weights channels rather than averaging them.
  void InitSwr(const AVFrame& frame, int channels) {
    AVChannelLayout layout;
    av_channel_layout_default(&layout, channels);
    SwrContext* swr = nullptr;
    int ret = swr_alloc_set_opts2(&swr, &layout, AV_SAMPLE_FMT_FLTP, rate_, &layout,
                                  static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0,
                                  nullptr);
    av_channel_layout_uninit(&layout);
    swr_.reset(swr);
    if (ret < 0 || (ret = swr_init(swr)) < 0) {
      FailUnreadable(bytes_, "unsupported sample format: " + ErrorString(ret));
    }
    swr_in_format_ = frame.format;
    swr_in_rate_ = frame.sample_rate;
    swr_channels_ = channels;
  }

  void Convert(const std::uint8_t** in, int in_samples) {
    const int capacity = swr_get_out_samples(swr_.get(), in_samples);
    if (capacity <= 0) return;
    planes_.resize(static_cast<std::size_t>(capacity) * swr_channels_);
    std::vector<std::uint8_t*> pointers(swr_channels_);
    for (int c = 0; c < swr_channels_; ++c) {
      pointers[c] = reinterpret_cast<std::uint8_t*>(planes_.data() + c * capacity);
    }
    const int n = swr_convert(swr_.get(), pointers.data(), capacity, in, in_samples);
    if (n < 0) {
      ++decode_errors_;
      return;
    }
    const float scale = 1.0f / swr_channels_;
    mono_.clear();
    for (int i = 0; i < n; ++i) {
      float sum = 0.0f;
      for (int c = 0; c < swr_channels_; ++c) sum += planes_[c * capacity + i];
      // Float files can carry NaN/inf; later stages must never see them.
      mono_.push_back(std::isfinite(sum) ? sum * scale : 0.0f);
    }
    if (resampler_) {
      Keep(resampler_->Process(mono_.data(), mono_.size()));
    } else {
      Keep(mono_);
    }
  }

  // Output samples, at the output rate: the duration limit is checked as
  // they arrive, so decoding stops once it is passed.
  void Keep(const std::vector<float>& out) {
    samples_.insert(samples_.end(), out.begin(), out.end());
    if (samples_.size() > max_samples_) {
      std::ostringstream limit;
      limit << limits_.max_seconds;
      Fail(ErrorKind::kTooLarge, "too_long",
           "audio is longer than the " + limit.str() + " s limit (audio.max_seconds)");
    }
  }

  std::string_view bytes_;
  const AudioConfig& limits_;
  int target_rate_;
  std::unique_ptr<Resampler> resampler_;  // file rate -> target_rate_, when they differ
  std::vector<float> mono_;               // one converted frame, downmixed
  ffmpeg::MemoryReader reader_;
  // Declared before format_ so the format context is closed first.
  ffmpeg::IoContextPtr io_;
  ffmpeg::InputFormatPtr format_;
  const AVCodec* codec_ = nullptr;
  ffmpeg::CodecContextPtr codec_ctx_;
  ffmpeg::PacketPtr packet_;
  ffmpeg::FramePtr frame_;
  ffmpeg::SwrPtr swr_;
  int stream_index_ = -1;
  int swr_in_format_ = -1;
  int swr_in_rate_ = 0;
  int swr_channels_ = 0;
  int rate_ = 0;  // output rate: the first decoded frame's
  std::size_t max_samples_ = 0;
  int decode_errors_ = 0;
  std::vector<float> planes_;  // swr output, channel after channel
  std::vector<float> samples_;
};

}  // namespace

AudioBuffer DecodeAudio(std::string_view bytes, const AudioConfig& limits, int target_rate) {
  if (bytes.empty()) Fail(ErrorKind::kInvalidInput, "empty_audio", "audio input is empty");
  if (bytes.size() > limits.max_bytes) {
    Fail(ErrorKind::kTooLarge, "too_large",
         "audio is " + std::to_string(bytes.size()) + " bytes; the limit is " +
             std::to_string(limits.max_bytes) + " (audio.max_bytes)");
  }
  if (target_rate < 0 || target_rate > 768000)
    Fail(ErrorKind::kInternal, "bad_sample_rate", "DecodeAudio: bad target rate");
  CheckWavHeader(bytes, limits);
  ffmpeg::QuietLogs();
  return Decoder(bytes, limits, target_rate).Run();
}

}  // namespace mv
