// Starting sesame-helper and writing to it.
#include "daemon/sniffer/helper_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "core/ipc.h"
#include "core/log_line_message.h"
#include "core/str_cat.h"


namespace sesame {
namespace {

// How long the destructor waits for the helper to close its grants (each ufw call
// takes about half a second).
constexpr int kShutdownWaitSeconds = 60;
// The kernel doubles it: about 11,000 matches, eleven seconds of 1000 a second, while
// the helper runs one ufw call (up to a second or two on a busy host).
constexpr int kSendBufferBytes = 4 << 20;

std::string describe_status(int status) {
  if (WIFEXITED(status)) return str_cat("exited with status ", std::to_string(WEXITSTATUS(status)));
  return str_cat("killed by signal ", std::to_string(WTERMSIG(status)));
}

}  // namespace

std::expected<HelperClient, SysError> HelperClient::start(const std::string& helper_path,
                                                          const std::vector<std::string>& args) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
    return std::unexpected(sys_error("socketpair"));
  UniqueFd ours(pair[0]);
  // The socket holds what the sniffer sent until the helper reads it, counted against
  // this end's send buffer: the default holds about 278 matches, a quarter of a second of
  // a flood, less than one ufw call takes. Forced (CAP_NET_ADMIN, still held here) past
  // net.core.wmem_max; without it, as much as that allows.
  if (setsockopt(ours.get(), SOL_SOCKET, SO_SNDBUFFORCE, &kSendBufferBytes, sizeof kSendBufferBytes) != 0)
    setsockopt(ours.get(), SOL_SOCKET, SO_SNDBUF, &kSendBufferBytes, sizeof kSendBufferBytes);
  // Above the descriptor the child gets, so that dup2 really copies (and drops CLOEXEC).
  UniqueFd theirs(fcntl(pair[1], F_DUPFD_CLOEXEC, kHelperSocketFd + 1));
  close(pair[1]);
  if (!theirs) return std::unexpected(sys_error("fcntl(F_DUPFD_CLOEXEC)"));
  // The sniffer must never wait on a slow helper: a full socket fails the send. What
  // the helper sends back raises SIGIO, which the main thread waits for with the others.
  if (fcntl(ours.get(), F_SETOWN, getpid()) != 0) return std::unexpected(sys_error("fcntl(F_SETOWN)"));
  if (fcntl(ours.get(), F_SETFL, O_NONBLOCK | O_ASYNC) != 0)
    return std::unexpected(sys_error("fcntl(O_NONBLOCK | O_ASYNC)"));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), kHelperSocketFd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> argv{const_cast<char*>(helper_path.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  // A clean environment: nothing of sesamed's (LD_*, locale, a PATH of the caller's)
  // reaches the root helper.
  char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char lang[] = "LANG=C";
  char* const env[] = {path, lang, nullptr};
  const int e = posix_spawn(&pid, helper_path.c_str(), &actions, &attr, argv.data(), env);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (e != 0) return std::unexpected(SysError{str_cat("start ", helper_path), e});
  return HelperClient(std::move(ours), pid);
}

HelperClient::~HelperClient() {
  socket_ = UniqueFd();
  if (pid_ <= 0) return;
  for (int i = 0; i < kShutdownWaitSeconds * 10; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) != 0) return;
    const timespec tenth{0, 100'000'000};
    nanosleep(&tenth, nullptr);
  }
}

namespace {

std::expected<void, SysError> send_record(int socket, std::span<const std::uint8_t> m) {
  if (send(socket, m.data(), m.size(), MSG_NOSIGNAL | MSG_DONTWAIT) != static_cast<ssize_t>(m.size()))
    return std::unexpected(sys_error("send to sesame-helper"));
  return {};
}

}  // namespace

std::expected<void, SysError> HelperClient::report_match(ConfigGeneration generation, std::uint32_t door,
                                                         const Address& source) const {
  return send_record(socket_.get(), encode_match({.generation = generation, .door = door, .source = source}));
}

std::expected<void, SysError> HelperClient::report_spa_open(const SpaOpenReport& report) const {
  return send_record(socket_.get(), encode_spa_open(report));
}

std::expected<void, SysError> HelperClient::send_log_line(std::string_view text) const {
  return send_record(socket_.get(), encode_log_line(text));
}

std::expected<std::optional<HelperClient::Received>, std::string> HelperClient::receive() const {
  // One byte more than the largest message, and MSG_TRUNC for the real length.
  static_assert(kOneTimeUpdateMaxSize >= kIpcHeaderSize, "the buffer holds a reload answer too");
  std::uint8_t buffer[kOneTimeUpdateMaxSize + 1];
  const ssize_t n = recv(socket_.get(), buffer, sizeof buffer, MSG_TRUNC | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return std::nullopt;
  if (n < 0) return std::unexpected(format_sys_error(sys_error("recv from sesame-helper")));
  if (n == 0) return std::nullopt;  // the helper is gone; SIGCHLD says so
  Received got;
  const std::span<const std::uint8_t> bytes(buffer, std::min(static_cast<std::size_t>(n), sizeof buffer));
  const auto bad = [](IpcReject why) {
    return std::unexpected(str_cat("sesame-helper sent a bad message (", ipc_reject_name(why), ")"));
  };
  if (ipc_type_byte(bytes) == std::to_underlying(IpcType::kReloadReply)) {
    auto answer = decode_reload(bytes, IpcType::kReloadReply);
    if (!answer) return bad(answer.error());
    got.answer = *answer;
  } else {
    auto update = decode_one_time_update(bytes);
    if (!update) return bad(update.error());
    got.update = std::move(*update);
  }
  return got;
}

std::expected<std::optional<OneTimeUpdate>, std::string> HelperClient::next_update() const {
  if (!pending_.empty()) {
    OneTimeUpdate u = std::move(pending_.front());
    pending_.pop_front();
    return u;
  }
  for (;;) {
    auto got = receive();
    if (!got) return std::unexpected(got.error());
    if (!*got) return std::nullopt;
    // An answer to an earlier reload this side stopped waiting for.
    if ((*got)->answer) continue;
    return std::move((*got)->update);
  }
}

std::expected<void, SysError> HelperClient::confirm(const OneTimeInForce& in_force) const {
  return send_record(socket_.get(), encode_one_time_in_force(in_force));
}

std::expected<HelperClient::ReloadAnswer, SysError> HelperClient::reload(ConfigGeneration generation,
                                                                        int timeout_ms) const {
  if (auto sent = send_record(socket_.get(), encode_reload({.type = IpcType::kReload, .generation = generation}));
      !sent)
    return std::unexpected(sent.error());
  timespec deadline{};
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  for (;;) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long left_ms = (deadline.tv_sec - now.tv_sec) * 1000 + (deadline.tv_nsec - now.tv_nsec) / 1'000'000;
    if (left_ms <= 0) return std::unexpected(SysError{"sesame-helper did not answer the reload", ETIMEDOUT});
    pollfd p{socket_.get(), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left_ms)) < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(sys_error("poll on sesame-helper's socket"));
    }
    if (p.revents & POLLHUP) return std::unexpected(SysError{"sesame-helper closed its socket", EPIPE});
    if (!(p.revents & POLLIN)) continue;
    auto got = receive();
    if (!got) return std::unexpected(SysError{got.error(), EPROTO});
    if (!*got) continue;
    if ((*got)->update) {
      pending_.push_back(std::move(*(*got)->update));
      continue;
    }
    // An answer to an earlier reload this side stopped waiting for.
    if ((*got)->answer->generation != generation) continue;
    return ReloadAnswer{.accepted = (*got)->answer->accepted};
  }
}

std::optional<std::string> HelperClient::exited() {
  if (pid_ <= 0) return "not running";
  int status = 0;
  const pid_t got = waitpid(pid_, &status, WNOHANG);
  if (got == 0) return std::nullopt;
  if (got < 0) return format_sys_error(sys_error("waitpid sesame-helper"));
  pid_ = -1;
  return describe_status(status);
}

}  // namespace sesame
