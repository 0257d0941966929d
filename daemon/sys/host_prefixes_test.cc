// host_prefixes reads the host's addresses with their prefix lengths.
#include "daemon/sys/host_prefixes.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sesame {
namespace {

TEST(HostPrefixesTest, LoopbackIsListedWithItsPrefix) {
  const auto prefixes = host_prefixes();
  ASSERT_TRUE(prefixes.has_value()) << format_sys_error(prefixes.error());
  if (std::ranges::none_of(*prefixes, [](const LocalPrefix& p) { return p.address.is_v4(); }))
    GTEST_SKIP() << "no IPv4 address here (loopback down?)";
  const LocalPrefix lo{*Address::parse("127.0.0.1"), 8};
  EXPECT_NE(std::ranges::find(*prefixes, lo), prefixes->end());
}

}  // namespace
}  // namespace sesame
