// Test support shared by the config parsers' tests: parse text with in-memory files,
// expect success, or expect an error at a given place.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/config/config_error.h"
#include "core/config/memory_files.h"

namespace sesame {

// Shorthands the parsers' tests write expectations with.
using Argv = std::vector<std::string>;
using Steps = std::vector<KnockStep>;
inline constexpr Protocol kTcp = Protocol::kTcp;
inline constexpr Protocol kUdp = Protocol::kUdp;

using ConfigParser = std::expected<ParsedConfig, ConfigError> (*)(std::string_view text,
                                                                  std::string_view file_name,
                                                                  const ReadFile& read);

// One parser under test and the file name its errors must carry.
struct ParserUnderTest {
  ConfigParser parser;
  std::string_view file_name;

  std::expected<ParsedConfig, ConfigError> parse(std::string_view text,
                                                 std::map<std::string, std::string> files = {}) const {
    return parser(text, file_name, memory_files(std::move(files)));
  }

  ParsedConfig parse_ok(std::string_view text, std::map<std::string, std::string> files = {}) const {
    auto p = parse(text, std::move(files));
    EXPECT_TRUE(p.has_value()) << (p ? "" : format_config_error(p.error()));
    return p ? std::move(*p) : ParsedConfig{};
  }

  // The error for `text`, which must be at `line` and `column` (0: not checked), name
  // `field`, and say `says` somewhere in its message.
  void expect_error(std::string_view text, std::size_t line, std::size_t column,
                    std::string_view field, std::string_view says,
                    std::map<std::string, std::string> files = {}) const {
    const auto p = parse(text, std::move(files));
    ASSERT_FALSE(p.has_value()) << text;
    const ConfigError& e = p.error();
    EXPECT_EQ(e.file, file_name);
    EXPECT_EQ(e.line, line) << format_config_error(e);
    if (column != 0) {
      EXPECT_EQ(e.column, column) << format_config_error(e);
    }
    EXPECT_EQ(e.field, field) << format_config_error(e);
    EXPECT_NE(e.message.find(says), std::string::npos) << format_config_error(e);
  }

  // `text` loads, with door `door` disabled for a reason located as expect_error's is
  // (in `file`, the config by default) and the other doors working.
  void expect_disabled(std::string_view text, std::size_t door, std::size_t line, std::size_t column,
                       std::string_view field, std::string_view says, std::map<std::string, std::string> files = {},
                       std::string_view file = {}) const {
    const ParsedConfig p = parse_ok(text, std::move(files));
    ASSERT_GT(p.config.doors.size(), door) << text;
    for (std::size_t i = 0; i < p.config.doors.size(); ++i)
      EXPECT_EQ(p.config.doors[i].disabled.has_value(), i == door) << text;
    ASSERT_TRUE(p.config.doors[door].disabled.has_value());
    const ConfigError& e = *p.config.doors[door].disabled;
    EXPECT_TRUE(p.config.doors[door].door.sequence.empty());
    EXPECT_EQ(e.file, file.empty() ? file_name : file);
    EXPECT_EQ(e.line, line) << format_config_error(e);
    if (column != 0) {
      EXPECT_EQ(e.column, column) << format_config_error(e);
    }
    EXPECT_EQ(e.field, field) << format_config_error(e);
    EXPECT_NE(e.message.find(says), std::string::npos) << format_config_error(e);
  }
};

}  // namespace sesame
