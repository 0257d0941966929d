// The state directory: created 0700 when missing, refused when a symlink or open to
// others, and a symlink inside it is never followed by the journal.
#include "daemon/helper/state_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/helper/journal.h"

namespace sesame {
namespace {

class StateDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/sesame-state-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    top_ = templ;
    state_ = top_ + "/state";
  }
  void TearDown() override { std::filesystem::remove_all(top_); }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string top_;
  std::string state_;
};

TEST_F(StateDirTest, AMissingDirectoryIsCreated0700) {
  ASSERT_TRUE(open_state_dir(state_).has_value());
  struct stat st {};
  ASSERT_EQ(::stat(state_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(StateDirTest, ADirectoryOthersCanEnterIsRefused) {
  ASSERT_EQ(::mkdir(state_.c_str(), 0777), 0);
  ::chmod(state_.c_str(), 0777);
  const auto fd = open_state_dir(state_);
  ASSERT_FALSE(fd.has_value());
  EXPECT_NE(fd.error().what.find("mode 0777"), std::string::npos) << fd.error().what;
  EXPECT_NE(fd.error().what.find("chmod 0700 '" + state_ + "'"), std::string::npos) << fd.error().what;
  EXPECT_FALSE(Journal::open(state_).has_value());
}

TEST_F(StateDirTest, ASymlinkedDirectoryIsRefused) {
  const std::string real = top_ + "/real";
  ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(real.c_str(), state_.c_str()), 0);
  const auto fd = open_state_dir(state_);
  ASSERT_FALSE(fd.has_value());
  EXPECT_NE(fd.error().what.find("is a symlink"), std::string::npos) << fd.error().what;
}

// The reviewer's attack: a symlink named like the journal's temporary file made the
// helper truncate the file it pointed to. Now the write fails and the file is intact.
TEST_F(StateDirTest, TheJournalFollowsNoSymlink) {
  auto journal = Journal::open(state_);
  ASSERT_TRUE(journal.has_value());
  const std::string victim = top_ + "/victim";
  std::ofstream(victim) << "root's secrets\n";
  ASSERT_EQ(::symlink(victim.c_str(), (state_ + "/grants.new").c_str()), 0);
  EXPECT_FALSE(journal->write({}).has_value());
  EXPECT_EQ(read(victim), "root's secrets\n");
  std::filesystem::remove(state_ + "/grants.new");
  ASSERT_EQ(::symlink(victim.c_str(), (state_ + "/grants").c_str()), 0);
  std::size_t skipped = 0;
  EXPECT_FALSE(journal->read(skipped).has_value());  // not the victim's lines
}

}  // namespace
}  // namespace sesame
