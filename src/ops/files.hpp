#pragma once
// Small filesystem helpers for backups: durable writes, checksums, fsync of files and directories.
#include <string>

#include "core/status.hpp"

namespace headroom::ops {

Result<std::string> sha256_file(const std::string& path);
// Writes `content` to `path` with the given permission bits and fsyncs it.
Status write_file_durable(const std::string& path, const std::string& content, unsigned mode = 0644);
Status fsync_path(const std::string& path);  // a file or a directory
Result<std::string> read_file(const std::string& path);
// Copies a file byte for byte and fsyncs the copy.
Status copy_file_durable(const std::string& from, const std::string& to, unsigned mode = 0644);

}  // namespace headroom::ops
