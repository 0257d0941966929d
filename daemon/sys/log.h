// Log: sesamed's (and sesame-helper's) lines, knockd's wording, to syslog, stderr and/or a log file; and the
// budget that keeps a flood of spoofed knocks from becoming a flood of lines.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "core/address.h"
#include "core/config/config.h"
#include "core/matcher.h"
#include "core/token_bucket.h"
#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

class Log {
 public:
  // Opens the configured sinks now, before the privilege drop: the log file is
  // appended to through a descriptor opened as root, and the syslog socket is
  // connected. `verbose` adds stderr; with no sink configured at all (knockd.conf
  // without UseSyslog or LogFile) lines go to stderr rather than nowhere. Syslog lines
  // carry `ident`, a string that lives as long as the process (openlog keeps it).
  static std::expected<Log, SysError> open(const Logging& config, bool verbose, const char* ident = "sesamed");

  // Writes one line to every sink: syslog at LOG_NOTICE as knockd does, the file and
  // stderr prefixed "[YYYY-MM-DD HH:MM] " as knockd's log file is. Thread-safe: each
  // sink gets the whole line in one write.
  void line(std::string_view message) const;

  // logrotate's rename and SIGHUP: the log file's descriptor is made to point at
  // `fresh` (opened by whoever may create it: the helper, for the sniffer) in one
  // dup3, so a line written meanwhile by another thread lands in one file or the
  // other, never nowhere. Nothing happens without a file sink.
  std::expected<void, SysError> replace_file(const UniqueFd& fresh) const;

  bool verbose() const { return verbose_; }
  const Logging& sinks() const { return sinks_; }

 private:
  Logging sinks_;
  bool verbose_ = false;
  UniqueFd file_;
};

// The log file at `path` opened for appending (created 0640 if missing).
std::expected<UniqueFd, SysError> open_log_file(const std::string& path);

// knockd's line for a door event: "SRC: DOOR: Stage N", "SRC: DOOR: OPEN SESAME",
// "SRC: DOOR: sequence timeout (stage N)"; and, which knockd does not log,
// "SRC: DOOR: wrong knock (stage N)" for an attempt a wrong knock discarded.
std::string door_event_line(const Address& source, std::string_view door, const DoorEvent& event);

// A token bucket over the lines a worker writes for stages, failures and timeouts. A
// flood of spoofed first knocks makes one "Stage 1" line per packet; past the budget
// those lines are only counted, and the count is logged as one summary line every few
// seconds. OPEN SESAME lines are never held back: each is a door opening.
class LineBudget {
 public:
  static constexpr std::uint32_t kLinesPerSecond = 20;
  static constexpr std::uint32_t kBurst = 100;

  LineBudget() = default;

  // Whether a line may be written at `now_ms` (a monotonic clock); false counts it.
  bool take(std::uint64_t now_ms);
  // Lines refused since the last call.
  std::uint64_t take_suppressed();

 private:
  TokenBucket bucket_{kBurst, 1000 / kLinesPerSecond};
  std::uint64_t suppressed_ = 0;
};

}  // namespace sesame
