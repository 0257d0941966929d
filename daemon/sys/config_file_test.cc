// config_file: reading configs and one-time files from disk, and marking a used
// sequence in place as knockd does.
#include "daemon/sys/config_file.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sesame {
namespace {

using Steps = std::vector<KnockStep>;

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sesame-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigFileTest, LoadsEitherFormat) {
  const auto knockd =
      load_config_file(write("knockd.conf", "[options]\nUseSyslog\n[d]\nsequence = 1,2\n"));
  ASSERT_TRUE(knockd.has_value()) << format_config_error(knockd.error());
  EXPECT_EQ(knockd->format, ConfigFormat::kKnockd);
  const auto toml = load_config_file(
      write("sesame.toml",
            "interfaces = [\"eth0\"]\n[[door]]\nname = \"d\"\nsequence = [1]\nopen = 22\n"));
  ASSERT_TRUE(toml.has_value()) << format_config_error(toml.error());
  EXPECT_EQ(toml->format, ConfigFormat::kToml);
}

TEST_F(ConfigFileTest, ErrorsNameTheFile) {
  const std::string missing = (dir_ / "missing.conf").string();
  const auto m = load_config_file(missing);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(format_config_error(m.error()), missing + ": No such file or directory\n");
  const auto d = load_config_file(dir_.string());
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().message, "not a regular file");
  const std::string bad = write("bad.conf", "[d]\nsequence = 99999\n");
  const auto b = load_config_file(bad);
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().file, bad);
  EXPECT_EQ(b.error().line, 2u);
}

TEST_F(ConfigFileTest, ForcedFormat) {
  // import-knockd reads knockd.conf whatever the file looks like.
  const auto p = load_config_file(write("x", "interfaces = [\"eth0\"]\n"), ConfigFormat::kKnockd);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("before any section"), std::string::npos);
}

TEST_F(ConfigFileTest, MissingOneTimeFileDisablesItsDoorAtItsLine) {
  const std::string otp = (dir_ / "ssh.otp").string();
  const std::string conf = write("knockd.conf", "[ssh]\n  one_time_sequences = " + otp + "\n");
  const auto p = load_config_file(conf);
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(p->config.doors[0].disabled.has_value());
  const ConfigError& e = *p->config.doors[0].disabled;
  EXPECT_EQ(e.file, conf);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.field, "one_time_sequences");
  EXPECT_NE(e.message.find("No such file or directory"), std::string::npos);
}

TEST_F(ConfigFileTest, ADoorWhoseProgramIsMissingIsDisabledAtItsLine) {
  const std::string conf = write("knockd.conf", "[options]\n\tUseSyslog\n[ok]\n\tsequence = 1,2\n"
                                                "\tcommand = /bin/true %IP%\n[missing]\n\tsequence = 3,4\n"
                                                "\tcommand = /nonexistent/knock_add -f %IP%\n");
  const auto p = load_config_file(conf);
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(p->config.doors[0].disabled.has_value());
  ASSERT_TRUE(p->config.doors[1].disabled.has_value());
  EXPECT_EQ(disabled_reason(p->config.doors[1]),
            conf + ":6: missing: door disabled: its start command runs /nonexistent/knock_add, which is not "
                   "installed or not executable");
  EXPECT_EQ(working_doors(p->config), 1u);
}

TEST_F(ConfigFileTest, MarkingUsesUpSequencesAsKnockdDoes) {
  const std::string original = "# used sequences start with '#'\n1000,2000\n  3000,4000:udp\n";
  const std::string otp = write("ssh.otp", original);
  const std::string conf = write("knockd.conf", "[ssh]\none_time_sequences = " + otp + "\n");
  struct stat before {};

  auto p = load_config_file(conf);
  ASSERT_TRUE(p.has_value()) << format_config_error(p.error());
  ASSERT_EQ(p->config.doors[0].door.sequence,
            (Steps{{Protocol::kTcp, 1000}, {Protocol::kTcp, 2000}}));
  ::chmod(otp.c_str(), 0640);
  ASSERT_EQ(::stat(otp.c_str(), &before), 0);
  const auto marked = mark_one_time_sequence_used(otp, p->config.doors[0].door.sequence);
  ASSERT_TRUE(marked.has_value());
  std::string expected = original;
  expected[32] = '#';
  EXPECT_EQ(read(otp), expected);
  EXPECT_EQ(*marked, expected);

  p = load_config_file(conf);
  ASSERT_TRUE(p.has_value()) << format_config_error(p.error());
  ASSERT_EQ(p->config.doors[0].door.sequence,
            (Steps{{Protocol::kTcp, 3000}, {Protocol::kUdp, 4000}}));
  // The inode of the file as the second mark finds it (the first's may be reused).
  struct stat between {};
  ASSERT_EQ(::stat(otp.c_str(), &between), 0);
  EXPECT_NE(between.st_ino, before.st_ino);
  ASSERT_TRUE(mark_one_time_sequence_used(otp, p->config.doors[0].door.sequence).has_value());
  expected[42] = '#';
  EXPECT_EQ(read(otp), expected);
  struct stat after {};
  ASSERT_EQ(::stat(otp.c_str(), &after), 0);
  // A new file renamed over the old (never torn by a crash), with its owner and mode.
  EXPECT_NE(after.st_ino, between.st_ino);
  EXPECT_EQ(after.st_size, before.st_size);
  EXPECT_EQ(after.st_mode, before.st_mode);
  EXPECT_EQ(after.st_uid, before.st_uid);
  EXPECT_EQ(after.st_gid, before.st_gid);
  EXPECT_FALSE(std::filesystem::exists(otp + ".sesame-tmp"));

  // Used up: the door is disabled (knockd refuses to start; sesame keeps other doors).
  const auto none = load_config_file(conf);
  ASSERT_TRUE(none.has_value());
  ASSERT_TRUE(none->config.doors[0].disabled.has_value());
  EXPECT_NE(none->config.doors[0].disabled->message.find("no unused sequence left"), std::string::npos);
  // And a sequence that is not in the file is not marked.
  const auto again =
      mark_one_time_sequence_used(otp, Steps{{Protocol::kTcp, 1000}, {Protocol::kTcp, 2000}});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().file, otp);
  EXPECT_EQ(read(otp), expected);
}

TEST_F(ConfigFileTest, MarkingAMissingFileFails) {
  const auto r = mark_one_time_sequence_used((dir_ / "none").string(), Steps{{Protocol::kTcp, 1}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "No such file or directory");
}

// The unit's read-only system, as root meets it: the directory bind-mounted read-only
// in a mount namespace of a child process. The error says which drop-in lets it write.
TEST_F(ConfigFileTest, MarkingOnAReadOnlyMountNamesTheDropIn) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (a mount namespace)";
  const std::string dir = dir_.string();
  const std::string original = "1000,2000\n";
  const std::string otp = write("ssh.otp", original);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
        ::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
      ::_exit(77);
    const auto r = mark_one_time_sequence_used(otp, Steps{{Protocol::kTcp, 1000}, {Protocol::kTcp, 2000}});
    const bool named = !r && r.error().message.find("Read-only file system; if sesamed runs under systemd") !=
                                 std::string::npos &&
                       r.error().message.find("ReadWritePaths=" + dir + "\"") != std::string::npos;
    ::_exit(named ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "no mount namespace here";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the error did not name the drop-in";
  EXPECT_EQ(read(otp), original);
}

}  // namespace
}  // namespace sesame
