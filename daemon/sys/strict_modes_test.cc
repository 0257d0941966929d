// StrictModes: a config, one-time file or exec program that someone other than root
// can change, directly or through a directory above it, is refused with the path and
// the command that fixes it.
#include "daemon/sys/strict_modes.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sesame {
namespace {

class StrictModesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (files owned by root and by others)";
    // Under /tmp: root's and sticky, which passes although others may write to it.
    std::string tmpl = "/tmp/sesame-strict-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ::chmod(dir_.c_str(), 0755);
    config_ = dir_ + "/sesame.toml";
    write(config_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  static void write(const std::string& path) {
    std::ofstream(path) << "x\n";
    ::chmod(path.c_str(), 0644);
  }
  std::string dir_;
  std::string config_;
};

TEST_F(StrictModesTest, RootsFilesInRootsDirectoriesPass) {
  EXPECT_EQ(unsafe_path(config_), std::nullopt);
  EXPECT_EQ(strict_modes_refusal(config_, Config{}), std::nullopt);
}

TEST_F(StrictModesTest, AFileOthersCanWriteIsRefusedWithTheFix) {
  ::chmod(config_.c_str(), 0666);
  const auto bad = unsafe_path(config_);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->path, config_);
  EXPECT_EQ(bad->why.rfind("writable by group or others", 0), 0u) << bad->why;
  EXPECT_NE(bad->why.find("fix: chmod go-w '" + config_ + "'"), std::string::npos) << bad->why;
}

TEST_F(StrictModesTest, AFileOfAnotherUserIsRefused) {
  ASSERT_EQ(::chown(config_.c_str(), 65534, 65534), 0);
  const auto bad = unsafe_path(config_);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->path, config_);
  EXPECT_EQ(bad->why.rfind("owned by uid 65534, not root", 0), 0u) << bad->why;
  EXPECT_NE(bad->why.find("chown root:root '" + config_ + "'"), std::string::npos) << bad->why;
}

TEST_F(StrictModesTest, AWritableDirectoryAboveIsRefused) {
  ::chmod(dir_.c_str(), 0777);  // not sticky: anyone may replace the config
  const auto bad = unsafe_path(config_);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->path, dir_);
  EXPECT_EQ(bad->why.rfind("writable by group or others", 0), 0u) << bad->why;
}

TEST_F(StrictModesTest, ASymlinkIsCheckedWhereItLeads) {
  const std::string target = dir_ + "/real.toml";
  write(target);
  ::chmod(target.c_str(), 0646);
  const std::string link = dir_ + "/link.toml";
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  const auto bad = unsafe_path(link);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->path, target);
}

TEST_F(StrictModesTest, OneTimeFilesAndExecProgramsAreChecked) {
  Config config;
  ConfigDoor door;
  door.one_time_sequences = dir_ + "/otp";
  write(door.one_time_sequences);
  config.doors.push_back(door);
  EXPECT_EQ(strict_modes_refusal(config_, config), std::nullopt);
  ::chmod(door.one_time_sequences.c_str(), 0664);
  auto bad = strict_modes_refusal(config_, config);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->file, door.one_time_sequences);

  const std::string program = dir_ + "/open-door";
  write(program);
  Config exec;
  exec.firewall = FirewallBackend::kExec;
  ConfigDoor run;
  run.exec.start = CommandTemplate{.argv = {program, "%IP%"}};
  run.exec.stop = CommandTemplate{.argv = {"true"}};  // on the fixed PATH: root's
  exec.doors.push_back(run);
  EXPECT_EQ(strict_modes_refusal(config_, exec), std::nullopt);
  ASSERT_EQ(::chown(program.c_str(), 65534, 65534), 0);
  bad = strict_modes_refusal(config_, exec);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->file, program);
  EXPECT_EQ(bad->message.rfind("owned by uid 65534", 0), 0u) << bad->message;
}

// A door that load_config_file disabled (here: its program is missing) runs nothing;
// the others are still checked.
TEST_F(StrictModesTest, DisabledDoorsAreSkipped) {
  Config exec;
  exec.firewall = FirewallBackend::kExec;
  ConfigDoor missing;
  missing.exec.start = CommandTemplate{.argv = {dir_ + "/not-there", "%IP%"}};
  missing.disabled = ConfigError{config_, 3, 0, "Start_Command", "not there", ""};
  exec.doors.push_back(missing);
  EXPECT_EQ(strict_modes_refusal(config_, exec), std::nullopt);
  exec.doors[0].disabled.reset();
  EXPECT_TRUE(strict_modes_refusal(config_, exec).has_value());
}

}  // namespace
}  // namespace sesame
