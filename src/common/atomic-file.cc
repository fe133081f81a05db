#include "common/atomic-file.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"

namespace mv {
namespace {

[[noreturn]] void Fail(const std::string& what, const std::string& path, int err) {
  throw Error(ErrorKind::kInternal, "storage_failed",
              what + " '" + path + "' failed: " + std::strerror(err));
}

std::string Parent(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

}  // namespace

void WriteNewFileSynced(const std::string& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) Fail("creating", path, errno);
  std::size_t done = 0;
  int err = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(path.c_str());
    Fail("writing", path, err);
  }
}

void SyncDirectory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) Fail("opening directory", path, errno);
  const int err = ::fsync(fd) != 0 ? errno : 0;
  ::close(fd);
  if (err != 0) Fail("syncing directory", path, err);
}

void RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno == EEXIST || errno == ENOTEMPTY)
    throw Error(ErrorKind::kInvalidInput, "exists", "'" + to + "' already exists");
  Fail("renaming to", to, errno);
}

void ReplaceFileAtomically(const std::string& path, std::string_view data) {
  static std::atomic<unsigned> counter{0};
  const std::string temp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  WriteNewFileSynced(temp, data);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    Fail("renaming to", path, err);
  }
  SyncDirectory(Parent(path));
}

}  // namespace mv
