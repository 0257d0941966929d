// sesame decode-spa on the real client's packet, and its command line.
#include "daemon/cli/decode_spa.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace sesame::cli {
namespace {

constexpr std::string_view kKey = "kt+4WOnekk/UQuVep0ACJr14JdMS7t5ATp/6GvkkIYQ=";
constexpr std::string_view kHmacKey =
    "bNf5BJ7zHOf79njwJO2FWQU8mX/wnBfEXREzqNtuUq2WgLtN7Kr+yux7DnDThm0LZFZgvJE1tF+VYBKLDVDjBg==";

// The UDP payload of tests/captures/fwknop-spa.pcap's one frame: after the pcap file
// header (24 bytes), the record header (16) and Ethernet, IPv4 and UDP headers (14 + 20
// + 8, no options: the capture's README says how it was made).
std::string capture_payload() {
  std::ifstream in(SESAME_SOURCE_DIR "/tests/captures/fwknop-spa.pcap", std::ios::binary);
  const std::string file{std::istreambuf_iterator<char>(in), {}};
  constexpr std::size_t kPayload = 24 + 16 + 14 + 20 + 8;
  EXPECT_GT(file.size(), kPayload);
  return file.size() > kPayload ? file.substr(kPayload) : "";
}

DecodeSpaOutput run(std::vector<std::string_view> args) {
  const auto parsed = parse_decode_spa_args(args);
  if (!parsed) return {2, parsed.error()};
  return decode_spa_text(*parsed);
}

TEST(DecodeSpa, PrintsTheCapturedPacketsFields) {
  const std::string payload = capture_payload();
  ASSERT_EQ(payload.size(), 204u);
  const DecodeSpaOutput out = run({"--key-base64", kKey, "--hmac-key-base64", kHmacKey, payload});
  EXPECT_EQ(out.status, 0) << out.text;
  // rand is the client's random number: check its shape, then the rest exactly.
  ASSERT_TRUE(out.text.starts_with("rand: ")) << out.text;
  const std::string rest = out.text.substr(out.text.find('\n') + 1);
  EXPECT_EQ(rest,
            "user: root\n"
            "timestamp: 1795528959\n"
            "version: 3.0.0\n"
            "type: 1\n"
            "message: 198.18.0.2,tcp/22\n"
            "digest_type: sha256\n");
}

TEST(DecodeSpa, PrintsOneRejectLineAndFails) {
  const std::string payload = capture_payload();
  EXPECT_EQ(run({"--key-base64", kKey, "--hmac-key-base64", kKey, payload}).text, "reject: hmac_mismatch\n");
  const DecodeSpaOutput wrong_digest =
      run({"--key-base64=" + std::string(kKey), "--hmac-key-base64=" + std::string(kHmacKey),
           "--hmac-digest=sha1", payload});
  EXPECT_EQ(wrong_digest.status, 1);
  EXPECT_EQ(wrong_digest.text, "reject: hmac_mismatch\n");
  EXPECT_EQ(run({"--key", "sesame", "garbage"}).text, "reject: too_short\n");
}

TEST(DecodeSpa, PrintsClientTimeoutAndNatWhenPresent) {
  std::ifstream in(SESAME_SOURCE_DIR "/core/spa/testdata/client_timeout.spa", std::ios::binary);
  const std::string payload{std::istreambuf_iterator<char>(in), {}};
  const DecodeSpaOutput out = run({"--key-base64", "hx81UWIIDgZ1lG8Ip/pVJq/r3MxGFBG7x9AShsEUJ0o=",
                                   "--hmac-key-base64",
                                   "TKVCjGSo5ck+XZFYOhX0STD4bk81D5K/4E8E9DWoRG9tSazzIJvpnrbAxjCaJca47H0ZD9U6Im/hKLED+7xB1w==",
                                   payload});
  EXPECT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("\ntype: 3\n"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("\nclient_timeout: 45\n"), std::string::npos) << out.text;
  EXPECT_EQ(out.text.find("nat_access"), std::string::npos) << out.text;
}

TEST(DecodeSpaArgs, RefusesIncompleteOrConflictingArguments) {
  EXPECT_FALSE(parse_decode_spa_args(std::vector<std::string_view>{"PAYLOAD"}));
  EXPECT_FALSE(parse_decode_spa_args(std::vector<std::string_view>{"--key", "k"}));
  EXPECT_FALSE(parse_decode_spa_args(std::vector<std::string_view>{"--key", "k", "--key-base64", "aw", "P"}));
  EXPECT_FALSE(parse_decode_spa_args(std::vector<std::string_view>{"--key-base64", "a b", "P"}));
  EXPECT_FALSE(parse_decode_spa_args(std::vector<std::string_view>{"--key", "k", "--hmac-digest", "sha3_256", "P"}));
  EXPECT_FALSE(parse_decode_spa_args(std::vector<std::string_view>{"--key", "k", "--bogus", "x", "P"}));
  EXPECT_FALSE(parse_decode_spa_args(std::vector<std::string_view>{"--key", "k", "P", "Q"}));
  EXPECT_FALSE(parse_decode_spa_args(std::vector<std::string_view>{"--key", std::string_view("0123456789abcdef0123456789abcdef0"), "P"}));
  const auto ok = parse_decode_spa_args(std::vector<std::string_view>{"--legacy-iv", "--key", "k", "P"});
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_TRUE(ok->keys.legacy_iv);
  EXPECT_TRUE(ok->keys.hmac_key.empty());
}

}  // namespace
}  // namespace sesame::cli
