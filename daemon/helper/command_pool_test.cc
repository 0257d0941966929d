// CommandPool: commands run side by side, a bounded number at once, one key's in order,
// each killed at its own timeout; knockd's lines are logged.
#include "daemon/helper/command_pool.h"

#include <gtest/gtest.h>

#include "daemon/helper/log_file_test.h"

namespace sesame {
namespace {

using CommandPoolTest = LogFileTest;

using std::chrono::milliseconds;

TEST_F(CommandPoolTest, SlowCommandsRunSideBySide) {
  CommandPool pool(*log_);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(pool.run({"/bin/sleep", "0.4"}, "door" + std::to_string(i), "k" + std::to_string(i), milliseconds(5000)));
  EXPECT_EQ(pool.running(), 4u);
  pool.drain();
  // One after the other would take 1.6 s.
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1200));
  EXPECT_NE(log_text().find("door3: running command: /bin/sleep 0.4"), std::string::npos);
}

TEST_F(CommandPoolTest, BoundedAndOneKeyInOrder) {
  CommandPool pool(*log_);
  for (std::size_t i = 0; i < CommandPool::kMaxRunning + 3; ++i)
    ASSERT_TRUE(pool.run({"/bin/sleep", "0.2"}, "d", "key" + std::to_string(i), milliseconds(5000)));
  EXPECT_EQ(pool.running(), CommandPool::kMaxRunning);
  EXPECT_EQ(pool.queued(), 3u);
  pool.drain();
  // The same key: the second waits for the first (its file exists when the second runs).
  const std::string first = dir_ + "/first";
  ASSERT_TRUE(pool.run({"/bin/sh", "-c", "sleep 0.2; touch " + first}, "d", "same", milliseconds(5000)));
  ASSERT_TRUE(pool.run({"/bin/sh", "-c", "test -e " + first}, "d", "same", milliseconds(5000)));
  EXPECT_EQ(pool.running(), 1u);
  pool.drain();
  EXPECT_EQ(log_text().find("non-zero status"), std::string::npos) << log_text();
}

TEST_F(CommandPoolTest, TimeoutKillsAndFailuresAreLoggedWithKnockdsWords) {
  CommandPool pool(*log_);
  ASSERT_TRUE(pool.run({"/bin/sleep", "30"}, "slow", "a", milliseconds(200)));
  ASSERT_TRUE(pool.run({"/bin/sh", "-c", "echo no; exit 3"}, "failing", "b", milliseconds(5000)));
  const auto start = std::chrono::steady_clock::now();
  pool.drain();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(3000));
  const std::string log = log_text();
  EXPECT_NE(log.find("error: slow: /bin/sleep 30 did not finish in 0 s (command_timeout) and was killed"), std::string::npos) << log;
  EXPECT_NE(log.find("failing: command returned non-zero status code (3)"), std::string::npos) << log;
  EXPECT_NE(log.find("exited with status 3: no"), std::string::npos) << log;
}

}  // namespace
}  // namespace sesame
