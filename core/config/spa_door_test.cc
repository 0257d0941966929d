// SPA doors in sesame's TOML: the [door.spa] table, its key file, every error located.
#include <gtest/gtest.h>

#include "core/config/config_parser_testing.h"
#include "core/config/config_toml.h"
#include "core/spa/base64.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

constexpr ParserUnderTest kParser{parse_toml_config, "sesame.toml"};

constexpr std::string_view kKey = "kt+4WOnekk/UQuVep0ACJr14JdMS7t5ATp/6GvkkIYQ=";
constexpr std::string_view kHmacKey =
    "bNf5BJ7zHOf79njwJO2FWQU8mX/wnBfEXREzqNtuUq2WgLtN7Kr+yux7DnDThm0LZFZgvJE1tF+VYBKLDVDjBg==";

// Lines 1-5 are the head and the door; [door.spa] is line 6, its keys from line 7.
std::string spa_door(std::string_view spa_lines, std::string_view door_lines = "") {
  return str_cat("interfaces = [\"eth0\"]\n", "[[door]]\n", "name = \"spa\"\n", "open = [\"22/tcp\", \"53/udp\"]\n",
                 door_lines.empty() ? "# no more door keys\n" : door_lines, "[door.spa]\n", spa_lines);
}
std::string keys() {
  return str_cat("key_base64 = \"", kKey, "\"\nhmac_key_base64 = \"", kHmacKey, "\"\n");
}

TEST(SpaDoorToml, ReadsAnSpaDoorWithFwknopsDefaults) {
  const ParsedConfig p = kParser.parse_ok(spa_door(keys()));
  ASSERT_EQ(p.config.doors.size(), 1u);
  const ConfigDoor& d = p.config.doors[0];
  ASSERT_TRUE(d.spa);
  EXPECT_EQ(d.spa->port, 62201);
  EXPECT_EQ(d.spa->keys.key, *decode_base64_key(kKey));
  EXPECT_EQ(d.spa->keys.hmac_key, *decode_base64_key(kHmacKey));
  EXPECT_EQ(d.spa->keys.hmac_digest, SpaDigest::kSha256);
  EXPECT_EQ(d.spa->max_age, 120u);
  EXPECT_EQ(d.spa->max_open_for, 300u);
  EXPECT_EQ(d.open_for, 30u);
  EXPECT_EQ(d.open_ports, (Steps{{kTcp, 22}, {kUdp, 53}}));
  // No knock sequence: the matcher sees no door, the summary names the port.
  EXPECT_TRUE(matcher_doors(p.config).doors.empty());
  EXPECT_EQ(door_summary(p.config), "1 door: spa spa 62201/udp");
}

TEST(SpaDoorToml, ReadsEveryKey) {
  const ParsedConfig p = kParser.parse_ok(
      spa_door("port = 40000\nkey = \"sesame\"\nhmac_key = \"hmac secret\"\nhmac_digest = \"sha512\"\n"
               "legacy_iv = true\nmax_age = \"1m\"\nmax_open_for = \"10m\"\n"
               "sources = [\"198.18.0.0/15\", \"2001:2::/48\"]\nrequire_user = \"alice\"\n"
               "require_source_address = true\nexpires = \"2027-01-31\"\n",
               "open_for = \"2m\"\n"));
  const SpaDoor& s = *p.config.doors[0].spa;
  EXPECT_EQ(s.port, 40000);
  EXPECT_EQ(s.keys.key, (std::vector<std::uint8_t>{'s', 'e', 's', 'a', 'm', 'e'}));
  EXPECT_EQ(s.keys.hmac_digest, SpaDigest::kSha512);
  EXPECT_TRUE(s.keys.legacy_iv);
  EXPECT_EQ(s.max_age, 60u);
  EXPECT_EQ(s.max_open_for, 600u);
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_TRUE(s.sources[1].contains(*Address::parse("2001:2::2")));
  EXPECT_EQ(s.require_user, "alice");
  EXPECT_TRUE(s.require_source_address);
  EXPECT_EQ(s.expires, 1801353600);  // date -u -d 2027-01-31 +%s
  EXPECT_EQ(p.config.doors[0].open_for, 120u);
}

TEST(SpaDoorToml, ReadsKeysFromAKeyFileAsFwknopKeyGenPrintsThem) {
  const std::string file = str_cat("# fwknop --key-gen\nKEY_BASE64: ", kKey, "\nHMAC_KEY_BASE64: ", kHmacKey, "\n");
  const ParsedConfig p =
      kParser.parse_ok(spa_door("key_file = \"/etc/sesame/spa.keys\"\n"), {{"/etc/sesame/spa.keys", file}});
  const SpaDoor& s = *p.config.doors[0].spa;
  EXPECT_EQ(s.keys.key, *decode_base64_key(kKey));
  EXPECT_EQ(s.keys.hmac_key, *decode_base64_key(kHmacKey));
  // The writer keeps the keys in their file.
  EXPECT_NE(write_toml_config(p.config).find("key_file = \"/etc/sesame/spa.keys\""), std::string::npos);
  EXPECT_EQ(write_toml_config(p.config).find("key_base64"), std::string::npos);
}

TEST(SpaDoorToml, RoundTripsThroughTheWriter) {
  const ParsedConfig p = kParser.parse_ok(
      spa_door(keys() + "port = 40000\nhmac_digest = \"sha384\"\nsources = [\"198.18.0.2/32\"]\nrequire_user = \"root\"\n"
               "require_source_address = true\nexpires = \"2027-02-28\"\n"));
  const std::string written = write_toml_config(p.config);
  const ParsedConfig again = kParser.parse_ok(written);
  ASSERT_EQ(again.config.doors.size(), 1u);
  EXPECT_EQ(again.config.doors[0].spa, p.config.doors[0].spa) << written;
  EXPECT_EQ(again.config.doors[0].open_ports, p.config.doors[0].open_ports);
  EXPECT_EQ(again.config.doors[0].open_for, p.config.doors[0].open_for);
}

TEST(SpaDoorToml, EveryMistakeNamesItsLine) {
  kParser.expect_error(spa_door(str_cat("key_base64 = \"", kKey, "\"\n")), 6, 1, "door[0].spa", "no HMAC key");
  kParser.expect_error(spa_door("hmac_key = \"h\"\n"), 6, 1, "door[0].spa", "no key");
  kParser.expect_error(spa_door(keys() + "key = \"again\"\n"), 9, 7, "door[0].spa.key", "a second key");
  kParser.expect_error(spa_door("key_base64 = \"not base64!\"\n"), 7, 14, "door[0].spa.key_base64", "base64");
  kParser.expect_error(spa_door(keys() + "hmac_digest = \"sha3_256\"\n"), 9, 15, "door[0].spa.hmac_digest",
                       "unknown HMAC digest");
  kParser.expect_error(spa_door(keys() + "sources = [\"198.18.0.1/15\"]\n"), 9, 0, "door[0].spa.sources[0]",
                       "expected an address or a network");
  kParser.expect_error(spa_door(keys() + "expires = \"2027-02-30\"\n"), 9, 11, "door[0].spa.expires", "a date");
  kParser.expect_error(spa_door(keys() + "colour = 1\n"), 9, 1, "door[0].spa.colour", "unknown key");
  kParser.expect_error(spa_door(keys() + "port = 0\n"), 9, 8, "door[0].spa.port", "expected 1 to 65535");
  kParser.expect_error(spa_door("key = \"0123456789abcdef0123456789abcdef0\"\nhmac_key = \"h\"\n"), 6, 1, "door[0].spa",
                       "the key must be 1 to 32 bytes");
  kParser.expect_error(spa_door(keys(), "sequence = [7000]\n"), 5, 12, "door[0].sequence", "no knock sequence");
  kParser.expect_error(spa_door(keys(), "open_for = \"10m\"\n"), 6, 1, "door[0].spa", "max_open_for");
  kParser.expect_error("firewall = \"exec\"\n" + spa_door(keys()), 7, 1, "door[0].spa", "ufw");
}

TEST(SpaDoorToml, KeyFileProblemsNameTheFileAndItsLine) {
  kParser.expect_error(spa_door("key_file = \"/k\"\n"), 7, 12, "door[0].spa.key_file", "cannot read key file");
  kParser.expect_error(spa_door("key_file = \"/k\"\n"), 7, 12, "door[0].spa.key_file", "/k: line 2: unknown keyword",
                       {{"/k", "KEY_BASE64: a2V5\nSOURCE ANY\n"}});
  kParser.expect_error(spa_door("key_file = \"/k\"\n"), 7, 12, "door[0].spa.key_file", "/k: line 2: a second KEY",
                       {{"/k", "KEY_BASE64: a2V5\nKEY k\n"}});
}

TEST(SpaDoorToml, SpaDoorsMayShareAPortButNotAName) {
  const std::string two = spa_door(keys()) + "[[door]]\nname = \"spa2\"\nopen = \"22/tcp\"\n[door.spa]\n" + keys();
  EXPECT_EQ(kParser.parse_ok(two).config.doors.size(), 2u);
  const std::string same = spa_door(keys()) + "[[door]]\nname = \"spa\"\nopen = \"22/tcp\"\n[door.spa]\n" + keys();
  kParser.expect_error(same, 10, 8, "door[1].name", "two doors named 'spa'");
}

}  // namespace
}  // namespace sesame
