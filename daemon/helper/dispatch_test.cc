// The helper's request table: anything but a well-formed match for a door the helper's
// own config has drops the peer, before any firewall change.
#include "daemon/helper/dispatch.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <vector>

#include "core/ipc.h"
#include "core/log_line_message.h"
#include "core/spa_open_message.h"

namespace sesame {
namespace {

constexpr std::int64_t kNow = 1795528960;

// Under the current generation unless told.
SpaOpenReport spa_open(std::uint32_t door = 1, ConfigGeneration generation = 0x11) {
  SpaOpenReport r;
  r.generation = generation;
  r.door = door;
  r.address = *Address::parse("198.18.0.2");
  r.ports = {{Protocol::kTcp, 22}};
  r.seconds = 30;
  r.digest[0] = 1;
  r.replay_until = kNow + 120;
  return r;
}

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/sesame-dispatch-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
    auto journal = Journal::open(dir_);
    ASSERT_TRUE(journal.has_value());
    journal_.emplace(std::move(*journal));
    ConfigDoor door;
    door.door.name = "ssh";
    door.door.sequence = {{Protocol::kTcp, 7000}};
    door.close_sequence = {{Protocol::kTcp, 9000}};
    config_.doors.push_back(door);
    ConfigDoor spa;
    spa.door.name = "spa";
    spa.spa.emplace();
    spa.open_ports = {{Protocol::kTcp, 22}};
    spa.open_for = 30;
    config_.doors.push_back(spa);
    std::size_t skipped = 0;
    auto replays = SpaReplayFile::open(dir_, kNow, skipped);
    ASSERT_TRUE(replays.has_value());
    replays_.emplace(std::move(*replays));
    config_.log = Logging{.syslog = false, .to_stderr = false, .file = "", .ident = ""};
    doors_ = matcher_doors(config_);
    auto log = Log::open(config_.log, false);
    ASSERT_TRUE(log.has_value());
    log_.emplace(std::move(*log));
    backend_ = make_backend(config_.firewall, config_, dir_, *log_);
    grants_.emplace(config_, *backend_, *journal_, *log_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  bool send(std::span<const std::uint8_t> bytes) {
    HelperState state{.doors = doors_, .grants = *grants_, .log = *log_, .now = {.monotonic_ms = 1, .unix_s = kNow},
                      .config = &config_, .replays = &*replays_, .generation = kCurrent,
                      .previous = previous_.doors ? &previous_ : nullptr,
                      .reload = [this](ConfigGeneration g) { reloads_.push_back(g); },
                      .sniffer_lines = sniffer_lines_};
    return dispatch(bytes, state);
  }
  static MatchReport match(ConfigGeneration generation, std::uint32_t door) {
    return {.generation = generation, .door = door, .source = *Address::parse("198.18.0.2")};
  }

  static constexpr ConfigGeneration kCurrent = 0x11;
  PreviousGeneration previous_;
  std::vector<ConfigGeneration> reloads_;
  SnifferLines* sniffer_lines_ = nullptr;

  std::string dir_;
  Config config_;
  MatcherDoors doors_;
  std::optional<Journal> journal_;
  std::optional<Log> log_;
  std::unique_ptr<Backend> backend_;
  std::optional<Grants> grants_;
  std::optional<SpaReplayFile> replays_;
};

TEST_F(DispatchTest, MalformedMessagesDropThePeer) {
  const IpcMessage good = encode_match(match(kCurrent, 0));
  EXPECT_FALSE(send({}));
  EXPECT_FALSE(send(std::span(good).first(kIpcMessageSize - 1)));
  std::vector<std::uint8_t> longer(good.begin(), good.end());
  longer.push_back(0);
  EXPECT_FALSE(send(longer));
  IpcMessage unknown_type = good;
  unknown_type[1] = 0x7f;
  EXPECT_FALSE(send(unknown_type));
  IpcMessage bad_version = good;
  bad_version[0] = 9;
  EXPECT_FALSE(send(bad_version));
  EXPECT_EQ(grants_->size(), 0u);
}

TEST_F(DispatchTest, DoorOutOfRangeDropsThePeer) {
  // Door 0 opens and door 1 closes ssh; door 2 does not exist.
  ASSERT_EQ(doors_.origins.size(), 2u);
  EXPECT_FALSE(send(encode_match(match(kCurrent, 2))));
  EXPECT_FALSE(send(encode_match({.generation = kCurrent, .door = 0xffffffff, .source = *Address::parse("2001:2::2")})));
}

TEST_F(DispatchTest, CloseWithoutAGrantIsAcceptedAndChangesNothing) {
  EXPECT_TRUE(send(encode_match(match(kCurrent, 1))));
  EXPECT_EQ(grants_->size(), 0u);
}

// A log line is taken where the helper writes them; a malformed one, or one the
// helper has no writer for, drops the sniffer.
TEST_F(DispatchTest, LogLinesAreTakenOrDropThePeer) {
  const std::vector<std::uint8_t> line = encode_log_line("198.18.0.2: ssh: Stage 1");
  EXPECT_FALSE(send(line));
  SnifferLines lines(*log_, "sesamed");
  sniffer_lines_ = &lines;
  EXPECT_TRUE(send(line));
  std::vector<std::uint8_t> bad_cut = line;
  bad_cut[2] = 2;
  EXPECT_FALSE(send(bad_cut));
  std::vector<std::uint8_t> too_long = encode_log_line(std::string(kLogLineMaxBytes, 'x'));
  too_long.push_back('x');
  EXPECT_FALSE(send(too_long));
}

// The helper re-checks an SPA open against its own config; what the door does not
// allow drops the sniffer before any firewall change.
TEST_F(DispatchTest, SpaOpensTheDoorDoesNotAllowDropThePeer) {
  EXPECT_FALSE(send(encode_spa_open(spa_open(0))));  // ssh is a knock door
  EXPECT_FALSE(send(encode_spa_open(spa_open(2))));  // no such door
  SpaOpenReport other_port = spa_open();
  other_port.ports = {{Protocol::kTcp, 2222}};
  EXPECT_FALSE(send(encode_spa_open(other_port)));
  SpaOpenReport too_long = spa_open();
  too_long.seconds = 301;  // max_open_for defaults to 300
  EXPECT_FALSE(send(encode_spa_open(too_long)));
  SpaOpenMessage cut = encode_spa_open(spa_open());
  EXPECT_FALSE(send(std::span(cut).first(100)));
  EXPECT_EQ(grants_->size(), 0u);
}

// A packet whose digest the replay file holds (a restart's sniffer has forgotten it)
// opens nothing, and the sniffer stays.
TEST_F(DispatchTest, ReplayedSpaPacketIsRefusedAndThePeerKept) {
  ASSERT_TRUE(replays_->record(spa_open().digest, kNow + 120, kNow));
  EXPECT_TRUE(send(encode_spa_open(spa_open())));
  EXPECT_EQ(grants_->size(), 0u);
}

TEST(SpaReplayFile, RemembersAcrossReopeningUntilExpiry) {
  char templ[] = "/tmp/sesame-replays-XXXXXX";
  ASSERT_NE(mkdtemp(templ), nullptr);
  const std::string dir = templ;
  std::size_t skipped = 0;
  SpaPayloadDigest a{}, b{};
  a[0] = 0xaa;
  b[31] = 0xbb;
  {
    auto f = SpaReplayFile::open(dir, kNow, skipped);
    ASSERT_TRUE(f.has_value());
    ASSERT_TRUE(f->record(a, kNow + 10, kNow));
    ASSERT_TRUE(f->record(b, kNow + 100, kNow));
  }
  auto again = SpaReplayFile::open(dir, kNow + 50, skipped);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(skipped, 0u);
  EXPECT_FALSE(again->seen(a, kNow + 50));
  EXPECT_TRUE(again->seen(b, kNow + 50));
  std::filesystem::remove_all(dir);
}

// A door index means what its generation says: door 3 (a close door) exists only in
// the previous config, which has two doors with close sequences.
TEST_F(DispatchTest, AMatchIsReadUnderItsOwnGenerationOnly) {
  Config before = config_;
  before.doors.push_back(config_.doors[0]);
  before.doors.back().door.name = "web";
  const MatcherDoors before_doors = matcher_doors(before);
  ASSERT_EQ(before_doors.origins.size(), 4u);
  EXPECT_FALSE(send(encode_match(match(kCurrent, 3))));
  const std::unique_ptr<Backend> before_backend = make_backend(before.firewall, before, dir_, *log_);
  previous_ = {.id = 0x10, .doors = &before_doors,
               .rules = std::make_shared<const GrantRules>(GrantRules{.config = &before, .backend = before_backend.get(), .owner = nullptr})};
  EXPECT_TRUE(send(encode_match(match(0x10, 3))));
  EXPECT_FALSE(send(encode_match(match(0x10, 4))));
  // Neither generation: ignored, the peer kept, nothing opened.
  EXPECT_TRUE(send(encode_match(match(0x12, 0))));
  EXPECT_EQ(grants_->size(), 0u);
}

// An SPA open names its generation too: under one the helper does not hold it opens
// nothing and the peer stays; under the previous one its door index is that config's.
TEST_F(DispatchTest, AnSpaOpenIsReadUnderItsOwnGenerationOnly) {
  EXPECT_TRUE(send(encode_spa_open(spa_open(1, 0x12))));
  EXPECT_EQ(grants_->size(), 0u);
  Config before = config_;
  std::swap(before.doors[0], before.doors[1]);  // the SPA door was door 0
  const MatcherDoors before_doors = matcher_doors(before);
  const std::unique_ptr<Backend> before_backend = make_backend(before.firewall, before, dir_, *log_);
  previous_ = {.id = 0x10, .doors = &before_doors,
               .rules = std::make_shared<const GrantRules>(
                   GrantRules{.config = &before, .backend = before_backend.get(), .owner = nullptr})};
  EXPECT_FALSE(send(encode_spa_open(spa_open(1, 0x10))));  // door 1 was the knock door
  // Door 0 passes every check of the previous config; a replayed digest keeps the
  // firewall out of this test.
  ASSERT_TRUE(replays_->record(spa_open().digest, kNow + 120, kNow));
  EXPECT_TRUE(send(encode_spa_open(spa_open(0, 0x10))));
  EXPECT_EQ(grants_->size(), 0u);
}

TEST_F(DispatchTest, AReloadRequestReachesTheHelperAndAMalformedOneDropsThePeer) {
  EXPECT_TRUE(send(encode_reload({.type = IpcType::kReload, .generation = 0x12})));
  EXPECT_EQ(reloads_, (std::vector<ConfigGeneration>{0x12}));
  // An answer is the helper's to send, never the sniffer's.
  EXPECT_FALSE(send(encode_reload({.type = IpcType::kReloadReply, .generation = 0x12, .accepted = true})));
  IpcHeaderMessage bad = encode_reload({.type = IpcType::kReload, .generation = 0x12});
  bad[2] = 1;
  EXPECT_FALSE(send(bad));
  EXPECT_EQ(reloads_.size(), 1u);
}

}  // namespace
}  // namespace sesame
