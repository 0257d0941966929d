#include "core/open_limiter.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(OpenLimiter, PerSourceLimitLeavesOthersAlone) {
  OpenLimiter l({.global_burst = 100, .global_interval_ms = 1, .source_burst = 2, .source_interval_ms = 1000});
  const Address a = Address::v4(0xc6120002), b = Address::v4(0xc6120003);
  EXPECT_EQ(l.admit(a, 0), OpenVerdict::kAllowed);
  EXPECT_EQ(l.admit(a, 0), OpenVerdict::kAllowed);
  EXPECT_EQ(l.admit(a, 0), OpenVerdict::kSourceLimited);
  EXPECT_EQ(l.admit(b, 0), OpenVerdict::kAllowed);
  EXPECT_EQ(l.admit(a, 1000), OpenVerdict::kAllowed);
}

// One host with a /64 has one bucket, not 2^64 of them.
TEST(OpenLimiter, Ipv6SourcesShareTheirPrefixsBucket) {
  OpenLimiter l({.global_burst = 100, .global_interval_ms = 1, .source_burst = 2, .source_interval_ms = 60'000});
  EXPECT_EQ(l.admit(*Address::parse("2001:2::1:1"), 0), OpenVerdict::kAllowed);
  EXPECT_EQ(l.admit(*Address::parse("2001:2::ffff:2"), 0), OpenVerdict::kAllowed);
  EXPECT_EQ(l.admit(*Address::parse("2001:2::abcd:3"), 0), OpenVerdict::kSourceLimited);
  EXPECT_EQ(l.admit(*Address::parse("2001:2:0:1::1"), 0), OpenVerdict::kAllowed);  // the next /64
  EXPECT_EQ(l.sources(), 2u);
  // Configurable: per /128 again.
  OpenLimiter exact({.global_burst = 100, .global_interval_ms = 1, .source_burst = 1, .source_interval_ms = 60'000,
                     .ipv6_prefix_length = 128});
  EXPECT_EQ(exact.admit(*Address::parse("2001:2::1"), 0), OpenVerdict::kAllowed);
  EXPECT_EQ(exact.admit(*Address::parse("2001:2::2"), 0), OpenVerdict::kAllowed);
}

TEST(OpenLimiter, GlobalLimitAndRefusalsCostNothing) {
  OpenLimiter l({.global_burst = 3, .global_interval_ms = 100, .source_burst = 1, .source_interval_ms = 60'000});
  for (std::uint32_t i = 0; i < 3; ++i) EXPECT_EQ(l.admit(Address::v4(0xc6120000 + i), 0), OpenVerdict::kAllowed);
  const Address late = Address::v4(0xc6120100);
  EXPECT_EQ(l.admit(late, 50), OpenVerdict::kGlobalLimited);
  // The global refusal took no token from `late`'s own bucket.
  EXPECT_EQ(l.admit(late, 100), OpenVerdict::kAllowed);
  EXPECT_EQ(l.admit(late, 300), OpenVerdict::kSourceLimited);
}

TEST(OpenLimiter, MemoryStaysBounded) {
  OpenLimiter l({.global_burst = 1'000'000, .global_interval_ms = 1, .source_burst = 1, .source_interval_ms = 1000,
                 .max_sources = 16});
  for (std::uint32_t i = 0; i < 16; ++i) EXPECT_EQ(l.admit(Address::v4(i + 1), 0), OpenVerdict::kAllowed);
  EXPECT_EQ(l.admit(Address::v4(100), 10), OpenVerdict::kTooManySources);
  EXPECT_EQ(l.sources(), 16u);
  // Once their buckets are full again the old sources are forgotten to make room.
  EXPECT_EQ(l.admit(Address::v4(100), 1000), OpenVerdict::kAllowed);
  EXPECT_EQ(l.sources(), 1u);
}

}  // namespace
}  // namespace sesame
