// HelperClient: the sniffer's only way to the helper. It starts sesame-helper over a
// socketpair while sesamed is still root, and then sends it matches (report_match) and,
// on SIGHUP, the reload handshake (reload).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/address.h"
#include "core/ipc.h"
#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

class HelperClient {
 public:
  // Starts `helper_path` with `args` and its end of a SOCK_SEQPACKET socketpair on
  // descriptor 3, every signal at its default and unblocked. Fails if it cannot start.
  static std::expected<HelperClient, SysError> start(const std::string& helper_path,
                                                     const std::vector<std::string>& args);

  HelperClient(HelperClient&& other) noexcept
      : socket_(std::move(other.socket_)), pid_(std::exchange(other.pid_, -1)) {}
  HelperClient& operator=(HelperClient&&) = delete;
  // Closes the socket (the helper then closes every grant and exits) and waits for it.
  ~HelperClient();

  // "Matcher door `door` of config generation `generation` matched for `source`."
  // Thread-safe (one send per message) and never blocks: fails when the helper is gone
  // or has not kept up.
  std::expected<void, SysError> report_match(ConfigGeneration generation, std::uint32_t door,
                                             const Address& source) const;

  // The helper's answer to a reload to `generation`, and the log file it reopened.
  struct ReloadAnswer {
    bool accepted = false;
    UniqueFd log_file;  // invalid when the config logs to no file
  };
  // Asks the helper to read the config again and take generation `generation`; waits
  // up to `timeout_ms` for its answer (the helper answers after the firewall commands
  // it is running). Main thread only: the workers never read the socket.
  std::expected<ReloadAnswer, SysError> reload(ConfigGeneration generation, int timeout_ms) const;

  // If the helper has exited, how ("exited with status 1", "killed by signal 9").
  std::optional<std::string> exited();

  pid_t pid() const { return pid_; }

 private:
  HelperClient(UniqueFd socket, pid_t pid) : socket_(std::move(socket)), pid_(pid) {}

  UniqueFd socket_;
  pid_t pid_ = -1;  // -1 once reaped or moved from
};

}  // namespace sesame
