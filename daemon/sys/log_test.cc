// knockd's log lines and the line budget that bounds them under a flood.
#include "daemon/sys/log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sesame {
namespace {

const Address kSource = *Address::parse("198.18.0.2");
const Address kSource6 = *Address::parse("2001:2::2");

TEST(DoorEventLine, WritesKnockdsWording) {
  EXPECT_EQ(door_event_line(kSource, "ssh", {0, 2, DoorEventKind::kStage}), "198.18.0.2: ssh: Stage 2");
  EXPECT_EQ(door_event_line(kSource, "ssh", {0, 3, DoorEventKind::kOpen}), "198.18.0.2: ssh: OPEN SESAME");
  EXPECT_EQ(door_event_line(kSource6, "ssh", {0, 1, DoorEventKind::kTimeout}),
            "2001:2::2: ssh: sequence timeout (stage 1)");
  EXPECT_EQ(door_event_line(kSource, "ssh/close", {1, 1, DoorEventKind::kFail}),
            "198.18.0.2: ssh/close: wrong knock (stage 1)");
  EXPECT_EQ(door_event_line(kSource, "ssh", {0, 1, DoorEventKind::kScan}),
            "198.18.0.2: ssh: port scan, knock ended (stage 1)");
}

std::string contents(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// logrotate: the file renamed, a new one opened (by whoever may) and put behind the
// log's descriptor; the next line goes to the new file, none to the renamed one.
TEST(Log, ReplaceFileFollowsARename) {
  char templ[] = "/tmp/sesame-log-XXXXXX";
  ASSERT_NE(mkdtemp(templ), nullptr);
  const std::string dir = templ, path = dir + "/sesame.log";
  auto log = Log::open(Logging{.syslog = false, .to_stderr = false, .file = path, .ident = ""}, false);
  ASSERT_TRUE(log.has_value());
  log->line("before");
  std::filesystem::rename(path, path + ".1");
  auto fresh = open_log_file(path);
  ASSERT_TRUE(fresh.has_value());
  ASSERT_TRUE(log->replace_file(*fresh).has_value());
  log->line("after");
  EXPECT_NE(contents(path + ".1").find("before"), std::string::npos);
  EXPECT_EQ(contents(path + ".1").find("after"), std::string::npos);
  EXPECT_NE(contents(path).find("after"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(LineBudget, AllowsABurstThenTheRateAndCountsTheRest) {
  LineBudget budget;
  for (std::uint32_t i = 0; i < LineBudget::kBurst; ++i) EXPECT_TRUE(budget.take(1000)) << i;
  EXPECT_FALSE(budget.take(1000));
  EXPECT_FALSE(budget.take(1000));
  EXPECT_EQ(budget.take_suppressed(), 2u);
  EXPECT_EQ(budget.take_suppressed(), 0u);
  // One second later: kLinesPerSecond more, no more.
  std::uint32_t allowed = 0;
  for (int i = 0; i < 1000; ++i) allowed += budget.take(2000);
  EXPECT_EQ(allowed, LineBudget::kLinesPerSecond);
  EXPECT_EQ(budget.take_suppressed(), 1000u - LineBudget::kLinesPerSecond);
}

TEST(LineBudget, AFloodOfAMillionLinesAMinuteWritesAFewThousand) {
  LineBudget budget;
  std::uint64_t written = 0;
  for (std::uint64_t i = 0; i < 1'000'000; ++i) written += budget.take(i * 60'000 / 1'000'000);
  EXPECT_LE(written, LineBudget::kBurst + 60 * LineBudget::kLinesPerSecond);
  EXPECT_EQ(written + budget.take_suppressed(), 1'000'000u);
}

TEST(LineBudget, RefillsNoFurtherThanTheBurst) {
  LineBudget budget;
  std::uint32_t allowed = 0;
  for (int i = 0; i < 1000; ++i) allowed += budget.take(3'600'000);
  EXPECT_EQ(allowed, LineBudget::kBurst);
}

}  // namespace
}  // namespace sesame
