// The helper's request table: anything but a well-formed match for a door the helper's
// own config has drops the peer, before any firewall change.
#include "daemon/helper/dispatch.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <vector>

#include "core/ipc.h"

namespace sesame {
namespace {

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
    config_.log = Logging{.syslog = false, .to_stderr = false, .file = ""};
    doors_ = matcher_doors(config_);
    auto log = Log::open(config_.log, false);
    ASSERT_TRUE(log.has_value());
    log_.emplace(std::move(*log));
    backend_ = make_backend(config_.firewall, config_, dir_, *log_);
    grants_.emplace(config_, *backend_, *journal_, *log_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  bool send(std::span<const std::uint8_t> bytes) {
    HelperState state{.doors = doors_, .grants = *grants_, .log = *log_, .now = {}, .generation = kCurrent,
                      .previous = previous_.doors ? &previous_ : nullptr,
                      .reload = [this](ConfigGeneration g) { reloads_.push_back(g); }};
    return dispatch(bytes, state);
  }
  static MatchReport match(ConfigGeneration generation, std::uint32_t door) {
    return {.generation = generation, .door = door, .source = *Address::parse("198.18.0.2")};
  }

  static constexpr ConfigGeneration kCurrent = 0x11;
  PreviousGeneration previous_;
  std::vector<ConfigGeneration> reloads_;

  std::string dir_;
  Config config_;
  MatcherDoors doors_;
  std::optional<Journal> journal_;
  std::optional<Log> log_;
  std::unique_ptr<Backend> backend_;
  std::optional<Grants> grants_;
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

// A door index means what its generation says: door 3 (a close door) exists only in
// the previous config, which has two doors with close sequences.
TEST_F(DispatchTest, AMatchIsReadUnderItsOwnGenerationOnly) {
  Config before = config_;
  before.doors.push_back(config_.doors[0]);
  before.doors[1].door.name = "web";
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
