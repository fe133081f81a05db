// Internal helpers shared by the FFmpeg-based decoder and encoder: owning
// pointers for libav* objects and AVIOContexts over memory, so neither ever
// touches a file or a URL. Not part of the audio layer's public API.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
}

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mv::ffmpeg {

struct InputFormatDeleter {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
// Output contexts are not "opened" by avformat, so they are freed, not closed.
struct OutputFormatDeleter {
  void operator()(AVFormatContext* ctx) const { avformat_free_context(ctx); }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct FrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketDeleter {
  void operator()(AVPacket* pkt) const { av_packet_free(&pkt); }
};
struct SwrDeleter {
  void operator()(SwrContext* swr) const { swr_free(&swr); }
};
struct IoContextDeleter {
  // The context's buffer may have been reallocated by avio: free that one.
  void operator()(AVIOContext* io) const {
    av_freep(&io->buffer);
    avio_context_free(&io);
  }
};

using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using IoContextPtr = std::unique_ptr<AVIOContext, IoContextDeleter>;

// Silences FFmpeg's stderr logging (garbage uploads would otherwise spam the
// server log). Idempotent and thread-safe.
void QuietLogs();

// "Invalid data found when processing input (-1094995529)".
std::string ErrorString(int averror);

// Throws mv::Error(kInternal) when allocation returned null.
FramePtr MakeFrame();
PacketPtr MakePacket();

// Read-only, seekable view of caller-owned bytes; must outlive the AVIOContext.
struct MemoryReader {
  std::string_view data;
  std::int64_t pos = 0;
};
IoContextPtr MakeReadContext(MemoryReader* reader);

// Seekable in-memory sink (mp4/flac/webm muxers rewrite their headers at the
// end); must outlive the AVIOContext.
struct MemoryWriter {
  std::string data;
  std::int64_t pos = 0;
};
IoContextPtr MakeWriteContext(MemoryWriter* writer);

}  // namespace mv::ffmpeg
