// detect_config_format: the rule in config_format.h, case by case.
#include "core/config/config_format.h"

#include <gtest/gtest.h>

#include "core/config/memory_files.h"

namespace sesame {
namespace {

constexpr ConfigFormat kToml = ConfigFormat::kToml;
constexpr ConfigFormat kKnockd = ConfigFormat::kKnockd;

TEST(ConfigFormat, KnockdFilesStartWithASection) {
  EXPECT_EQ(detect_config_format("[options]\n\tUseSyslog\n"), kKnockd);
  EXPECT_EQ(detect_config_format("# knockd\n\n  [openSSH]  \nsequence = 1\n"), kKnockd);
  EXPECT_EQ(detect_config_format("\r\n[options]\r\n"), kKnockd);
  EXPECT_EQ(detect_config_format("[]\n"), kKnockd);  // knockd's own error, reported by it
}

TEST(ConfigFormat, TomlFilesStartWithAKeyOrASesameTable) {
  EXPECT_EQ(detect_config_format("interfaces = [\"eth0\"]\n[[door]]\n"), kToml);
  EXPECT_EQ(detect_config_format("# sesame\n[log]\nsyslog = true\n"), kToml);
  EXPECT_EQ(detect_config_format("[ log ]\n"), kToml);
  EXPECT_EQ(detect_config_format("[[door]]\nname = \"x\"\n"), kToml);
  EXPECT_EQ(detect_config_format(""), kToml);
  EXPECT_EQ(detect_config_format("# only a comment\n"), kToml);
  EXPECT_EQ(detect_config_format("[options\n"), kToml);
}

TEST(ConfigFormat, ParseConfigUsesTheDetectedReader) {
  const ReadFile none = memory_files({});
  const auto knockd = parse_config("[d]\nsequence = 1,2\n", "f", none);
  ASSERT_TRUE(knockd.has_value());
  EXPECT_EQ(knockd->format, kKnockd);
  const auto toml = parse_config(
      "interfaces = [\"lo\"]\n[[door]]\nname = \"d\"\nsequence = [1]\nopen = 2\n", "f", none);
  ASSERT_TRUE(toml.has_value()) << format_config_error(toml.error());
  EXPECT_EQ(toml->format, kToml);
  EXPECT_EQ(config_format_name(kKnockd), "knockd.conf");
}

}  // namespace
}  // namespace sesame
