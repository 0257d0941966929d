#include "core/spa/spa_decoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/spa/base64.h"
#include "core/spa/spa_test_packets.h"

namespace sesame {
namespace {

TEST(SpaDecoder, DecodesTheCapturedPacketToWhatTheClientReported) {
  const auto m = decode_spa(capture_payload(), capture_keys());
  ASSERT_TRUE(m) << spa_reject_name(m.error());
  EXPECT_EQ(m->rand.size(), 16u);
  EXPECT_EQ(m->user, "root");
  EXPECT_EQ(m->timestamp, 1795528959u);
  EXPECT_EQ(m->version, "3.0.0");
  EXPECT_EQ(m->type, SpaMessageType::kAccess);
  EXPECT_EQ(m->message, "198.18.0.2,tcp/22");
  EXPECT_FALSE(m->nat_access);
  EXPECT_FALSE(m->server_auth);
  EXPECT_FALSE(m->client_timeout);
  EXPECT_EQ(m->digest, SpaDigest::kSha256);
  EXPECT_EQ(m->allow, *Address::parse("198.18.0.2"));
  EXPECT_EQ(m->ports, (std::vector<SpaPort>{{Protocol::kTcp, 22}}));
}

struct Fixture {
  const char* name;
  SpaDigest hmac;  // unused where the fixture has no HMAC
  bool passphrase;  // --key-rijndael sesame, no HMAC
  bool legacy_iv;
};

class SpaClientPacket : public testing::TestWithParam<Fixture> {};

// Every field the client's own dump lists must come out of the packet.
TEST_P(SpaClientPacket, DecodesToTheFieldsTheClientEncoded) {
  const Fixture& f = GetParam();
  SpaKeys keys = base64_keys(kFixtureKey, kFixtureHmacKey, f.hmac);
  if (f.passphrase) keys = {Bytes(kFixturePassphrase.begin(), kFixturePassphrase.end()), {}, f.hmac, f.legacy_iv};
  const auto m = decode_spa(fixture_payload(f.name), keys);
  ASSERT_TRUE(m) << spa_reject_name(m.error());
  auto fields = fixture_fields(f.name);
  EXPECT_EQ(m->rand, fields["Random Value"]);
  EXPECT_EQ(m->user, fields["Username"]);
  EXPECT_EQ(std::to_string(m->timestamp), fields["Timestamp"]);
  EXPECT_EQ(m->version, fields["FKO Version"]);
  EXPECT_EQ(std::to_string(static_cast<int>(m->type)), fields["Message Type"].substr(0, 1));
  EXPECT_EQ(m->message, fields["Message String"]);
  EXPECT_EQ(m->nat_access.value_or("<NULL>"), fields["Nat Access"]);
  EXPECT_EQ(m->server_auth.value_or("<NULL>"), fields["Server Auth"]);
  EXPECT_EQ(std::to_string(m->client_timeout.value_or(0)), fields["Client Timeout"]);
  std::string digest(enum_name(kSpaDigestNames, m->digest));
  for (char& c : digest) c = static_cast<char>(std::toupper(c));
  EXPECT_NE(fields["Digest Type"].find("(" + digest + ")"), std::string::npos) << fields["Digest Type"];
}

INSTANTIATE_TEST_SUITE_P(
    MadeByFwknop, SpaClientPacket,
    testing::Values(Fixture{"access", SpaDigest::kSha256, false, false},
                    Fixture{"ports", SpaDigest::kSha256, false, false},
                    Fixture{"source", SpaDigest::kSha256, false, false},
                    Fixture{"user", SpaDigest::kSha256, false, false},
                    Fixture{"client_timeout", SpaDigest::kSha256, false, false},
                    Fixture{"nat", SpaDigest::kSha256, false, false},
                    Fixture{"command", SpaDigest::kSha256, false, false},
                    Fixture{"digest_md5", SpaDigest::kSha256, false, false},
                    Fixture{"digest_sha1", SpaDigest::kSha256, false, false},
                    Fixture{"digest_sha384", SpaDigest::kSha256, false, false},
                    Fixture{"digest_sha512", SpaDigest::kSha256, false, false},
                    Fixture{"hmac_md5", SpaDigest::kMd5, false, false},
                    Fixture{"hmac_sha1", SpaDigest::kSha1, false, false},
                    Fixture{"hmac_sha384", SpaDigest::kSha384, false, false},
                    Fixture{"hmac_sha512", SpaDigest::kSha512, false, false},
                    Fixture{"legacy_iv", SpaDigest::kSha256, true, true},
                    Fixture{"passphrase_no_hmac", SpaDigest::kSha256, true, false}),
    [](const testing::TestParamInfo<Fixture>& p) { return std::string(p.param.name); });

TEST(SpaDecoder, ReadsThePortsAndTheSourceRequest) {
  const auto ports = decode_spa(fixture_payload("ports"), base64_keys(kFixtureKey, kFixtureHmacKey));
  ASSERT_TRUE(ports);
  EXPECT_EQ(ports->ports, (std::vector<SpaPort>{{Protocol::kTcp, 22}, {Protocol::kUdp, 53},
                                                {Protocol::kTcp, 443}}));
  const auto source = decode_spa(fixture_payload("source"), base64_keys(kFixtureKey, kFixtureHmacKey));
  ASSERT_TRUE(source);
  EXPECT_EQ(source->allow, *Address::parse("0.0.0.0"));
}

TEST(SpaDecoder, RejectsTheWrongHmacKeyBeforeDecrypting) {
  const auto m = decode_spa(capture_payload(), base64_keys(kCaptureKey, kFixtureHmacKey));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), SpaReject::kHmacMismatch);
}

TEST(SpaDecoder, RejectsTheWrongHmacDigest) {
  const auto m = decode_spa(capture_payload(),
                            base64_keys(kCaptureKey, kCaptureHmacKey, SpaDigest::kSha512));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), SpaReject::kHmacMismatch);
}

TEST(SpaDecoder, RejectsTheWrongKeyWithTheRightHmacKey) {
  const auto m = decode_spa(capture_payload(), base64_keys(kFixtureKey, kCaptureHmacKey));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), SpaReject::kDecryptFailed);
}

TEST(SpaDecoder, LegacyIvNeedsLegacyMode) {
  const SpaKeys plain{Bytes(kFixturePassphrase.begin(), kFixturePassphrase.end()), {},
                      SpaDigest::kSha256, false};
  const auto m = decode_spa(fixture_payload("legacy_iv"), plain);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), SpaReject::kDecryptFailed);
}

TEST(SpaDecoder, RejectsAPacketWithTheSaltedPrefixPutBack) {
  const Bytes& p = capture_payload();
  Bytes replayed{'U', '2', 'F', 's', 'd', 'G', 'V', 'k', 'X', '1'};
  replayed.insert(replayed.end(), p.begin(), p.end());
  const auto m = decode_spa(replayed, capture_keys());
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), SpaReject::kPrefixReplay);
}

TEST(SpaDecoder, RejectsGarbageByLengthAndAlphabetFirst) {
  EXPECT_EQ(decode_spa(Bytes(139, 'A'), capture_keys()).error(), SpaReject::kTooShort);
  EXPECT_EQ(decode_spa(Bytes(1501, 'A'), capture_keys()).error(), SpaReject::kTooLong);
  Bytes p = capture_payload();
  p[100] = '=';
  EXPECT_EQ(decode_spa(p, capture_keys()).error(), SpaReject::kNotBase64);
  p[100] = 0;
  EXPECT_EQ(decode_spa(p, capture_keys()).error(), SpaReject::kNotBase64);
}

// The HMAC covers every byte before it and is itself compared whole: no prefix, no
// flipped bit, no truncation of a real packet decodes.
TEST(SpaDecoder, EveryTruncationOfTheCaptureRejects) {
  const Bytes& p = capture_payload();
  ASSERT_EQ(p.size(), 204u);
  for (std::size_t n = 0; n < p.size(); ++n)
    EXPECT_FALSE(decode_spa(std::span(p).first(n), capture_keys())) << "first " << n << " bytes";
}

TEST(SpaDecoder, EverySingleBitFlipOfTheCaptureRejects) {
  Bytes p = capture_payload();
  for (std::size_t i = 0; i < p.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      p[i] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_FALSE(decode_spa(p, capture_keys())) << "byte " << i << " bit " << bit;
      p[i] ^= static_cast<std::uint8_t>(1 << bit);
    }
  }
  EXPECT_TRUE(decode_spa(p, capture_keys()));
}

TEST(SpaKeys, RefusesKeysFwknopRefuses) {
  EXPECT_FALSE(spa_keys_error(capture_keys()));
  EXPECT_TRUE(spa_keys_error(SpaKeys{}));
  EXPECT_TRUE(spa_keys_error(SpaKeys{Bytes(33, 'k'), {}, SpaDigest::kSha256, false}));
  EXPECT_TRUE(spa_keys_error(SpaKeys{Bytes(32, 'k'), Bytes(129, 'h'), SpaDigest::kSha256, false}));
  EXPECT_TRUE(spa_keys_error(SpaKeys{Bytes(32, 'k'), {}, SpaDigest::kSha3_256, false}));
}

}  // namespace
}  // namespace sesame
