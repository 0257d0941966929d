// check_source: every address class the review knocked from is refused with its
// reason, real clients pass, and link-local passes only when a door opts in.
#include "core/source_check.h"

#include <gtest/gtest.h>

#include <vector>

namespace sesame {
namespace {

Address a(const char* text) { return *Address::parse(text); }

// The test namespace's server: 198.18.0.1/24 and 2001:2::1/64, plus loopback.
const std::vector<LocalPrefix> kHost{
    {a("198.18.0.1"), 24}, {a("2001:2::1"), 64}, {a("127.0.0.1"), 8}, {a("::1"), 128}, {a("fe80::1:2"), 64},
    {a("198.18.1.1"), 31},
};

std::optional<SourceReject> check(const char* text, bool link_local = false) {
  return check_source(a(text), kHost, link_local);
}

TEST(SourceCheckTest, EachClassTheReviewUsedIsRefusedWithItsReason) {
  EXPECT_EQ(check("0.0.0.0"), SourceReject::kUnspecified);
  EXPECT_EQ(check("0.1.2.3"), SourceReject::kUnspecified);
  EXPECT_EQ(check("::"), SourceReject::kUnspecified);
  EXPECT_EQ(check("127.0.0.1"), SourceReject::kLoopback);
  EXPECT_EQ(check("127.9.9.9"), SourceReject::kLoopback);
  EXPECT_EQ(check("::1"), SourceReject::kLoopback);
  EXPECT_EQ(check("224.0.0.1"), SourceReject::kMulticast);
  EXPECT_EQ(check("239.255.255.250"), SourceReject::kMulticast);
  EXPECT_EQ(check("ff02::1"), SourceReject::kMulticast);
  EXPECT_EQ(check("255.255.255.255"), SourceReject::kLimitedBroadcast);
  EXPECT_EQ(check("198.18.0.255"), SourceReject::kDirectedBroadcast);
  EXPECT_EQ(check("198.18.0.1"), SourceReject::kOwnAddress);
  EXPECT_EQ(check("2001:2::1"), SourceReject::kOwnAddress);
  EXPECT_EQ(check("fe80::1"), SourceReject::kLinkLocal);
  EXPECT_EQ(check("febf::1"), SourceReject::kLinkLocal);
  EXPECT_EQ(check("169.254.7.7"), SourceReject::kLinkLocal);
}

TEST(SourceCheckTest, RealClientsPass) {
  for (const char* ok : {"198.18.0.2", "198.18.0.254", "198.18.1.0", "2001:2::2", "2001:2::ffff", "fec0::1",
                         "198.19.255.255", "223.255.255.254"})
    EXPECT_EQ(check(ok), std::nullopt) << ok;
}

TEST(SourceCheckTest, ASlash31HasNoBroadcast) {
  EXPECT_EQ(check("198.18.1.0"), std::nullopt);
  EXPECT_EQ(check("198.18.1.1"), SourceReject::kOwnAddress);
}

TEST(SourceCheckTest, LinkLocalPassesOnlyWhenAllowed) {
  EXPECT_EQ(check("fe80::2", true), std::nullopt);
  EXPECT_EQ(check("169.254.7.7", true), std::nullopt);
  // The host's own link-local address stays refused.
  EXPECT_EQ(check("fe80::1:2", true), SourceReject::kOwnAddress);
}

TEST(SourceCheckTest, WithoutHostAddressesOnlyFixedRangesAreRefused) {
  EXPECT_EQ(check_source(a("198.18.0.255"), {}, false), std::nullopt);
  EXPECT_EQ(check_source(a("127.0.0.1"), {}, false), SourceReject::kLoopback);
}

}  // namespace
}  // namespace sesame
