// ufw's command lines and the journal: argv as ufw expects it, lines that round-trip,
// and a journal file rewritten whole.
#include "daemon/helper/ufw.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "daemon/helper/journal.h"

namespace sesame {
namespace {

UfwRule v4_rule() {
  return {.source = *Address::parse("198.18.0.2"), .port = {Protocol::kTcp, 2222}, .door = "ssh door"};
}
UfwRule v6_rule() {
  return {.source = *Address::parse("2001:2::2"), .port = {Protocol::kUdp, 53}, .door = "dns"};
}

TEST(Ufw, OpenAndCloseArgv) {
  EXPECT_EQ(ufw_open_argv(v4_rule()),
            (std::vector<std::string>{"ufw", "prepend", "allow", "from", "198.18.0.2", "to", "any", "port", "2222",
                                      "proto", "tcp", "comment", "sesame ssh door"}));
  EXPECT_EQ(ufw_close_argv(v6_rule()),
            (std::vector<std::string>{"ufw", "delete", "allow", "from", "2001:2::2", "to", "any", "port", "53",
                                      "proto", "udp"}));
}

TEST(Ufw, JournalLinesRoundTrip) {
  for (const UfwRule& r : {v4_rule(), v6_rule()}) {
    auto back = parse_ufw_rule(format_ufw_rule(r));
    ASSERT_TRUE(back.has_value()) << format_ufw_rule(r);
    EXPECT_EQ(*back, r);
  }
  for (std::string_view bad : {"", "198.18.0.2", "198.18.0.2 2222/tcp", "x 2222/tcp d", "198.18.0.2 0/tcp d",
                               "198.18.0.2 65536/tcp d", "198.18.0.2 22/icmp d", "198.18.0.2 22x/tcp d"})
    EXPECT_FALSE(parse_ufw_rule(bad).has_value()) << bad;
}

TEST(Journal, WritesReadsAndEmpties) {
  char templ[] = "/tmp/sesame-journal-XXXXXX";
  ASSERT_NE(mkdtemp(templ), nullptr);
  const std::string dir = std::string(templ) + "/state";
  auto journal = Journal::open(dir);
  ASSERT_TRUE(journal.has_value());
  std::size_t skipped = 0;
  EXPECT_TRUE(journal->read(skipped)->empty());
  const std::vector<UfwRule> rules{v4_rule(), v6_rule()};
  ASSERT_TRUE(journal->write(rules).has_value());
  EXPECT_EQ(*journal->read(skipped), rules);
  EXPECT_EQ(skipped, 0u);
  ASSERT_TRUE(journal->write({}).has_value());
  EXPECT_TRUE(journal->read(skipped)->empty());
  std::filesystem::remove_all(templ);
}

}  // namespace
}  // namespace sesame
