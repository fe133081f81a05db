#include "audio/ffmpeg-util.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "common/error.h"

namespace mv::ffmpeg {
namespace {

constexpr int kIoBufferSize = 32 * 1024;

int ReadPacket(void* opaque, std::uint8_t* buf, int buf_size) {
  auto* r = static_cast<MemoryReader*>(opaque);
  const auto size = static_cast<std::int64_t>(r->data.size());
  if (r->pos >= size) return AVERROR_EOF;
  const int n = static_cast<int>(std::min<std::int64_t>(buf_size, size - r->pos));
  std::memcpy(buf, r->data.data() + r->pos, n);
  r->pos += n;
  return n;
}

std::int64_t Seek(std::int64_t size, std::int64_t* pos, std::int64_t offset, int whence) {
  if (whence & AVSEEK_SIZE) return size;
  std::int64_t base = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = *pos;
      break;
    case SEEK_END:
      base = size;
      break;
    default:
      return AVERROR(EINVAL);
  }
  const std::int64_t target = base + offset;
  if (target < 0) return AVERROR(EINVAL);
  *pos = target;
  return target;
}

std::int64_t SeekReader(void* opaque, std::int64_t offset, int whence) {
  auto* r = static_cast<MemoryReader*>(opaque);
  return Seek(static_cast<std::int64_t>(r->data.size()), &r->pos, offset, whence);
}

// FFmpeg 6.1 made the write buffer const; accept either signature.
#if LIBAVFORMAT_VERSION_MAJOR >= 61
using WriteBuf = const std::uint8_t*;
#else
using WriteBuf = std::uint8_t*;
#endif

int WritePacket(void* opaque, WriteBuf buf, int buf_size) {
  auto* w = static_cast<MemoryWriter*>(opaque);
  const auto end = static_cast<std::size_t>(w->pos) + static_cast<std::size_t>(buf_size);
  if (end > w->data.size()) w->data.resize(end);  // a seek past the end leaves zeros
  std::memcpy(w->data.data() + w->pos, buf, buf_size);
  w->pos += buf_size;
  return buf_size;
}

std::int64_t SeekWriter(void* opaque, std::int64_t offset, int whence) {
  auto* w = static_cast<MemoryWriter*>(opaque);
  return Seek(static_cast<std::int64_t>(w->data.size()), &w->pos, offset, whence);
}

IoContextPtr MakeContext(void* opaque, bool write, int (*read)(void*, std::uint8_t*, int),
                         int (*write_fn)(void*, WriteBuf, int),
                         std::int64_t (*seek)(void*, std::int64_t, int)) {
  auto* buffer = static_cast<std::uint8_t*>(av_malloc(kIoBufferSize));
  if (!buffer) throw Error(ErrorKind::kInternal, "out_of_memory", "av_malloc failed");
  AVIOContext* io =
      avio_alloc_context(buffer, kIoBufferSize, write ? 1 : 0, opaque, read, write_fn, seek);
  if (!io) {
    av_free(buffer);
    throw Error(ErrorKind::kInternal, "out_of_memory", "avio_alloc_context failed");
  }
  return IoContextPtr(io);
}

}  // namespace

void QuietLogs() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

std::string ErrorString(int averror) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(averror, buf, sizeof(buf));
  return std::string(buf) + " (" + std::to_string(averror) + ")";
}

FramePtr MakeFrame() {
  FramePtr frame(av_frame_alloc());
  if (!frame) throw Error(ErrorKind::kInternal, "out_of_memory", "av_frame_alloc failed");
  return frame;
}

PacketPtr MakePacket() {
  PacketPtr pkt(av_packet_alloc());
  if (!pkt) throw Error(ErrorKind::kInternal, "out_of_memory", "av_packet_alloc failed");
  return pkt;
}

IoContextPtr MakeReadContext(MemoryReader* reader) {
  return MakeContext(reader, false, ReadPacket, nullptr, SeekReader);
}

IoContextPtr MakeWriteContext(MemoryWriter* writer) {
  return MakeContext(writer, true, nullptr, WritePacket, SeekWriter);
}

}  // namespace mv::ffmpeg
