// The journal: lines that round-trip for every backend, lines that are not records,
// and a file rewritten whole.
#include "daemon/helper/journal.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace sesame {
namespace {

GrantRecord ufw_record() {
  return {.backend = FirewallBackend::kUfw,
          .source = *Address::parse("198.18.0.2"),
          .ports = {{Protocol::kTcp, 2222}, {Protocol::kUdp, 53}},
          .deadline = 1767225600,
          .door = "ssh door"};
}
GrantRecord exec_record() {
  return {.backend = FirewallBackend::kExec, .source = *Address::parse("2001:2::2"), .ports = {}, .deadline = {},
          .door = "dns"};
}

TEST(Journal, LinesRoundTrip) {
  EXPECT_EQ(format_grant_record(ufw_record()), "ufw 198.18.0.2 2222/tcp,53/udp 1767225600 ssh door");
  EXPECT_EQ(format_grant_record(exec_record()), "exec 2001:2::2 - - dns");
  GrantRecord nft = ufw_record();
  nft.backend = FirewallBackend::kNft;
  for (const GrantRecord& r : {ufw_record(), exec_record(), nft}) {
    auto back = parse_grant_record(format_grant_record(r));
    ASSERT_TRUE(back.has_value()) << format_grant_record(r);
    EXPECT_EQ(*back, r);
  }
  for (std::string_view bad :
       {"", "ufw", "ufw 198.18.0.2 2222/tcp -", "iptables 198.18.0.2 2222/tcp - d", "ufw x 2222/tcp - d",
        "ufw 198.18.0.2 0/tcp - d", "ufw 198.18.0.2 65536/tcp - d", "ufw 198.18.0.2 22/icmp - d",
        "ufw 198.18.0.2 22x/tcp - d", "ufw 198.18.0.2 22/tcp, - d", "ufw 198.18.0.2 22/tcp -5 d",
        "ufw 198.18.0.2 22/tcp 5x d", "198.18.0.2 2222/tcp ssh"})
    EXPECT_FALSE(parse_grant_record(bad).has_value()) << bad;
}

TEST(Journal, WritesReadsAndEmpties) {
  char templ[] = "/tmp/sesame-journal-XXXXXX";
  ASSERT_NE(mkdtemp(templ), nullptr);
  const std::string dir = std::string(templ) + "/state";
  auto journal = Journal::open(dir);
  ASSERT_TRUE(journal.has_value());
  std::size_t skipped = 0;
  EXPECT_TRUE(journal->read(skipped)->empty());
  const std::vector<GrantRecord> records{ufw_record(), exec_record()};
  ASSERT_TRUE(journal->write(records).has_value());
  EXPECT_EQ(*journal->read(skipped), records);
  EXPECT_EQ(skipped, 0u);
  ASSERT_TRUE(journal->write({}).has_value());
  EXPECT_TRUE(journal->read(skipped)->empty());
  std::filesystem::remove_all(templ);
}

}  // namespace
}  // namespace sesame
