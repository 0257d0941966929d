// knockd's log lines and the line budget that bounds them under a flood.
#include "daemon/sys/log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

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

// A directory of its own for one test's log file, removed after.
struct LogDir {
  LogDir() {
    char templ[] = "/tmp/sesame-log-XXXXXX";
    EXPECT_NE(mkdtemp(templ), nullptr);
    dir = templ;
  }
  ~LogDir() { std::filesystem::remove_all(dir); }
  Logging file_only() const { return Logging{.syslog = false, .to_stderr = false, .file = path(), .ident = ""}; }
  std::string path() const { return dir + "/sesame.log"; }
  std::string dir;
};

// The descriptors this process holds on `path`.
int descriptors_on(const std::string& path) {
  int n = 0;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    if (std::filesystem::read_symlink(fd.path(), ec) == path) ++n;
  }
  return n;
}

// logrotate: the file renamed, then opened again at its path behind the log's
// descriptor; the next line goes to the new file, none to the renamed one.
TEST(Log, ReopenFileFollowsARename) {
  LogDir d;
  const std::string path = d.path();
  auto log = Log::open(d.file_only(), false);
  ASSERT_TRUE(log.has_value());
  log->line("before");
  std::filesystem::rename(path, path + ".1");
  ASSERT_TRUE(log->reopen_file().has_value());
  log->line("after");
  EXPECT_NE(contents(path + ".1").find("before"), std::string::npos);
  EXPECT_EQ(contents(path + ".1").find("after"), std::string::npos);
  EXPECT_NE(contents(path).find("after"), std::string::npos);
}

// The sniffer's drop: the file's descriptor is gone, its lines reach the relay
// (untimestamped: the helper stamps them), and nothing more reaches the file.
TEST(Log, RelayTakesTheFileLinesAndClosesTheFile) {
  LogDir d;
  auto log = Log::open(d.file_only(), false);
  ASSERT_TRUE(log.has_value());
  log->line("before the drop");
  EXPECT_EQ(descriptors_on(d.path()), 1);
  std::vector<std::string> relayed;
  log->relay_file_lines([&](std::string_view s) {
    relayed.emplace_back(s);
    return true;
  });
  EXPECT_EQ(descriptors_on(d.path()), 0);
  log->line("198.18.0.2: ssh: OPEN SESAME");
  EXPECT_EQ(relayed, std::vector<std::string>{"198.18.0.2: ssh: OPEN SESAME"});
  EXPECT_EQ(contents(d.path()).find("OPEN SESAME"), std::string::npos);
  EXPECT_TRUE(log->reopen_file().has_value());  // nothing to reopen
  EXPECT_EQ(descriptors_on(d.path()), 0);
}

// With stderr as well (-v), a line goes to both the relay and stderr.
TEST(Log, RelayWithStderrTakesEveryLine) {
  LogDir d;
  Logging sinks = d.file_only();
  sinks.to_stderr = true;
  auto log = Log::open(sinks, false);
  ASSERT_TRUE(log.has_value());
  int relayed = 0;
  log->relay_file_lines([&](std::string_view) { return ++relayed > 0; });
  log->line("198.18.0.2: ssh: Stage 1");
  EXPECT_EQ(relayed, 1);
}

// Without a file there is nothing to relay: lines keep going to stderr only.
TEST(Log, NoFileNoRelay) {
  auto log = Log::open(Logging{.syslog = false, .to_stderr = false, .file = "", .ident = ""}, false);
  ASSERT_TRUE(log.has_value());
  bool called = false;
  log->relay_file_lines([&](std::string_view) { return called = true; });
  log->line("to stderr");
  EXPECT_FALSE(called);
}

// The helper's writer: the tagged line in the file, with knockd's timestamp.
TEST(Log, FileLineWritesTheFileAlone) {
  LogDir d;
  auto log = Log::open(d.file_only(), false);
  ASSERT_TRUE(log.has_value());
  log->file_line("sesamed: 198.18.0.2: ssh: Stage 1");
  const std::string text = contents(d.path());
  EXPECT_EQ(text.front(), '[');
  EXPECT_NE(text.find("] sesamed: 198.18.0.2: ssh: Stage 1\n"), std::string::npos);
}

TEST(Log, SnifferTagIsTheIdentOrSesamed) {
  EXPECT_EQ(sniffer_tag(Logging{}), "sesamed");
  EXPECT_EQ(sniffer_tag(Logging{.syslog = true, .to_stderr = false, .file = "", .ident = "knockd"}), "knockd");
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
