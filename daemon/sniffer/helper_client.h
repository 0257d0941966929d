// HelperClient: the sniffer's only way to the helper. It starts sesame-helper over a
// socketpair while sesamed is still root, and then sends it matches (report_match) and
// SPA opens (report_spa_open), its log file lines (send_log_line), and on SIGHUP the
// reload handshake (reload); the helper's other message back is a one-time door's next
// sequence, which the sniffer confirms.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/address.h"
#include "core/ipc.h"
#include "core/spa_open_message.h"
#include "core/one_time_update.h"
#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

class HelperClient {
 public:
  // Starts `helper_path` with `args` and its end of a SOCK_SEQPACKET socketpair on
  // descriptor 3, every signal at its default and unblocked. A message from the helper
  // raises SIGIO in this process. Fails if it cannot start.
  static std::expected<HelperClient, SysError> start(const std::string& helper_path,
                                                     const std::vector<std::string>& args);

  HelperClient(HelperClient&& other) noexcept
      : socket_(std::move(other.socket_)), pid_(std::exchange(other.pid_, -1)), pending_(std::move(other.pending_)) {}
  HelperClient& operator=(HelperClient&&) = delete;
  // Closes the socket (the helper then closes every grant and exits) and waits for it.
  ~HelperClient();

  // "Matcher door `door` of config generation `generation` matched for `source`."
  // Thread-safe (one send per message) and never blocks: fails when the helper is gone
  // or has not kept up.
  std::expected<void, SysError> report_match(ConfigGeneration generation, std::uint32_t door,
                                             const Address& source) const;
  // "SPA door N: open these ports for this address, this long" (core/spa_open_message.h);
  // thread-safe and non-blocking as report_match.
  std::expected<void, SysError> report_spa_open(const SpaOpenReport& report) const;
  // A line for the log file, which the helper owns (Log::relay_file_lines); cut to
  // kLogLineMaxBytes. Thread-safe and non-blocking as report_match.
  std::expected<void, SysError> send_log_line(std::string_view text) const;

  // The helper's next one-time update, nullopt when none is waiting (those that came
  // while reload waited first). Fails when the socket fails or the helper sent
  // something malformed (with why). Main thread only.
  std::expected<std::optional<OneTimeUpdate>, std::string> next_update() const;
  // "The update is in force": every worker matches with it.
  std::expected<void, SysError> confirm(const OneTimeInForce& in_force) const;

  // The helper's answer to a reload to `generation`.
  struct ReloadAnswer {
    bool accepted = false;
  };
  // Asks the helper to read the config again and take generation `generation`; waits
  // up to `timeout_ms` for its answer (the helper answers after the firewall commands
  // it is running). One-time updates that come meanwhile wait for next_update. Main
  // thread only: the workers never read the socket.
  std::expected<ReloadAnswer, SysError> reload(ConfigGeneration generation, int timeout_ms) const;

  // If the helper has exited, how ("exited with status 1", "killed by signal 9").
  std::optional<std::string> exited();

  pid_t pid() const { return pid_; }

 private:
  HelperClient(UniqueFd socket, pid_t pid) : socket_(std::move(socket)), pid_(pid) {}

  // One message from the helper: a one-time update or a reload answer; nullopt when
  // none is waiting or the helper is gone.
  struct Received {
    std::optional<OneTimeUpdate> update;
    std::optional<ReloadMessage> answer;
  };
  std::expected<std::optional<Received>, std::string> receive() const;

  UniqueFd socket_;
  pid_t pid_ = -1;  // -1 once reaped or moved from
  mutable std::deque<OneTimeUpdate> pending_;  // read by reload() before its answer
};

}  // namespace sesame
