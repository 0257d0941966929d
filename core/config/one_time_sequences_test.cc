// One-time sequence files: the current line and the mark, as knockd 0.8 reads and writes them.
#include "core/config/one_time_sequences.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace sesame {
namespace {

using Steps = std::vector<KnockStep>;
constexpr Protocol kTcp = Protocol::kTcp;
constexpr Protocol kUdp = Protocol::kUdp;

// What knockd does once a sequence has opened its door.
std::string mark(std::string text, const Steps& used) {
  const auto at = one_time_mark_offset(text, used);
  EXPECT_TRUE(at.has_value());
  if (at) text[*at] = '#';
  return text;
}

TEST(OneTimeSequences, FirstLineThatIsNotBlankOrCommentIsCurrent) {
  const auto s =
      current_one_time_sequence("# used up\n\n   \n#000,2\n 1000,2000:udp,3000\n4,5\n", "f");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->sequence, (Steps{{kTcp, 1000}, {kUdp, 2000}, {kTcp, 3000}}));
  EXPECT_EQ(s->line, 5u);
}

TEST(OneTimeSequences, MarkingOverwritesTheLinesFirstByteAndMovesOn) {
  std::string text = "1000,2000\n3000,4000\n";
  text = mark(text, {{kTcp, 1000}, {kTcp, 2000}});
  EXPECT_EQ(text, "#000,2000\n3000,4000\n");
  auto next = current_one_time_sequence(text, "f");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->sequence, (Steps{{kTcp, 3000}, {kTcp, 4000}}));
  text = mark(text, next->sequence);
  EXPECT_EQ(text, "#000,2000\n#000,4000\n");
  const auto none = current_one_time_sequence(text, "f.otp");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().file, "f.otp");
  EXPECT_NE(none.error().message.find("no unused sequence left"), std::string::npos);
}

TEST(OneTimeSequences, LeadingBlankIsTheByteMarked) {
  // knockd writes at the line's start, so the blank becomes the '#'.
  EXPECT_EQ(mark("  1000,2000\n", {{kTcp, 1000}, {kTcp, 2000}}), "# 1000,2000\n");
}

TEST(OneTimeSequences, MarkFindsTheUsedLineEvenIfTheFileChanged) {
  // A line added in front since the sequence was read: knockd searches for the sequence.
  EXPECT_EQ(mark("9,9\n1000,2000\n", {{kTcp, 1000}, {kTcp, 2000}}), "9,9\n#000,2000\n");
  EXPECT_FALSE(one_time_mark_offset("1,2\n", Steps{{kTcp, 3}}).has_value());
  EXPECT_FALSE(one_time_mark_offset("1,2\n", Steps{{kUdp, 1}, {kUdp, 2}}).has_value());
}

TEST(OneTimeSequences, LinesKnockdRefusesAreSkippedAndNotMarked) {
  // knockd refuses these (port above 65535, unknown protocol, 33 ports) and moves on;
  // knockd itself would put the '#' on the first of them (see the header): sesame
  // marks the line that was used.
  std::string many;
  for (int i = 1; i <= 33; ++i) many += std::to_string(i) + (i < 33 ? "," : "\n");
  const std::string text = "70000,1\n1:icmp\n" + many + "5,6\n";
  const auto s = current_one_time_sequence(text, "f");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->sequence, (Steps{{kTcp, 5}, {kTcp, 6}}));
  EXPECT_EQ(s->line, 4u);
  EXPECT_EQ(mark(text, s->sequence), "70000,1\n1:icmp\n" + many + "#,6\n");
}

TEST(OneTimeSequences, LineKnockdReadsLenientlyIsAnErrorWithItsPosition) {
  // knockd's atoi makes "x" port 0 and "80x" port 80; sesame would disagree on the
  // sequence, so it refuses to guess.
  for (const char* line : {"hello", "80x,90", "1,,2", "-1,2", "1:tcp:x"}) {
    const auto s = current_one_time_sequence(std::string("# c\n") + line + "\n5,6\n", "ssh.otp");
    ASSERT_FALSE(s.has_value()) << line;
    EXPECT_EQ(s.error().file, "ssh.otp");
    EXPECT_EQ(s.error().line, 2u);
    EXPECT_EQ(s.error().source_line, line);
    EXPECT_NE(s.error().message.find("mark it used with '#'"), std::string::npos);
  }
}

TEST(OneTimeSequences, TextThatIsNotLinesIsRefused) {
  const auto nul = current_one_time_sequence(std::string("1,2\0x\n", 6), "f");
  ASSERT_FALSE(nul.has_value());
  EXPECT_EQ(nul.error().column, 4u);
  EXPECT_FALSE(current_one_time_sequence("1,2 \xff\n", "f").has_value());
  EXPECT_FALSE(current_one_time_sequence(std::string(5000, '1'), "f").has_value());
}

TEST(OneTimeSequences, CrlfLinesWork) {
  const auto s = current_one_time_sequence("#1,2\r\n3,4:udp\r\n", "f");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->sequence, (Steps{{kTcp, 3}, {kUdp, 4}}));
}

TEST(OneTimeSequences, TestdataFileAsKnockdReadIt) {
  // knockd 0.8 -D on core/config/testdata/one_time.knockd.conf printed
  // "new sequence for door oneTimeSSH: 4000:tcp,5000:udp,6000:tcp".
  std::ifstream in(SESAME_SOURCE_DIR "/core/config/testdata/one_time.seq");
  std::stringstream text;
  text << in.rdbuf();
  const auto s = current_one_time_sequence(text.str(), "one_time.seq");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->sequence, (Steps{{kTcp, 4000}, {kUdp, 5000}, {kTcp, 6000}}));
}

}  // namespace
}  // namespace sesame
