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
    HelperState state{.doors = doors_, .grants = *grants_, .log = *log_, .now = {}};
    return dispatch(bytes, state);
  }

  std::string dir_;
  Config config_;
  MatcherDoors doors_;
  std::optional<Journal> journal_;
  std::optional<Log> log_;
  std::unique_ptr<Backend> backend_;
  std::optional<Grants> grants_;
};

TEST_F(DispatchTest, MalformedMessagesDropThePeer) {
  const IpcMessage good = encode_match({.door = 0, .source = *Address::parse("198.18.0.2")});
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
  EXPECT_FALSE(send(encode_match({.door = 2, .source = *Address::parse("198.18.0.2")})));
  EXPECT_FALSE(send(encode_match({.door = 0xffffffff, .source = *Address::parse("2001:2::2")})));
}

TEST_F(DispatchTest, CloseWithoutAGrantIsAcceptedAndChangesNothing) {
  EXPECT_TRUE(send(encode_match({.door = 1, .source = *Address::parse("198.18.0.2")})));
  EXPECT_EQ(grants_->size(), 0u);
}

}  // namespace
}  // namespace sesame
