// UringLoop over liburing 2.3. user_data carries an index: watches_[i] for a poll,
// kTimerSlot for the timeout.
#include "daemon/sniffer/uring_loop.h"

#include <liburing.h>
#include <poll.h>

#include <cerrno>

namespace sesame {
namespace {

// A poll per ring and the control descriptor, one timeout, and their re-arms.
constexpr unsigned kQueueEntries = 64;
constexpr std::uint64_t kTimerSlot = ~std::uint64_t{0};

}  // namespace

UringLoop::UringLoop() : ring_(std::make_unique<io_uring>()) {}

// The ring starts disabled and is enabled only once it is limited to the two
// operations the loop submits: io_uring operations do not pass through seccomp, so
// without this a compromised sniffer could open, read or send through its ring.
// Kernels before 5.10 lack restrictions; there the ring stays unrestricted.
std::expected<std::unique_ptr<UringLoop>, SysError> UringLoop::create() {
  std::unique_ptr<UringLoop> loop(new UringLoop());
  io_uring* ring = loop->ring_.get();
  if (io_uring_queue_init(kQueueEntries, ring, IORING_SETUP_R_DISABLED) == 0) {
    io_uring_restriction limits[2]{};
    limits[0].opcode = IORING_RESTRICTION_SQE_OP;
    limits[0].sqe_op = IORING_OP_POLL_ADD;
    limits[1].opcode = IORING_RESTRICTION_SQE_OP;
    limits[1].sqe_op = IORING_OP_TIMEOUT;
    // Debian's liburing 2.3 declares io_uring_register_restrictions and
    // io_uring_enable_rings but does not export them; the generic call does the same.
    int r = io_uring_register(ring->ring_fd, IORING_REGISTER_RESTRICTIONS, limits, 2);
    if (r == 0) r = io_uring_register(ring->ring_fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0);
    if (r < 0) {
      io_uring_queue_exit(ring);
      loop->ring_.reset();
      return std::unexpected(SysError{"io_uring restrictions", -r});
    }
    loop->restricted_ = true;
    return loop;
  }
  if (const int r = io_uring_queue_init(kQueueEntries, ring, 0); r < 0) {
    loop->ring_.reset();
    return std::unexpected(SysError{"io_uring_queue_init", -r});
  }
  return loop;
}

UringLoop::~UringLoop() {
  if (ring_) io_uring_queue_exit(ring_.get());
}

io_uring_sqe* UringLoop::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(ring_.get());
  if (sqe == nullptr) {
    // Queue full of re-arms: hand them to the kernel to make room.
    io_uring_submit(ring_.get());
    sqe = io_uring_get_sqe(ring_.get());
  }
  return sqe;
}

void UringLoop::watch(int fd, std::uint64_t tag) {
  watches_.push_back({fd, tag});
  arm_poll(watches_.back());
}

void UringLoop::arm_poll(const Watch& w) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_poll_multishot(sqe, w.fd, POLLIN);
  io_uring_sqe_set_data64(sqe, static_cast<std::uint64_t>(&w - watches_.data()));
}

void UringLoop::every(std::chrono::nanoseconds interval, std::uint64_t tag) {
  interval_.tv_sec = interval.count() / 1'000'000'000;
  interval_.tv_nsec = interval.count() % 1'000'000'000;
  timer_tag_ = tag;
  arm_timer();
}

void UringLoop::arm_timer() {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_timeout(sqe, &interval_, 0, 0);
  io_uring_sqe_set_data64(sqe, kTimerSlot);
}

std::expected<std::span<const Completion>, SysError> UringLoop::wait() {
  ready_.clear();
  int r;
  do {
    r = io_uring_submit_and_wait(ring_.get(), 1);
  } while (r == -EINTR);
  if (r < 0) return std::unexpected(SysError{"io_uring_submit_and_wait", -r});
  unsigned head;
  unsigned seen = 0;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(ring_.get(), head, cqe) {
    ++seen;
    const std::uint64_t slot = io_uring_cqe_get_data64(cqe);
    if (slot == kTimerSlot) {
      ready_.push_back({timer_tag_, cqe->res});
      arm_timer();
      continue;
    }
    const Watch& w = watches_[slot];
    ready_.push_back({w.tag, cqe->res});
    // A multishot the kernel ended (overflow, or its own reasons) is armed again; one
    // that failed would only fail again, so the caller hears of it instead.
    if ((cqe->flags & IORING_CQE_F_MORE) == 0 && cqe->res >= 0) arm_poll(w);
  }
  io_uring_cq_advance(ring_.get(), seen);
  return std::span<const Completion>(ready_);
}

}  // namespace sesame
