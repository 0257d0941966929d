// Journal: the file under the state directory that lists every grant the helper has
// open, whatever the backend, so that a run after a crash (or a change of backend) can
// close what the last one left.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/config/config.h"
#include "core/door.h"
#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

// One open grant, as much as closing it needs without the config that opened it.
struct GrantRecord {
  FirewallBackend backend = FirewallBackend::kUfw;
  Address source;
  std::vector<KnockStep> ports;          // ufw, nft: the ports open to source; exec: none
  std::optional<std::int64_t> deadline;  // wall clock (Unix seconds) it closes at; none: no open_for
  std::string door;                      // the config door's name
  friend bool operator==(const GrantRecord&, const GrantRecord&) = default;
};

// One journal line, "BACKEND SOURCE PORTS DEADLINE DOOR" (no newline): PORTS is
// "2222/tcp,53/udp" or "-", DEADLINE Unix seconds or "-", DOOR the rest of the line.
// parse_grant_record returns nullopt for a line that is not one.
std::string format_grant_record(const GrantRecord& record);
std::optional<GrantRecord> parse_grant_record(std::string_view line);

class Journal {
 public:
  // Opens the state directory `dir` with open_state_dir (created 0700 if missing,
  // refused unless root's and 0700). The journal is dir/grants, opened relative to
  // the directory's descriptor, never through a symlink.
  static std::expected<Journal, SysError> open(std::string dir);

  // The records the file lists (none if there is no file). Lines that are not a record
  // are skipped and counted in `skipped`.
  std::expected<std::vector<GrantRecord>, SysError> read(std::size_t& skipped) const;

  // Replaces the file's contents with `records`: written to a temporary file, fsync'd,
  // renamed over the journal, and the directory fsync'd, so after a crash the file
  // holds either the old list or the new one.
  std::expected<void, SysError> write(std::span<const GrantRecord> records) const;

  const std::string& dir() const { return dir_; }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
  UniqueFd dir_fd_;
};

}  // namespace sesame
