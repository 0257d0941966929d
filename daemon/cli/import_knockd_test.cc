// sesame import-knockd's promise: the TOML it prints is accepted by sesame check and
// yields the same doors, for knockd.conf files of every kind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config/config_format.h"
#include "core/config/config_toml.h"
#include "core/config/knockd_conf.h"
#include "core/config/memory_files.h"

namespace sesame {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string testdata(const std::string& name) {
  return read_file(SESAME_SOURCE_DIR "/core/config/testdata/" + name);
}

// The fixtures' one-time sequence files, by the names their configs give.
ReadFile fixture_files() { return memory_files({{"one_time.seq", testdata("one_time.seq")}}); }

void expect_same_doors(const Config& a, const Config& b) {
  const MatcherDoors ma = matcher_doors(a);
  const MatcherDoors mb = matcher_doors(b);
  ASSERT_EQ(ma.doors.size(), mb.doors.size());
  for (std::size_t i = 0; i < ma.doors.size(); ++i) {
    SCOPED_TRACE(ma.doors[i].name);
    EXPECT_EQ(ma.doors[i].name, mb.doors[i].name);
    EXPECT_EQ(ma.doors[i].sequence, mb.doors[i].sequence);
    EXPECT_EQ(ma.doors[i].seq_timeout, mb.doors[i].seq_timeout);
    EXPECT_EQ(ma.doors[i].tcp_flags, mb.doors[i].tcp_flags);
    EXPECT_EQ(ma.doors[i].target, mb.doors[i].target);
    EXPECT_EQ(ma.origins[i].config_door, mb.origins[i].config_door);
    EXPECT_EQ(ma.origins[i].action, mb.origins[i].action);
  }
  ASSERT_EQ(a.doors.size(), b.doors.size());
  for (std::size_t i = 0; i < a.doors.size(); ++i) {
    EXPECT_EQ(a.doors[i].exec, b.doors[i].exec);
    EXPECT_EQ(a.doors[i].open_for, b.doors[i].open_for);
    EXPECT_EQ(a.doors[i].one_time_sequences, b.doors[i].one_time_sequences);
    EXPECT_EQ(a.doors[i].open_ports, b.doors[i].open_ports);
    EXPECT_EQ(a.doors[i].close_sequence, b.doors[i].close_sequence);
  }
  EXPECT_EQ(a.interfaces, b.interfaces);
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(a.firewall, b.firewall);
}

// knockd.conf -> Config -> TOML -> (format detection, as sesame check does) -> Config.
void expect_round_trip(const std::string& text, const std::string& name) {
  SCOPED_TRACE(name);
  const auto knockd = parse_knockd_conf(text, name, fixture_files());
  ASSERT_TRUE(knockd.has_value()) << format_config_error(knockd.error());
  const std::string toml = write_toml_config(knockd->config);
  const auto back = parse_config(toml, "imported.toml", fixture_files());
  ASSERT_TRUE(back.has_value()) << format_config_error(back.error()) << toml;
  EXPECT_EQ(back->format, ConfigFormat::kToml);
  EXPECT_TRUE(back->warnings.empty());
  expect_same_doors(knockd->config, back->config);
  EXPECT_EQ(write_toml_config(back->config), toml);
}

TEST(ImportKnockd, RoundTripsEveryFixture) {
  std::size_t count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(SESAME_SOURCE_DIR "/core/config/testdata")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".knockd.conf")) continue;
    expect_round_trip(read_file(entry.path().string()), name);
    ++count;
  }
  EXPECT_GE(count, 6u);  // seed, udp_mixed, crlf, targets, one_time, commands6
}

TEST(ImportKnockd, RoundTripsDebiansDefaultConfig) {
  // Debian's knockd package installs it; CI installs knockd, a bare machine may not.
  if (!std::filesystem::exists("/etc/knockd.conf")) GTEST_SKIP() << "/etc/knockd.conf absent";
  expect_round_trip(read_file("/etc/knockd.conf"), "/etc/knockd.conf");
}

TEST(ImportKnockd, SeedSetupAsImportedAndAsWrittenByHand) {
  // The same knocks two ways: knockd's two doors with ufw commands, and the example's
  // one door with a close sequence, which the matcher sees as the same two doors.
  const auto knockd = parse_knockd_conf(testdata("seed.knockd.conf"), "seed", fixture_files());
  const auto toml = parse_toml_config(read_file(SESAME_SOURCE_DIR "/systemd/sesame.toml.example"),
                                      "example", fixture_files());
  ASSERT_TRUE(knockd.has_value() && toml.has_value());
  const MatcherDoors a = matcher_doors(knockd->config);
  const MatcherDoors b = matcher_doors(toml->config);
  ASSERT_EQ(a.doors.size(), 2u);
  ASSERT_EQ(b.doors.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a.doors[i].sequence, b.doors[i].sequence);
    EXPECT_EQ(a.doors[i].seq_timeout, b.doors[i].seq_timeout);
    EXPECT_EQ(a.doors[i].tcp_flags, b.doors[i].tcp_flags);
    EXPECT_EQ(a.doors[i].target, b.doors[i].target);
  }
  EXPECT_EQ(door_summary(knockd->config),
            "2 doors: openSSH 7000,8000,9000; closeSSH 9000,8000,7000");
}

}  // namespace
}  // namespace sesame
