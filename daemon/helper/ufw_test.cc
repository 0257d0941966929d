// ufw's command lines: argv as ufw expects it, for IPv4 and IPv6.
#include "daemon/helper/ufw.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(Ufw, OpenAndCloseArgv) {
  EXPECT_EQ(ufw_open_argv(*Address::parse("198.18.0.2"), {Protocol::kTcp, 2222}, "ssh door"),
            (std::vector<std::string>{"ufw", "prepend", "allow", "from", "198.18.0.2", "to", "any", "port", "2222",
                                      "proto", "tcp", "comment", "sesame ssh door"}));
  // The comment too: ufw then leaves an identical rule with another comment alone.
  EXPECT_EQ(ufw_close_argv(*Address::parse("2001:2::2"), {Protocol::kUdp, 53}, "dns"),
            (std::vector<std::string>{"ufw", "delete", "allow", "from", "2001:2::2", "to", "any", "port", "53",
                                      "proto", "udp", "comment", "sesame dns"}));
}

}  // namespace
}  // namespace sesame
