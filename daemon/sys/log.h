// Log: sesamed's (and sesame-helper's) lines, knockd's wording, to syslog, stderr and/or a log file (which
// sesamed, once unprivileged, reaches only through the helper); and the budget that keeps a flood of
// spoofed knocks from becoming a flood of lines.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>

#include "core/address.h"
#include "core/config/config.h"
#include "core/matcher.h"
#include "core/token_bucket.h"
#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

// The sniffer's syslog tag, and in the helper's file the tag of the lines the sniffer
// sent (sniffer_tag).
inline constexpr char kSnifferIdent[] = "sesamed";

// Where the sniffer's file lines go once it holds no descriptor on the file: to the
// helper (HelperClient::send_log_line). False when the line could not be sent.
using LineRelay = std::function<bool(std::string_view)>;

class Log {
 public:
  // Opens the configured sinks now, before the privilege drop: the log file is
  // appended to through a descriptor opened as root, and the syslog socket is
  // connected. `verbose` adds stderr; with no sink configured at all (knockd.conf
  // without UseSyslog or LogFile) lines go to stderr rather than nowhere. Syslog lines
  // carry `ident`, a string that lives as long as the process (openlog keeps it).
  static std::expected<Log, SysError> open(const Logging& config, bool verbose, const char* ident = kSnifferIdent);

  // Writes one line to every sink: syslog at LOG_NOTICE as knockd does, the file and
  // stderr prefixed "[YYYY-MM-DD HH:MM] " as knockd's log file is; after
  // relay_file_lines, the file's line goes to the relay instead (to stderr when the
  // relay fails, as the helper is gone or its socket full). Thread-safe: each sink gets
  // the whole line in one write.
  void line(std::string_view message) const;

  // The helper's half of the relay: `tagged`, a line the sniffer sent (escaped and
  // tagged by the caller), written to the file alone (the sniffer has its own syslog
  // socket and stderr). Nothing happens without a file sink.
  void file_line(std::string_view tagged) const;

  // Before the sniffer's privilege drop: the file's descriptor is closed and the lines
  // meant for it go to `relay`, so a compromised sniffer holds no way to write a
  // root-owned file. Nothing changes without a file sink. Call while no other thread
  // logs.
  void relay_file_lines(LineRelay relay);
  // The relay's target is going away (the helper stops): lines go to stderr instead
  // of the file. Call while no other thread logs.
  void stop_relay();

  // logrotate's rename and SIGHUP: the log file is opened again at its path and put
  // behind the same descriptor in one dup3, so a line written meanwhile by another
  // thread lands in one file or the other, never nowhere. Nothing happens without a
  // file descriptor (none in a sniffer that relays).
  std::expected<void, SysError> reopen_file() const;

  bool verbose() const { return verbose_; }
  const Logging& sinks() const { return sinks_; }

 private:
  Logging sinks_;
  bool verbose_ = false;
  UniqueFd file_;
  LineRelay relay_;  // set: the file's lines go here, and file_ is closed
};

// The tag of the sniffer's lines in the helper's log file: [log] ident, else sesamed.
std::string_view sniffer_tag(const Logging& config);

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
  // Another budget: `burst` lines at once, then `per_second` lines a second.
  LineBudget(std::uint32_t burst, std::uint32_t per_second) : bucket_{burst, 1000 / per_second} {}

  // Whether a line may be written at `now_ms` (a monotonic clock); false counts it.
  bool take(std::uint64_t now_ms);
  // Lines refused since the last call.
  std::uint64_t take_suppressed();

 private:
  TokenBucket bucket_{kBurst, 1000 / kLinesPerSecond};
  std::uint64_t suppressed_ = 0;
};

}  // namespace sesame
