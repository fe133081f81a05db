#include "audio/ffmpeg-encoder.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>

#include "audio/ffmpeg-util.h"
#include "audio/resampler.h"
#include "common/error.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace mv {
namespace {

using ffmpeg::ErrorString;

void Check(int ret, const char* what) {
  if (ret < 0) {
    throw Error(ErrorKind::kInternal, "encode_failed",
                std::string("audio encoding failed in ") + what + ": " + ErrorString(ret));
  }
}

// The input rate if the codec takes it, else the smallest supported rate
// above it (no detail lost), else the largest.
int PickRate(const AVCodec* codec, int rate) {
  const int* rates = codec->supported_samplerates;
  if (!rates) return rate;
  int above = INT_MAX;
  int largest = 0;
  for (; *rates; ++rates) {
    if (*rates == rate) return rate;
    if (*rates > rate) above = std::min(above, *rates);
    largest = std::max(largest, *rates);
  }
  return above != INT_MAX ? above : largest;
}

AVSampleFormat PickSampleFormat(const AVCodec* codec) {
  static constexpr AVSampleFormat kPreferred[] = {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT,
                                                  AV_SAMPLE_FMT_S16,  AV_SAMPLE_FMT_S16P,
                                                  AV_SAMPLE_FMT_S32,  AV_SAMPLE_FMT_S32P};
  const AVSampleFormat* formats = codec->sample_fmts;
  if (!formats) return AV_SAMPLE_FMT_FLTP;
  for (AVSampleFormat want : kPreferred) {
    for (const AVSampleFormat* f = formats; *f != AV_SAMPLE_FMT_NONE; ++f) {
      if (*f == want) return want;
    }
  }
  throw Error(ErrorKind::kUnsupported, "unsupported_format",
              std::string("no usable sample format for encoder ") + codec->name);
}

float Clamp(float x) { return x > 1.0f ? 1.0f : (x < -1.0f ? -1.0f : (x == x ? x : 0.0f)); }

// Mono, so planar and packed layouts are the same single plane.
void FillPlane(AVSampleFormat format, const float* in, int n, std::uint8_t* out) {
  switch (av_get_packed_sample_fmt(format)) {
    case AV_SAMPLE_FMT_FLT: {
      auto* dst = reinterpret_cast<float*>(out);
      for (int i = 0; i < n; ++i) dst[i] = Clamp(in[i]);
      break;
    }
    case AV_SAMPLE_FMT_S16: {
      auto* dst = reinterpret_cast<std::int16_t*>(out);
      for (int i = 0; i < n; ++i) {
        dst[i] = static_cast<std::int16_t>(std::lrint(Clamp(in[i]) * 32767.0f));
      }
      break;
    }
    case AV_SAMPLE_FMT_S32: {
      auto* dst = reinterpret_cast<std::int32_t*>(out);
      for (int i = 0; i < n; ++i) {
        dst[i] = static_cast<std::int32_t>(std::lrint(Clamp(in[i]) * 2147483647.0));
      }
      break;
    }
    default:
      throw Error(ErrorKind::kInternal, "encode_failed", "unexpected sample format");
  }
}

class Encoder {
 public:
  Encoder(const AudioBuffer& audio, const FfmpegTarget& target) : target_(target) {
    codec_ = avcodec_find_encoder_by_name(target.codec);
    if (!codec_) {
      throw Error(ErrorKind::kUnsupported, "unsupported_format",
                  std::string("this FFmpeg build has no ") + target.codec + " encoder");
    }
    const int rate = PickRate(codec_, audio.sample_rate);
    if (rate != audio.sample_rate) {
      resampled_ = Resample(audio, rate);
      audio_ = &resampled_;
    } else {
      audio_ = &audio;
    }
  }

  std::string Run() {
    OpenMuxerAndCodec();
    const auto& samples = audio_->samples;
    const bool fixed_size = !(codec_->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE);
    const bool small_last = codec_->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME;
    const int frame_size = ctx_->frame_size > 0 ? ctx_->frame_size : 4096;
    for (std::size_t pos = 0; pos < samples.size(); pos += frame_size) {
      const int n = static_cast<int>(std::min<std::size_t>(frame_size, samples.size() - pos));
      // Without small-last-frame support the tail is padded with silence.
      const int allocated = (fixed_size && !small_last) ? frame_size : n;
      SendFrame(samples.data() + pos, n, allocated, static_cast<std::int64_t>(pos));
    }
    Check(avcodec_send_frame(ctx_.get(), nullptr), "avcodec_send_frame(flush)");
    WritePackets();
    Check(av_write_trailer(format_.get()), "av_write_trailer");
    avio_flush(io_.get());
    return std::move(writer_.data);
  }

 private:
  void OpenMuxerAndCodec() {
    AVFormatContext* raw = nullptr;
    Check(avformat_alloc_output_context2(&raw, nullptr, target_.muxer, nullptr),
          "avformat_alloc_output_context2");
    format_.reset(raw);
    io_ = ffmpeg::MakeWriteContext(&writer_);
    format_->pb = io_.get();
    format_->flags |= AVFMT_FLAG_CUSTOM_IO;
    // Reproducible bytes: no encoder version strings or creation times.
    format_->flags |= AVFMT_FLAG_BITEXACT;

    ctx_.reset(avcodec_alloc_context3(codec_));
    if (!ctx_) throw Error(ErrorKind::kInternal, "out_of_memory", "avcodec_alloc_context3");
    ctx_->sample_rate = audio_->sample_rate;
    ctx_->sample_fmt = PickSampleFormat(codec_);
    av_channel_layout_default(&ctx_->ch_layout, 1);
    ctx_->time_base = AVRational{1, audio_->sample_rate};
    if (target_.bit_rate > 0) ctx_->bit_rate = target_.bit_rate;
    // Containers such as Ogg, MP4, WebM carry codec setup out of band.
    if (format_->oformat->flags & AVFMT_GLOBALHEADER) ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    Check(avcodec_open2(ctx_.get(), codec_, nullptr), "avcodec_open2");

    stream_ = avformat_new_stream(format_.get(), nullptr);
    if (!stream_) throw Error(ErrorKind::kInternal, "out_of_memory", "avformat_new_stream");
    Check(avcodec_parameters_from_context(stream_->codecpar, ctx_.get()),
          "avcodec_parameters_from_context");
    stream_->time_base = ctx_->time_base;
    Check(avformat_write_header(format_.get(), nullptr), "avformat_write_header");
    packet_ = ffmpeg::MakePacket();
  }

  void SendFrame(const float* samples, int n, int allocated, std::int64_t pts) {
    ffmpeg::FramePtr frame = ffmpeg::MakeFrame();
    frame->nb_samples = allocated;
    frame->format = ctx_->sample_fmt;
    frame->sample_rate = ctx_->sample_rate;
    Check(av_channel_layout_copy(&frame->ch_layout, &ctx_->ch_layout), "av_channel_layout_copy");
    Check(av_frame_get_buffer(frame.get(), 0), "av_frame_get_buffer");
    FillPlane(ctx_->sample_fmt, samples, n, frame->data[0]);
    if (allocated > n) {
      const int bytes = av_get_bytes_per_sample(ctx_->sample_fmt);
      std::memset(frame->data[0] + n * bytes, 0, static_cast<std::size_t>(allocated - n) * bytes);
    }
    frame->pts = pts;
    Check(avcodec_send_frame(ctx_.get(), frame.get()), "avcodec_send_frame");
    WritePackets();
  }

  void WritePackets() {
    for (;;) {
      const int ret = avcodec_receive_packet(ctx_.get(), packet_.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      Check(ret, "avcodec_receive_packet");
      av_packet_rescale_ts(packet_.get(), ctx_->time_base, stream_->time_base);
      packet_->stream_index = stream_->index;
      // Takes ownership of the packet's data and unrefs it.
      Check(av_interleaved_write_frame(format_.get(), packet_.get()), "av_interleaved_write_frame");
    }
  }

  FfmpegTarget target_;
  const AVCodec* codec_ = nullptr;
  AudioBuffer resampled_;
  const AudioBuffer* audio_ = nullptr;
  ffmpeg::MemoryWriter writer_;
  // Declared before format_ so the format context goes first.
  ffmpeg::IoContextPtr io_;
  ffmpeg::OutputFormatPtr format_;
  ffmpeg::CodecContextPtr ctx_;
  AVStream* stream_ = nullptr;  // owned by format_
  ffmpeg::PacketPtr packet_;
};

}  // namespace

std::string EncodeWithFfmpeg(const AudioBuffer& audio, const FfmpegTarget& target) {
  ffmpeg::QuietLogs();
  return Encoder(audio, target).Run();
}

}  // namespace mv
