// SpaReplayFile: the digests of SPA packets the helper has opened for, kept in the state
// directory until each packet is too old to be accepted anyway, so that neither a
// restart nor a kill -9 of sesamed opens a window for replaying them.
#pragma once

#include <cstdint>
#include <expected>
#include <string>

#include "core/spa/spa_replay_cache.h"
#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

class SpaReplayFile {
 public:
  // Reads dir/spa-replays (none yet: empty), dropping what expired by now_s; the state
  // directory is opened as open_state_dir requires. Lines that are not "HEX64 UNTIL" are
  // skipped and counted in `skipped`.
  static std::expected<SpaReplayFile, SysError> open(std::string dir, std::int64_t now_s, std::size_t& skipped);

  bool seen(const SpaPayloadDigest& digest, std::int64_t now_s) const { return cache_.contains(digest, now_s); }
  // Remembers `digest` until `until_s` and rewrites the file before returning, so the
  // grant that follows is never open without its digest on disk. Fails if the file
  // cannot be written or the cache is full of live entries.
  std::expected<void, SysError> record(const SpaPayloadDigest& digest, std::int64_t until_s, std::int64_t now_s);

  const std::string& path() const { return path_; }

 private:
  SpaReplayFile(UniqueFd dir_fd, std::string dir, std::string path)
      : dir_fd_(std::move(dir_fd)), dir_(std::move(dir)), path_(std::move(path)) {}
  UniqueFd dir_fd_;
  std::string dir_;
  std::string path_;
  SpaReplayCache cache_;
};

}  // namespace sesame
