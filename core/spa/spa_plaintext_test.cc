#include "core/spa/spa_plaintext.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

#include "core/spa/spa_crypto.h"

namespace sesame {
namespace {

// The fields, then ':' and their digest, as a client would encrypt them.
std::string with_digest(std::string_view fields, SpaDigest d = SpaDigest::kSha256) {
  std::array<char, kMaxSpaDigestBase64Size> digest;
  const auto n = spa_digest_base64(d, fields, digest);
  return std::string(fields) + ":" + std::string(digest.data(), *n);
}

// root, 198.18.0.2,tcp/22 (base64 without '=').
constexpr std::string_view kAccess = "1234567890123456:cm9vdA:1795528959:3.0.0:1:MTk4LjE4LjAuMix0Y3AvMjI";

SpaReject rejected(std::string_view fields) {
  const auto m = parse_spa_plaintext(with_digest(fields));
  EXPECT_FALSE(m) << fields;
  return m ? SpaReject{} : m.error();
}

TEST(SpaPlaintext, ParsesAnAccessMessage) {
  const auto m = parse_spa_plaintext(with_digest(kAccess));
  ASSERT_TRUE(m) << spa_reject_name(m.error());
  EXPECT_EQ(m->rand, "1234567890123456");
  EXPECT_EQ(m->user, "root");
  EXPECT_EQ(m->timestamp, 1795528959u);
  EXPECT_EQ(m->message, "198.18.0.2,tcp/22");
  EXPECT_EQ(m->ports, (std::vector<SpaPort>{{Protocol::kTcp, 22}}));
}

TEST(SpaPlaintext, InfersEveryDigestFromItsLength) {
  for (SpaDigest d : {SpaDigest::kMd5, SpaDigest::kSha1, SpaDigest::kSha256, SpaDigest::kSha384,
                      SpaDigest::kSha512, SpaDigest::kSha3_256, SpaDigest::kSha3_512}) {
    const auto m = parse_spa_plaintext(with_digest(kAccess, d));
    ASSERT_TRUE(m) << enum_name(kSpaDigestNames, d);
    EXPECT_EQ(m->digest, d);
  }
}

TEST(SpaPlaintext, RejectsADigestThatDoesNotCoverTheFields) {
  std::string text = with_digest(kAccess);
  text[20] = 'X';  // the user field, after the digest was made
  EXPECT_EQ(parse_spa_plaintext(text).error(), SpaReject::kDigestMismatch);
  EXPECT_EQ(parse_spa_plaintext(std::string(kAccess) + ":abc").error(), SpaReject::kBadDigestLength);
}

TEST(SpaPlaintext, ReadsTheOptionalAndTypeFields) {
  // 3: client timeout; server_auth ("auth") before it.
  const auto timeout = parse_spa_plaintext(with_digest(
      "1234567890123456:cm9vdA:1795528959:3.0.0:3:MTk4LjE4LjAuMix0Y3AvMjI:YXV0aA:60"));
  ASSERT_TRUE(timeout) << spa_reject_name(timeout.error());
  EXPECT_EQ(timeout->client_timeout, 60u);
  EXPECT_EQ(timeout->server_auth, "auth");
  // 2: NAT access "198.18.0.5,2222".
  const auto nat = parse_spa_plaintext(with_digest(
      "1234567890123456:cm9vdA:1795528959:3.0.0:2:MTk4LjE4LjAuMix0Y3AvMjI:MTk4LjE4LjAuNSwyMjIy"));
  ASSERT_TRUE(nat) << spa_reject_name(nat.error());
  EXPECT_EQ(nat->nat_access, "198.18.0.5,2222");
}

TEST(SpaPlaintext, RejectsEachMalformedField) {
  EXPECT_EQ(rejected("123456789012345:cm9vdA:1795528959:3.0.0:1:MTk4LjE4LjAuMix0Y3AvMjI"),
            SpaReject::kBadRandom);
  EXPECT_EQ(rejected("123456789012345x:cm9vdA:1795528959:3.0.0:1:MTk4LjE4LjAuMix0Y3AvMjI"),
            SpaReject::kBadRandom);
  // "ro/t": fwknop forbids '/' in user names.
  EXPECT_EQ(rejected("1234567890123456:cm8vdA:1795528959:3.0.0:1:MTk4LjE4LjAuMix0Y3AvMjI"),
            SpaReject::kBadUser);
  EXPECT_EQ(rejected("1234567890123456::1795528959:3.0.0:1:MTk4LjE4LjAuMix0Y3AvMjI"),
            SpaReject::kBadUser);
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:17955x8959:3.0.0:1:MTk4LjE4LjAuMix0Y3AvMjI"),
            SpaReject::kBadTimestamp);
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959000:3.0.0:1:MTk4LjE4LjAuMix0Y3AvMjI"),
            SpaReject::kBadTimestamp);
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0.123:1:MTk4LjE4LjAuMix0Y3AvMjI"),
            SpaReject::kBadVersion);
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:7:MTk4LjE4LjAuMix0Y3AvMjI"),
            SpaReject::kBadMessageType);
  // Type 3 needs its client timeout field.
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:3:MTk4LjE4LjAuMix0Y3AvMjI"),
            SpaReject::kBadFieldCount);
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:3:MTk4LjE4LjAuMix0Y3AvMjI:99999"),
            SpaReject::kBadClientTimeout);
  // "198.18.0.2,icmp/22", "198.18.0.2", "::1,tcp/22", "198.18.0.2,tcp/0".
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:1:MTk4LjE4LjAuMixpY21wLzIy"),
            SpaReject::kBadMessage);
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:1:MTk4LjE4LjAuMg"),
            SpaReject::kBadMessage);
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:1:OjoxLHRjcC8yMg"),
            SpaReject::kBadMessage);
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:1:MTk4LjE4LjAuMix0Y3AvMA"),
            SpaReject::kBadMessage);
  // NAT "198.18.0.5" without its port.
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:2:MTk4LjE4LjAuMix0Y3AvMjI:MTk4LjE4LjAuNQ"),
            SpaReject::kBadNatAccess);
}

TEST(SpaPlaintext, RejectsFieldCountsAndBytesNoClientSends) {
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:1"), SpaReject::kBadFieldCount);
  EXPECT_EQ(rejected("1234567890123456:cm9vdA:1795528959:3.0.0:1:MTk4LjE4LjAuMix0Y3AvMjI:YQ:YQ"),
            SpaReject::kBadFieldCount);
  EXPECT_EQ(parse_spa_plaintext(std::string(kAccess) + ":a:a:a:a:a").error(), SpaReject::kBadFieldCount);
  std::string text = with_digest(kAccess);
  text[3] = '\n';
  EXPECT_EQ(parse_spa_plaintext(text).error(), SpaReject::kBadPlaintext);
  EXPECT_EQ(parse_spa_plaintext("1234567890123456:short").error(), SpaReject::kBadPlaintext);
}

}  // namespace
}  // namespace sesame
