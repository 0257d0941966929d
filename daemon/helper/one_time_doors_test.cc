// OneTimeDoors: a line is marked before its door opens, the used sequence opens nothing
// until the sniffer confirms the next, and the last line disables the door.
#include "daemon/helper/one_time_doors.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/sys/config_file.h"

namespace sesame {
namespace {

class OneTimeDoorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/sesame-one-time-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
    seq_ = dir_ + "/ssh.seq";
    std::ofstream(seq_) << "1000,2000\n3000:udp\n";
    std::ofstream(dir_ + "/knockd.conf") << "[options]\n\tLogFile = " << dir_ << "/log\n[fixed]\n\tsequence = 7000\n"
                                         << "[ssh]\n\tone_time_sequences = " << seq_ << "\n";
    auto parsed = load_config_file(dir_ + "/knockd.conf");
    ASSERT_TRUE(parsed.has_value()) << format_config_error(parsed.error());
    config_ = std::move(parsed->config);
    doors_ = matcher_doors(config_);
    auto log = Log::open(config_.log, false);
    ASSERT_TRUE(log.has_value());
    log_.emplace(std::move(*log));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string file() const {
    std::stringstream s;
    s << std::ifstream(seq_).rdbuf();
    return s.str();
  }

  static constexpr ConfigGeneration kGeneration = 0x51;
  std::string dir_, seq_;
  Config config_;
  MatcherDoors doors_;
  std::optional<Log> log_;
};

TEST_F(OneTimeDoorsTest, MarksFirstThenWaitsForTheSnifferThenDisables) {
  OneTimeDoors one_time(config_, doors_, kGeneration, *log_);
  const auto fixed = one_time.admit(0);
  EXPECT_TRUE(fixed.open);
  EXPECT_FALSE(fixed.update.has_value());

  const auto first = one_time.admit(1);
  EXPECT_TRUE(first.open);
  ASSERT_TRUE(first.update.has_value());
  EXPECT_EQ(file(), "#000,2000\n3000:udp\n");  // marked when admit returns, before any open
  EXPECT_EQ(first.update->generation, kGeneration);
  EXPECT_EQ(first.update->door, 1u);
  EXPECT_EQ(first.update->line, 2u);
  EXPECT_EQ(first.update->sequence, (std::vector<KnockStep>{{Protocol::kUdp, 3000}}));

  // The sniffer matched the used sequence again before it took the next one.
  const auto replay = one_time.admit(1);
  EXPECT_FALSE(replay.open);
  EXPECT_FALSE(replay.update.has_value());
  EXPECT_EQ(file(), "#000,2000\n3000:udp\n");

  const std::uint32_t serial = first.update->serial;
  EXPECT_FALSE(one_time.in_force({.generation = kGeneration, .door = 1, .serial = serial + 1}));
  EXPECT_FALSE(one_time.in_force({.generation = kGeneration, .door = 0, .serial = serial}));
  EXPECT_FALSE(one_time.in_force({.generation = kGeneration + 1, .door = 1, .serial = serial}));
  EXPECT_TRUE(one_time.in_force({.generation = kGeneration, .door = 1, .serial = serial}));
  EXPECT_FALSE(one_time.in_force({.generation = kGeneration, .door = 1, .serial = serial}));  // once

  const auto last = one_time.admit(1);
  EXPECT_TRUE(last.open);
  ASSERT_TRUE(last.update.has_value());
  EXPECT_TRUE(last.update->sequence.empty());  // none left: the door is disabled
  EXPECT_EQ(file(), "#000,2000\n#000:udp\n");
  EXPECT_TRUE(one_time.in_force({.generation = kGeneration, .door = 1, .serial = last.update->serial}));
  EXPECT_FALSE(one_time.admit(1).open);
}

// After a reload the helper restates each one-time door's sequence and opens nothing
// for it until the sniffer confirms that sequence.
TEST_F(OneTimeDoorsTest, ARestatementWaitsForTheSniffer) {
  OneTimeDoors one_time(config_, doors_, kGeneration, *log_);
  const std::vector<OneTimeUpdate> restated = one_time.restate();
  ASSERT_EQ(restated.size(), 1u);
  EXPECT_EQ(restated[0].generation, kGeneration);
  EXPECT_EQ(restated[0].door, 1u);
  EXPECT_EQ(restated[0].sequence, doors_.doors[1].sequence);
  EXPECT_FALSE(one_time.admit(1).open);
  EXPECT_EQ(file(), "1000,2000\n3000:udp\n");  // nothing marked
  EXPECT_TRUE(one_time.in_force({.generation = kGeneration, .door = 1, .serial = restated[0].serial}));
  EXPECT_TRUE(one_time.admit(1).open);
}

TEST_F(OneTimeDoorsTest, ALineThatCannotBeMarkedOpensNothingAndDisablesTheDoor) {
  OneTimeDoors one_time(config_, doors_, kGeneration, *log_);
  std::ofstream(seq_, std::ios::trunc) << "5000\n";  // edited: the sequence in force is gone
  const auto a = one_time.admit(1);
  EXPECT_FALSE(a.open);
  ASSERT_TRUE(a.update.has_value());
  EXPECT_TRUE(a.update->sequence.empty());
  EXPECT_EQ(file(), "5000\n");
}

}  // namespace
}  // namespace sesame
