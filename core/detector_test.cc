// The detector end to end in core: matcher decisions kept in a real knock table,
// timeouts from its wheel, and real knocks surviving a flood of spoofed ones.
#include "core/detector.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sesame {
namespace {

const Address kServer = *Address::parse("198.18.0.1");
const Address kClient = *Address::parse("198.18.0.2");

std::vector<Door> doors() {
  auto tcp = [](std::uint16_t p) { return KnockStep{Protocol::kTcp, p}; };
  return {Door{"ssh", {tcp(7000), tcp(8000), tcp(9000)}, 5, {tcp_flag::kSyn, 0}, std::nullopt},
          Door{"web", {tcp(7000), tcp(8000), tcp(9500)}, 10, {tcp_flag::kSyn, 0}, std::nullopt}};
}

class DetectorTest : public ::testing::Test {
 protected:
  explicit DetectorTest(std::uint32_t capacity = 1024)
      : doors_(doors()),
        matcher_(*Matcher::build(doors_, std::vector{kServer})),
        detector_(matcher_, KnockTableOptions{capacity, {0x1234, 0x5678}, 4096, to_tick({100, 0})}) {}

  void record(const Address& src, const DoorEvent& e) {
    if (e.kind == DoorEventKind::kOpen) opened_.push_back(src.to_string() + " " + doors_[e.door].name);
    if (e.kind == DoorEventKind::kTimeout)
      timed_out_.push_back(doors_[e.door].name + " at stage " + std::to_string(e.stage));
  }
  auto recorder() {
    return [this](const Address& src, const DoorEvent& e) { record(src, e); };
  }

  void knock(std::uint16_t port, PacketTime t, Address src = kClient) {
    detector_.on_knock(Knock{src, kServer, Protocol::kTcp, port, 40000, tcp_flag::kSyn, {}}, t, recorder());
  }
  void expire(PacketTime t) { detector_.expire(t, recorder()); }


  std::vector<Door> doors_;
  Matcher matcher_;
  Detector detector_;
  std::vector<std::string> opened_;
  std::vector<std::string> timed_out_;
};

TEST_F(DetectorTest, OpensAndForgetsTheSource) {
  knock(7000, {100, 0});
  knock(8000, {100, 500'000'000});
  EXPECT_EQ(detector_.table().size(), 1u);
  knock(9000, {101, 0});
  EXPECT_EQ(opened_, std::vector<std::string>{"198.18.0.2 ssh"});
  EXPECT_EQ(detector_.table().size(), 0u) << "the failed web attempt ends the source";
  EXPECT_EQ(detector_.counters().opens, 1u);
  EXPECT_EQ(detector_.counters().failures, 1u);
}

TEST_F(DetectorTest, IrrelevantFramesTouchNothing) {
  knock(7001, {100, 0});
  EXPECT_EQ(detector_.counters().irrelevant, 1u);
  EXPECT_EQ(detector_.table().size(), 0u);
}

// The worker's way: knocks looked ahead (classified, hashed) and prefetched a few
// knocks before they are applied, while earlier ones start and end sources. It decides
// as on_knock alone does: a knock, a scan SYN and an irrelevant frame.
TEST_F(DetectorTest, KnocksLookedAheadDecideAsKnocksAppliedAtOnce) {
  auto syn = [](std::uint16_t port, const Address& src) {
    return Knock{src, kServer, Protocol::kTcp, port, 40000, tcp_flag::kSyn, {}};
  };
  const Address other = *Address::parse("198.18.0.3");
  const std::vector<Knock> knocks{syn(7000, kClient), syn(7000, other), syn(8000, kClient), syn(7001, other),
                                  syn(9000, kClient), syn(8000, other), syn(9500, other)};
  std::vector<Detector::Lookahead> ahead;
  for (const Knock& k : knocks) ahead.push_back(detector_.look_ahead(k));
  for (const Detector::Lookahead& a : ahead) detector_.prefetch(a);
  for (std::size_t i = 0; i < knocks.size(); ++i) detector_.on_knock(knocks[i], ahead[i], {100, 0}, recorder());
  EXPECT_EQ(opened_, (std::vector<std::string>{"198.18.0.2 ssh", "198.18.0.3 web"}));
  EXPECT_EQ(detector_.counters().scan_syns, 1u) << "7001 from a source with attempts";
  EXPECT_EQ(ahead[3].event & kScanEvent, kScanEvent);

  Knock stray = syn(7001, kClient);
  stray.tcp_flags = tcp_flag::kSyn | tcp_flag::kAck;  // no door's and not a scan SYN
  const Detector::Lookahead none = detector_.look_ahead(stray);
  EXPECT_EQ(none.event, kIrrelevant);
  const std::uint64_t irrelevant = detector_.counters().irrelevant;
  detector_.on_knock(stray, none, {100, 0}, recorder());
  EXPECT_EQ(detector_.counters().irrelevant, irrelevant + 1);
}

TEST_F(DetectorTest, WheelEndsEachDoorAtItsOwnTimeout) {
  knock(7000, {100, 0});
  knock(8000, {101, 0});
  expire({104, 990'000'000});
  EXPECT_TRUE(timed_out_.empty());
  expire({105, 0});
  EXPECT_EQ(timed_out_, std::vector<std::string>{"ssh at stage 2"});
  EXPECT_EQ(detector_.table().size(), 1u);
  knock(9500, {109, 0});  // web is still within its 10 s
  EXPECT_EQ(opened_, std::vector<std::string>{"198.18.0.2 web"});
  EXPECT_EQ(detector_.table().size(), 0u);
}

TEST_F(DetectorTest, WheelForgetsAnAbandonedKnock) {
  knock(7000, {100, 0});
  expire({110, 0});
  EXPECT_EQ(timed_out_, (std::vector<std::string>{"ssh at stage 1", "web at stage 1"}));
  EXPECT_EQ(detector_.table().size(), 0u);
  EXPECT_EQ(detector_.counters().timeouts, 2u);
}

TEST_F(DetectorTest, StaleAttemptRestartsOnAFirstKnock) {
  knock(7000, {100, 0});
  knock(7000, {112, 0});  // timed out (not yet expired by the wheel): starts afresh
  knock(8000, {113, 0});
  knock(9000, {114, 0});
  EXPECT_EQ(opened_, std::vector<std::string>{"198.18.0.2 ssh"});
  expire({200, 0});
  EXPECT_EQ(detector_.table().size(), 0u);
}

// One door, so one timeout: a source that fails and starts again reuses its slot and
// the timer of its first start, which fires early and is re-armed from the new start.
TEST_F(DetectorTest, AScanEndsTheKnockAndBarsTheDoorsUntilTheirTimeout) {  // R10
  for (std::uint16_t port = 1; port <= 5; ++port) knock(port, {100, 0});  // no attempt: ignored
  EXPECT_EQ(detector_.counters().scan_syns, 0u);
  knock(7000, {100, 0});
  for (std::uint16_t port = 1; port <= 5; ++port) knock(port, {100, 0});
  EXPECT_EQ(detector_.counters().scan_syns, 5u);
  EXPECT_EQ(detector_.counters().scans, 2u);  // ssh and web
  knock(7000, {101, 0});
  knock(8000, {101, 0});
  knock(9000, {101, 0});
  EXPECT_EQ(opened_, std::vector<std::string>{});
  EXPECT_EQ(detector_.table().size(), 1u) << "the bars";
  for (std::uint32_t sec = 101; sec <= 111; ++sec) expire({sec, 0});
  EXPECT_EQ(detector_.table().size(), 0u);
  EXPECT_EQ(timed_out_, std::vector<std::string>{}) << "a bar ends silently";
  knock(7000, {111, 0});
  knock(8000, {111, 0});
  knock(9000, {111, 0});
  EXPECT_EQ(opened_, std::vector<std::string>{"198.18.0.2 ssh"});
}

TEST_F(DetectorTest, TheScanCountStartsAgainWithTheAttempt) {  // R10 + R8
  knock(7000, {100, 0});
  for (std::uint16_t port = 1; port <= 4; ++port) knock(port, {100, 0});
  knock(8000, {100, 0});
  knock(7000, {100, 0});  // discards and restarts (R8): the count restarts too
  for (std::uint16_t port = 5; port <= 7; ++port) knock(port, {100, 0});
  knock(8000, {100, 0});
  knock(9000, {100, 0});
  EXPECT_EQ(detector_.counters().scans, 0u);
  EXPECT_EQ(opened_, std::vector<std::string>{"198.18.0.2 ssh"});
}

TEST(DetectorTimers, ARestartedSourceTimesOutFromItsNewStart) {
  auto tcp = [](std::uint16_t p) { return KnockStep{Protocol::kTcp, p}; };
  const std::vector<Door> one{Door{"ssh", {tcp(7000), tcp(8000), tcp(9000)}, 5, {tcp_flag::kSyn, 0}, std::nullopt}};
  // knockd's rules: 7000 7000 discards the attempt (the entry goes), the third 7000
  // starts anew. Robust: 7000 8000 7000 discards and restarts in place (R8).
  for (const MatchingRules rules : {MatchingRules::kKnockd, MatchingRules::kRobust}) {
    const Matcher matcher = *Matcher::build(one, std::vector{kServer}, rules);
    Detector detector(matcher, KnockTableOptions{1024, {0x1234, 0x5678}, 4096, to_tick({100, 0})});
    std::vector<std::uint32_t> timeouts;  // seconds at which they were reported
    std::uint32_t now = 0;
    auto record = [&](const Address&, const DoorEvent& e) {
      if (e.kind == DoorEventKind::kTimeout) timeouts.push_back(now);
    };
    auto knock = [&](std::uint16_t port, std::uint32_t sec) {
      detector.on_knock(Knock{kClient, kServer, Protocol::kTcp, port, 40000, tcp_flag::kSyn, {}}, {sec, 0}, record);
    };
    knock(7000, 100);  // stage 1, times out at 105
    knock(rules == MatchingRules::kKnockd ? 7000 : 8000, 101);
    knock(7000, 102);  // stage 1 again, times out at 107
    EXPECT_EQ(detector.counters().failures, 1u);
    EXPECT_EQ(detector.table().size(), 1u);
    for (now = 101; now <= 110; ++now) detector.expire({now, 0}, record);
    EXPECT_EQ(timeouts, std::vector<std::uint32_t>{107});
    EXPECT_EQ(detector.table().size(), 0u);
  }
}

class DetectorFloodTest : public DetectorTest {
 protected:
  DetectorFloodTest() : DetectorTest(64) {}
};

// A table of 64 slots, real knockers at stage 2, then 100,000 spoofed first knocks
// from random sources: every real knocker still opens its door.
TEST_F(DetectorFloodTest, SpoofedFirstKnocksCannotFlushRealKnocks) {
  std::vector<Address> real;
  for (std::uint32_t i = 0; i < 16; ++i) real.push_back(Address::v4(0xc6120100u + i));  // 198.18.1.x
  for (const Address& a : real) knock(7000, {100, 0}, a);
  for (const Address& a : real) knock(8000, {100, 1}, a);
  std::mt19937 rng(7);
  for (int i = 0; i < 100'000; ++i) knock(7000, {101, 0}, Address::v4(0xc6130000u | (rng() & 0xffff)));
  EXPECT_LE(detector_.table().size(), detector_.table().capacity());
  for (const Address& a : real) knock(9000, {102, 0}, a);
  EXPECT_EQ(opened_.size(), real.size());
}

// A one-time door's next sequence (Detector::rebase): the attempts at that door end,
// every other door's attempts in progress survive, whichever source holds them.
TEST(DetectorRebase, OnlyTheChangedDoorsAttemptsEnd) {
  auto tcp = [](std::uint16_t p) { return KnockStep{Protocol::kTcp, p}; };
  const Address other = *Address::parse("198.18.0.3");
  std::vector<Door> before{Door{"ssh", {tcp(7000), tcp(8000), tcp(9000)}, 20, {}, std::nullopt},
                           Door{"otp", {tcp(1000), tcp(2000), tcp(3000)}, 20, {}, std::nullopt}};
  std::vector<Door> after = before;
  after[1].sequence = {tcp(4000), tcp(5000), tcp(6000)};
  const Matcher old_matcher = *Matcher::build(before, std::vector{kServer});
  const Matcher new_matcher = *Matcher::build(after, std::vector{kServer});
  Detector detector(old_matcher, KnockTableOptions{1024, {1, 2}, 4096, to_tick({100, 0})});
  std::vector<std::string> opened;
  auto knock = [&](std::uint16_t port, std::uint32_t sec, const Address& src) {
    detector.on_knock(Knock{src, kServer, Protocol::kTcp, port, 40000, tcp_flag::kSyn, {}}, {sec, 0},
                      [&](const Address& s, const DoorEvent& e) {
                        if (e.kind == DoorEventKind::kOpen) opened.push_back(s.to_string() + " " + after[e.door].name);
                      });
  };
  knock(7000, 100, kClient);
  knock(8000, 101, kClient);  // ssh at stage 2
  knock(1000, 100, other);
  knock(2000, 101, other);  // otp at stage 2, with the sequence just used up
  EXPECT_EQ(detector.table().size(), 2u);

  const std::uint16_t changed[] = {1};
  detector.rebase(new_matcher, changed);
  EXPECT_EQ(detector.table().size(), 1u) << "the otp attempt ends, the ssh one stays";
  knock(3000, 102, other);  // the old sequence's last knock: nothing to finish
  knock(9000, 102, kClient);
  EXPECT_EQ(opened, std::vector<std::string>{"198.18.0.2 ssh"});
  for (int port : {4000, 5000, 6000}) knock(static_cast<std::uint16_t>(port), 103, other);
  EXPECT_EQ(opened, (std::vector<std::string>{"198.18.0.2 ssh", "198.18.0.3 otp"}));
  // The next otp sequence again (here the same matcher): the kept attempt still times
  // out at its own start second's deadline.
  knock(7000, 110, kClient);
  knock(8000, 111, kClient);
  detector.rebase(new_matcher, changed);
  EXPECT_EQ(detector.table().size(), 1u);
  std::vector<DoorEvent> timeouts;
  detector.expire({129, 990'000'000}, [&](const Address&, const DoorEvent& e) { timeouts.push_back(e); });
  EXPECT_TRUE(timeouts.empty());
  detector.expire({130, 0}, [&](const Address&, const DoorEvent& e) { timeouts.push_back(e); });
  EXPECT_EQ(timeouts, (std::vector<DoorEvent>{{0, 2, DoorEventKind::kTimeout}}));
  EXPECT_EQ(detector.table().size(), 0u);
}

}  // namespace
}  // namespace sesame
