// Each command is its own process group; waitpid on its pid alone, so the helper's own
// synchronous commands (ufw, nft) are never reaped here.
#include "daemon/helper/command_pool.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/config/command_template.h"
#include "core/str_cat.h"
#include "daemon/helper/spawn.h"

namespace sesame {
namespace {

// The command as knockd logs it: the line it hands to the shell, or the words.
std::string command_text(const std::vector<std::string>& argv) {
  if (argv.size() == 3 && argv[0] == kShell && argv[1] == "-c") return argv[2];
  std::string out;
  for (const std::string& a : argv) out += str_cat(out.empty() ? "" : " ", a);
  return out;
}

}  // namespace

CommandPool::~CommandPool() {
  for (Running& r : running_) {
    kill(-r.pid, SIGKILL);
    waitpid(r.pid, nullptr, 0);
  }
}

bool CommandPool::run(std::vector<std::string> argv, std::string door, std::string key,
                      std::chrono::milliseconds timeout) {
  if (queue_.size() >= kMaxQueued) {
    log_.line(str_cat("error: ", door, ": not running ", command_text(argv), ": ", std::to_string(kMaxQueued),
                      " commands wait already"));
    return false;
  }
  queue_.push_back({std::move(argv), std::move(door), std::move(key), timeout});
  start_queued();
  return true;
}

void CommandPool::start_queued() {
  for (auto it = queue_.begin(); it != queue_.end() && running_.size() < kMaxRunning;) {
    const bool key_busy = std::ranges::any_of(running_, [&](const Running& r) { return r.command.key == it->key; });
    // An earlier queued command with the same key goes first.
    const bool key_queued_before =
        std::any_of(queue_.begin(), it, [&](const Command& c) { return c.key == it->key; });
    if (key_busy || key_queued_before) {
      ++it;
      continue;
    }
    Command c = std::move(*it);
    it = queue_.erase(it);
    start(std::move(c));
  }
}

void CommandPool::start(Command command) {
  log_.line(str_cat(command.door, ": running command: ", command_text(command.argv)));
  auto spawned = spawn_command(command.argv);
  if (!spawned) {
    log_.line(str_cat("error: ", command.door, ": ", command_text(command.argv), ": ",
                      format_sys_error(spawned.error())));
    return;
  }
  fcntl(spawned->output.get(), F_SETFL, O_NONBLOCK);
  const auto deadline = std::chrono::steady_clock::now() + command.timeout;
  running_.push_back(Running{.command = std::move(command), .pid = spawned->pid, .output = std::move(spawned->output),
                             .said = {}, .deadline = deadline, .killed = false});
}

bool CommandPool::finish_if_done(Running& r) {
  char buffer[1024];
  for (;;) {
    const ssize_t n = read(r.output.get(), buffer, sizeof buffer);
    if (n > 0) {
      append_output(r.said, std::string_view(buffer, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  int status = 0;
  const pid_t got = waitpid(r.pid, &status, WNOHANG);
  if (got == 0) return false;
  const Command& c = r.command;
  trim_output(r.said);
  if (got < 0) {
    log_.line(format_sys_error(sys_error(str_cat("waitpid ", c.argv[0]))));
  } else if (r.killed) {
    log_.line(str_cat("error: ", c.door, ": ", command_text(c.argv), " did not finish in ",
                      std::to_string(c.timeout.count() / 1000), " s (command_timeout) and was killed",
                      r.said.empty() ? "" : ": ", r.said));
  } else if (const int code = exit_status(status); code != 0) {
    log_.line(str_cat(c.door, ": command returned non-zero status code (", std::to_string(code), ")"));
    log_.line(str_cat("error: ", command_text(c.argv), " exited with status ", std::to_string(code),
                      r.said.empty() ? "" : ": ", r.said));
  }
  return true;
}

void CommandPool::reap() {
  const auto now = std::chrono::steady_clock::now();
  for (Running& r : running_)
    if (!r.killed && now >= r.deadline) {
      kill(-r.pid, SIGKILL);  // the whole group: whatever it started goes too
      r.killed = true;
    }
  std::erase_if(running_, [&](Running& r) { return finish_if_done(r); });
  start_queued();
}

std::optional<std::uint64_t> CommandPool::next_deadline_in() const {
  if (running_.empty()) return std::nullopt;
  const auto now = std::chrono::steady_clock::now();
  auto soonest = std::ranges::min_element(running_, {}, &Running::deadline)->deadline;
  // Killed ones are waited for promptly; the rest at their deadline.
  if (std::ranges::any_of(running_, &Running::killed)) soonest = now;
  if (soonest <= now) return 10;  // poll again shortly: a killed group may take a moment to go
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(soonest - now).count()) + 1;
}

void CommandPool::drain() {
  while (!running_.empty() || !queue_.empty()) {
    reap();
    if (running_.empty() && !queue_.empty()) continue;
    const timespec pause{0, 10'000'000};
    nanosleep(&pause, nullptr);
  }
}

}  // namespace sesame
