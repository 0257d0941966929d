#include "daemon/helper/spawn.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

using namespace std::chrono_literals;

TEST(Spawn, CollectsOutputAndStatus) {
  auto echo = spawn_and_wait({"echo", "one", "two"}, 5s);
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->exit_status, 0);
  EXPECT_EQ(echo->output, "one two");
  EXPECT_FALSE(echo->timed_out);
  auto failing = spawn_and_wait({"false"}, 5s);
  ASSERT_TRUE(failing.has_value());
  EXPECT_EQ(failing->exit_status, 1);
}

TEST(Spawn, FindsProgramsOnTheFixedPathOnly) {
  EXPECT_EQ(find_program("true"), "/usr/bin/true");
  EXPECT_EQ(find_program("/bin/true"), "/bin/true");
  EXPECT_EQ(find_program("sesame-no-such-command"), std::nullopt);
  EXPECT_EQ(find_program("/nonexistent/ufw"), std::nullopt);
}

TEST(Spawn, MissingProgramFails) {
  EXPECT_FALSE(spawn_and_wait({"/nonexistent/ufw"}, 5s).has_value());
  EXPECT_FALSE(spawn_and_wait({"sesame-no-such-command"}, 5s).has_value());
}

TEST(Spawn, HungCommandIsKilledWithWhatItStarted) {
  // timeout(1) starts sleep as its child: both are killed, or the output pipe would
  // stay open.
  const auto start = std::chrono::steady_clock::now();
  auto hung = spawn_and_wait({"timeout", "30", "sleep", "30"}, 300ms);
  ASSERT_TRUE(hung.has_value());
  EXPECT_TRUE(hung->timed_out);
  EXPECT_EQ(hung->exit_status, 128 + 9);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
}  // namespace sesame
