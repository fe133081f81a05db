// Crash-safe file writing: data is written to a new file, fsync'ed, and only
// then made visible by a rename, so a crash or a full disk leaves either the
// old state or the new one, never half a file. All functions throw mv::Error
// kInternal "storage_failed" naming the path and errno text.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// Creates `path` (it must not exist), writes `data`, fsyncs and closes it.
// On failure the partial file is removed.
void WriteNewFileSynced(const std::string& path, std::string_view data);
// fsync on a directory, so renames and creations inside it are durable.
void SyncDirectory(const std::string& path);
// rename(2) that fails with kInvalidInput "exists" instead of replacing
// `to` (renameat2 RENAME_NOREPLACE; works for directories too).
void RenameNoReplace(const std::string& from, const std::string& to);
// `path` atomically replaced by `data` (temp file + fsync + rename + dir fsync).
void ReplaceFileAtomically(const std::string& path, std::string_view data);

}  // namespace mv
