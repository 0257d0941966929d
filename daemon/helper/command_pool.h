// CommandPool: the exec backend's door commands run as knockd runs them, each in its own
// process, so a slow command never delays another door. At most kMaxRunning run at
// once and at most kMaxQueued wait (more are refused and logged); each is killed, with
// its process group, when its own timeout ends, and that is logged. Commands with the
// same key (a grant's start and stop) run one after the other, in order.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "daemon/sys/log.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

class CommandPool {
 public:
  static constexpr std::size_t kMaxRunning = 16;
  static constexpr std::size_t kMaxQueued = 1024;

  // `log` must outlive the pool.
  explicit CommandPool(const Log& log) : log_(log) {}
  CommandPool(const CommandPool&) = delete;
  CommandPool& operator=(const CommandPool&) = delete;
  // Kills whatever still runs (drain first for a clean stop).
  ~CommandPool();

  // Runs argv for door `door` (logged with knockd's words: "DOOR: running command:
  // CMD" when it starts, "DOOR: command returned non-zero status code (N)"), now or
  // once a slot is free and no command with the same `key` runs. False, logged, when
  // the queue is full.
  bool run(std::vector<std::string> argv, std::string door, std::string key, std::chrono::milliseconds timeout);

  // Collects finished commands (logging failures), kills those past their timeout,
  // starts queued ones. The helper calls it on SIGCHLD and at next_deadline_in.
  void reap();
  // Milliseconds until the next timeout; nullopt when nothing runs.
  std::optional<std::uint64_t> next_deadline_in() const;
  // Waits until every command, queued ones included, has finished or been killed.
  void drain();

  std::size_t running() const { return running_.size(); }
  std::size_t queued() const { return queue_.size(); }

 private:
  struct Command {
    std::vector<std::string> argv;
    std::string door;
    std::string key;
    std::chrono::milliseconds timeout;
  };
  struct Running {
    Command command;
    pid_t pid;
    UniqueFd output;
    std::string said;
    std::chrono::steady_clock::time_point deadline;
    bool killed = false;
  };
  void start_queued();
  void start(Command command);
  // True when the command has exited (and was logged).
  bool finish_if_done(Running& r);

  const Log& log_;
  std::vector<Running> running_;
  std::deque<Command> queue_;
};

}  // namespace sesame
