// UringLoop: one worker's io_uring: a multishot poll per watched descriptor and a
// periodic timeout, so the worker sleeps until a ring retires a block or a tick is due.
#pragma once

#include <linux/time_types.h>

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <vector>

#include "daemon/sys/sys_error.h"

struct io_uring;
struct io_uring_sqe;

namespace sesame {

struct Completion {
  std::uint64_t tag;  // as given to watch() or every()
  int result;         // poll: the ready events, or -errno (then no longer watched);
                      // timer: -ETIME
};

class UringLoop {
 public:
  // Fails if the kernel refuses io_uring (io_uring_disabled, seccomp, an old kernel).
  static std::expected<std::unique_ptr<UringLoop>, SysError> create();
  ~UringLoop();
  UringLoop(const UringLoop&) = delete;
  UringLoop& operator=(const UringLoop&) = delete;

  // Reports `tag` whenever fd becomes readable. The poll is multishot and
  // edge-triggered: a report means "something new arrived", not "still readable", so
  // the caller must read everything there is. When the kernel ends a multishot (a
  // completion without IORING_CQE_F_MORE) the loop arms it again itself.
  void watch(int fd, std::uint64_t tag);
  // Reports `tag` every `interval` (re-armed after each expiry, so it drifts by the
  // time the caller takes; callers read the clock rather than count ticks).
  void every(std::chrono::nanoseconds interval, std::uint64_t tag);

  // Whether the kernel limits the ring to the loop's own operations (poll, timeout).
  bool restricted() const { return restricted_; }

  // Submits what is armed, sleeps until at least one completion is ready, and returns
  // every ready one (a view into the loop, valid until the next wait).
  std::expected<std::span<const Completion>, SysError> wait();

 private:
  struct Watch {
    int fd;
    std::uint64_t tag;
  };
  UringLoop();
  void arm_poll(const Watch& w);
  void arm_timer();
  io_uring_sqe* next_sqe();

  std::unique_ptr<io_uring> ring_;
  std::vector<Watch> watches_;
  __kernel_timespec interval_{};  // read by the kernel at submit: the loop never moves
  std::uint64_t timer_tag_ = 0;
  std::vector<Completion> ready_;
  bool restricted_ = false;
};

}  // namespace sesame
