// fwknop's access.conf to SPA doors: every keyword sesame reads, every one it refuses.
#include "core/config/fwknop_access.h"

#include <gtest/gtest.h>

#include "core/config/config_parser_testing.h"
#include "core/config/config_toml.h"
#include "core/spa/base64.h"

namespace sesame {
namespace {

constexpr std::string_view kKeys =
    "KEY_BASE64  kt+4WOnekk/UQuVep0ACJr14JdMS7t5ATp/6GvkkIYQ=\n"
    "HMAC_KEY_BASE64  bNf5BJ7zHOf79njwJO2FWQU8mX/wnBfEXREzqNtuUq2WgLtN7Kr+yux7DnDThm0LZFZgvJE1tF+VYBKLDVDjBg==\n";

std::expected<Config, ConfigError> parse(const std::string& text) {
  return parse_fwknop_access(text, "access.conf", "veth0");
}

void expect_error(const std::string& text, std::size_t line, std::string_view field, std::string_view says) {
  const auto c = parse(text);
  ASSERT_FALSE(c) << text;
  EXPECT_EQ(c.error().file, "access.conf");
  EXPECT_EQ(c.error().line, line) << format_config_error(c.error());
  EXPECT_EQ(c.error().field, field) << format_config_error(c.error());
  EXPECT_NE(c.error().message.find(says), std::string::npos) << format_config_error(c.error());
}

TEST(FwknopAccess, ReadsEveryKeywordIntoAnSpaDoor) {
  const auto c = parse(std::string("# fwknopd access.conf\nSOURCE  198.18.0.0/15, 2001:2::/48\n") +
                       "OPEN_PORTS  tcp/22, udp/53, tcp/80\nRESTRICT_PORTS tcp/80\n" + std::string(kKeys) +
                       "HMAC_DIGEST_TYPE  SHA384\nENCRYPTION_MODE legacy\nFW_ACCESS_TIMEOUT 60\n"
                       "MAX_FW_TIMEOUT 600\nREQUIRE_USERNAME alice\nREQUIRE_SOURCE_ADDRESS Y\n"
                       "ACCESS_EXPIRE 01/31/2027\n\nSOURCE ANY\nOPEN_PORTS tcp/22\nKEY sesame\nHMAC_KEY hmac\n");
  ASSERT_TRUE(c) << format_config_error(c.error());
  EXPECT_EQ(c->interfaces, std::vector<std::string>{"veth0"});
  ASSERT_EQ(c->doors.size(), 2u);
  const ConfigDoor& d = c->doors[0];
  EXPECT_EQ(d.door.name, "fwknop-1");
  EXPECT_EQ(d.open_ports, (Steps{{kTcp, 22}, {kUdp, 53}}));
  EXPECT_EQ(d.open_for, 60u);
  const SpaDoor& s = *d.spa;
  EXPECT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.keys.key, *decode_base64_key("kt+4WOnekk/UQuVep0ACJr14JdMS7t5ATp/6GvkkIYQ="));
  EXPECT_EQ(s.keys.hmac_digest, SpaDigest::kSha384);
  EXPECT_TRUE(s.keys.legacy_iv);
  EXPECT_EQ(s.max_open_for, 600u);
  EXPECT_EQ(s.require_user, "alice");
  EXPECT_TRUE(s.require_source_address);
  EXPECT_EQ(s.expires, 1801353600);
  EXPECT_TRUE(c->doors[1].spa->sources.empty());
  EXPECT_EQ(c->doors[1].spa->keys.key, (std::vector<std::uint8_t>{'s', 'e', 's', 'a', 'm', 'e'}));
  // The TOML it becomes is accepted, with the same doors.
  const auto toml = parse_toml_config(write_toml_config(*c), "t", memory_files({}));
  ASSERT_TRUE(toml) << format_config_error(toml.error());
  EXPECT_EQ(toml->config.doors[0].spa, c->doors[0].spa);
  EXPECT_EQ(toml->config.doors[1].spa, c->doors[1].spa);
}

TEST(FwknopAccess, RefusesWhatItCannotHonourWithTheLine) {
  const std::string head = "SOURCE ANY\nOPEN_PORTS tcp/22\n" + std::string(kKeys);
  expect_error(head + "GPG_REMOTE_ID 1234\n", 5, "GPG_REMOTE_ID", "cannot honour");
  expect_error(head + "CMD_EXEC_USER root\n", 5, "CMD_EXEC_USER", "cannot honour");
  expect_error("OPEN_PORTS tcp/22\n", 1, "OPEN_PORTS", "before the first SOURCE");
  expect_error("SOURCE 198.18.0.1/15\n", 1, "SOURCE", "expected ANY");
  expect_error(head + "ENCRYPTION_MODE CTR\n", 5, "ENCRYPTION_MODE", "CBC and legacy only");
  expect_error(head + "HMAC_DIGEST_TYPE SHA3_256\n", 5, "HMAC_DIGEST_TYPE", "unknown HMAC digest");
  expect_error(head + "ACCESS_EXPIRE 2027-01-31\n", 5, "ACCESS_EXPIRE", "01/31/2027");
  expect_error(head + "FW_ACCESS_TIMEOUT soon\n", 5, "FW_ACCESS_TIMEOUT", "expected seconds");
  expect_error("SOURCE ANY\nKEY k\nHMAC_KEY h\n", 1, "SOURCE", "no OPEN_PORTS");
  expect_error("SOURCE ANY\nOPEN_PORTS tcp/22\nKEY k\n", 1, "SOURCE", "no HMAC_KEY");
  expect_error("SOURCE ANY\nOPEN_PORTS tcp/22\nRESTRICT_PORTS tcp/22\nKEY k\nHMAC_KEY h\n", 1, "SOURCE",
               "restricts every port");
  expect_error("SOURCE ANY\nOPEN_PORTS tcp/22\nKEY 0123456789abcdef0123456789abcdef0\nHMAC_KEY h\n", 1, "SOURCE",
               "1 to 32 bytes");
  expect_error("# nothing\n", 0, "", "no SOURCE stanza");
}

}  // namespace
}  // namespace sesame
