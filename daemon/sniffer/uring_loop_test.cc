#include "daemon/sniffer/uring_loop.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "daemon/sys/unique_fd.h"

namespace sesame {
namespace {

using namespace std::chrono_literals;

TEST(UringLoop, RestrictedRingStillPollsAndTimesOut) {
  auto loop = UringLoop::create();
  ASSERT_TRUE(loop.has_value()) << format_sys_error(loop.error());
  // Linux 5.10 and later restrict the ring; CI's kernels are newer.
  EXPECT_TRUE((*loop)->restricted());

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const UniqueFd read_end(fds[0]), write_end(fds[1]);
  (*loop)->watch(read_end.get(), 7);
  (*loop)->every(1ms, 9);
  ASSERT_EQ(write(write_end.get(), "x", 1), 1);
  bool polled = false, ticked = false;
  for (int i = 0; i < 100 && !(polled && ticked); ++i) {
    auto ready = (*loop)->wait();
    ASSERT_TRUE(ready.has_value()) << format_sys_error(ready.error());
    for (const Completion& c : *ready) {
      if (c.tag == 7) {
        EXPECT_GT(c.result, 0);
        polled = true;
      }
      if (c.tag == 9) ticked = true;
    }
  }
  EXPECT_TRUE(polled);
  EXPECT_TRUE(ticked);
}

}  // namespace
}  // namespace sesame
