#pragma once
// manifest.json: what a backup holds and how to check it.
#include <cstdint>
#include <map>
#include <string>

#include "core/status.hpp"

namespace headroom::ops {

inline constexpr int kBackupFormat = 1;
inline constexpr const char* kDbFile = "headroom.db";
inline constexpr const char* kConfigFile = "config.toml";
inline constexpr const char* kManifestFile = "manifest.json";

struct Manifest {
  int format = kBackupFormat;
  std::string headroom_version;
  int64_t created_ms = 0;  // Unix ms when the snapshot was taken
  int64_t duration_ms = 0;
  std::map<std::string, int64_t> seqs;       // app → change-log seq at the snapshot
  std::map<std::string, int64_t> documents;  // app → document count
  std::map<std::string, std::string> files;  // file name → sha256 (hex)
  int64_t db_bytes = 0;

  std::string to_json() const;
  static Result<Manifest> parse(const std::string& text);
};

}  // namespace headroom::ops
