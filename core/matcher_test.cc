// Each of knockd's rules (matcher.h, R1-R7 and D1) stated as a test, with the
// cases observed against Debian's knockd 0.8 and knock client; then the robust rules
// (R8-R10), each against the knockd behaviour it changes.
#include "core/matcher.h"

#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <string>
#include <vector>

namespace sesame {
namespace {

const Address kServer = *Address::parse("198.18.0.1");
const Address kOtherLocal = *Address::parse("2001:2::1");
const Address kClient = *Address::parse("198.18.0.2");
const Address kClient2 = *Address::parse("198.18.0.3");

Door door(std::string name, std::vector<KnockStep> seq, TcpFlagRule flags = {tcp_flag::kSyn, 0},
          std::uint32_t timeout = 5) {
  return Door{std::move(name), std::move(seq), timeout, flags, std::nullopt};
}

KnockStep tcp(std::uint16_t port) { return {Protocol::kTcp, port}; }
KnockStep udp(std::uint16_t port) { return {Protocol::kUdp, port}; }

// The doors of the observations: door 7000,8000,9000 with tcpflags syn,
// plus 7000,8000,9500 and 7500,7600.
std::vector<Door> observed_doors() {
  return {door("ssh", {tcp(7000), tcp(8000), tcp(9000)}),
          door("web", {tcp(7000), tcp(8000), tcp(9500)}),
          door("mail", {tcp(7500), tcp(7600)})};
}

struct Packet {
  KnockStep step;
  std::uint32_t second = 0;
  std::uint8_t flags = tcp_flag::kSyn;
  Address src = kClient;
  Address dst = kServer;
};

// The smallest driver of the automaton: one state, start second and scan-guard port
// bins per source. The production driver is the knock table; this one keeps the
// rules visible. knockd's rules unless told otherwise: R1-R7 are knockd's.
class Driver {
 public:
  explicit Driver(std::vector<Door> doors, MatchingRules rules = MatchingRules::kKnockd)
      : doors_(std::move(doors)) {
    auto built = Matcher::build(doors_, local_, rules);
    EXPECT_TRUE(built.has_value()) << built.error().message;
    matcher_ = std::move(*built);
  }

  void send(const Packet& p) {
    Knock k{p.src, p.dst, p.step.protocol, p.step.port, 40000, p.flags, {}};
    if (k.protocol == Protocol::kUdp) k.tcp_flags = 0;
    const EventId e = matcher_.classify(k);
    if (e == kIrrelevant) return;
    const bool scan = (e & kScanEvent) != 0;
    if (scan && !sources_.contains(p.src)) return;  // R10 counts only while knocking
    auto& [state, start, ports] = sources_[p.src];
    auto record_here = [&](const DoorEvent& d) { record(p.src, d); };
    state = matcher_.expire(state, p.second - start, record_here);
    Matcher::Step s{};
    if (scan) {
      ports |= static_cast<std::uint8_t>(1u << (p.step.port % kScanGuardBins));
      s = matcher_.scan(state, e, static_cast<unsigned>(std::popcount(ports)), record_here);
    } else {
      s = matcher_.step(state, e);
      for (const DoorEvent& d : s.events) record(p.src, d);
    }
    if (s.started) {
      start = p.second;
      ports = 0;
    }
    state = s.next;
    if (state == kNoAttempt) sources_.erase(p.src);
  }

  // Sends one knock per second-less step, all in the same second.
  void knock(std::initializer_list<KnockStep> steps, Address src = kClient) {
    for (const KnockStep& s : steps) send({s, 0, tcp_flag::kSyn, src});
  }

  std::vector<std::string> opened() const { return filtered(DoorEventKind::kOpen); }
  std::vector<std::string> filtered(DoorEventKind kind) const {
    std::vector<std::string> out;
    for (const auto& [src, e] : log_)
      if (e.kind == kind) out.push_back(src.to_string() + " " + doors_[e.door].name);
    return out;
  }
  // knockd's log lines for the events so far.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& [src, e] : log_) {
      std::string line = src.to_string() + ": " + doors_[e.door].name + ": ";
      switch (e.kind) {
        case DoorEventKind::kStage: line += "Stage " + std::to_string(e.stage); break;
        case DoorEventKind::kOpen: line += "OPEN SESAME"; break;
        case DoorEventKind::kFail: line += "fail (stage " + std::to_string(e.stage) + ")"; break;
        case DoorEventKind::kTimeout:
          line += "sequence timeout (stage " + std::to_string(e.stage) + ")";
          break;
        case DoorEventKind::kScan: line += "scan (stage " + std::to_string(e.stage) + ")"; break;
      }
      out.push_back(line);
    }
    return out;
  }

  const Matcher& matcher() const { return matcher_; }

 private:
  void record(const Address& src, const DoorEvent& e) { log_.emplace_back(src, e); }

  struct Source {
    StateId state = kNoAttempt;
    std::uint32_t start = 0;
    std::uint8_t ports = 0;
  };

  std::vector<Door> doors_;
  std::vector<Address> local_{kServer, kOtherLocal};
  Matcher matcher_;
  std::map<Address, Source> sources_;
  std::vector<std::pair<Address, DoorEvent>> log_;
};

using Opened = std::vector<std::string>;

TEST(Matcher, SequenceInOrderOpens) {
  Driver d(observed_doors());
  d.knock({tcp(7000), tcp(8000), tcp(9000)});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(Matcher, LogsStagesOfEveryAttemptInDoorOrder) {
  Driver d(observed_doors());
  d.knock({tcp(7000), tcp(8000), tcp(9000)});
  EXPECT_EQ(d.lines(), (std::vector<std::string>{
                           "198.18.0.2: ssh: Stage 1", "198.18.0.2: web: Stage 1",
                           "198.18.0.2: ssh: Stage 2", "198.18.0.2: web: Stage 2",
                           "198.18.0.2: ssh: Stage 3", "198.18.0.2: ssh: OPEN SESAME",
                           "198.18.0.2: web: fail (stage 2)"}));
}

TEST(Matcher, SharedPrefixOpensTheOtherDoor) {  // R3: attempts advance independently
  Driver d(observed_doors());
  d.knock({tcp(7000), tcp(8000), tcp(9500)});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 web"});
}

TEST(Matcher, RepeatedKnockDiscardsAndStartsNothing) {  // R3 + R5
  for (auto seq : {std::vector{7000, 7000, 8000, 9000}, std::vector{7000, 8000, 7000, 8000, 9000},
                   std::vector{7000, 8000, 8000, 9000}}) {
    Driver d(observed_doors());
    for (int port : seq) d.send({tcp(static_cast<std::uint16_t>(port))});
    EXPECT_EQ(d.opened(), Opened{}) << "sequence starting " << seq[0] << "," << seq[1] << "," << seq[2];
  }
}

TEST(Matcher, ResendingTheWholeSequenceAfterAFailureOpens) {  // R5: a first knock starts afresh
  Driver d(observed_doors());
  d.knock({tcp(7000), tcp(7000), tcp(7000), tcp(8000), tcp(9000)});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(Matcher, AnotherDoorsPortBreaksTheKnock) {  // R1 passes 7500, R3 fails the attempt
  Driver d(observed_doors());
  d.knock({tcp(7000), tcp(7500), tcp(8000), tcp(9000)});
  EXPECT_EQ(d.opened(), Opened{});
}

TEST(Matcher, PortNoDoorUsesIsIgnored) {  // R1
  auto doors = observed_doors();
  doors.pop_back();  // nobody knocks on 7500 now
  Driver d(doors);
  d.knock({tcp(7000), tcp(7500), tcp(8000), tcp(9000)});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(Matcher, OtherProtocolNoDoorUsesIsIgnored) {  // R1
  Driver d(observed_doors());
  d.knock({tcp(7000), tcp(8000), udp(9000), tcp(9000)});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(Matcher, OtherProtocolSomeDoorUsesBreaksTheKnock) {  // R1 passes it, R3 fails
  auto doors = observed_doors();
  doors.push_back(door("dns", {udp(9000), udp(9100)}));
  Driver d(doors);
  d.knock({tcp(7000), tcp(8000), udp(9000), tcp(9000)});
  EXPECT_EQ(d.opened(), Opened{});
}

TEST(Matcher, UdpAndMixedSequences) {
  Driver d({door("udp", {udp(7001), udp(8001), udp(9001)}),
            door("mixed", {udp(7002), tcp(8002), tcp(9002)})});
  d.knock({udp(7001), udp(8001), udp(9001)});
  d.knock({udp(7002), tcp(8002), tcp(9002)});
  EXPECT_EQ(d.opened(), (Opened{"198.18.0.2 udp", "198.18.0.2 mixed"}));
}

TEST(Matcher, WrongFlagsAreIgnoredNotFailed) {  // R1 drops them
  Driver d(observed_doors());
  d.knock({tcp(7000), tcp(8000)});
  d.send({tcp(9000), 0, tcp_flag::kAck});
  d.send({tcp(9000), 0, tcp_flag::kSyn | tcp_flag::kAck});  // syn set: passes "syn"
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(Matcher, FlagsFailingOneDoorButPassingAnotherAreIgnoredByTheFirst) {  // R3
  auto doors = observed_doors();
  doors.push_back(door("acks", {tcp(9000), tcp(9100)}, {tcp_flag::kAck, 0}));
  Driver d(doors);
  d.knock({tcp(7000), tcp(8000)});
  d.send({tcp(9000), 0, tcp_flag::kAck});  // relevant through "acks"; "ssh" ignores it
  d.send({tcp(9000), 0, tcp_flag::kSyn});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(Matcher, RequiredAndForbiddenFlags) {
  Driver d({door("synack", {tcp(7000), tcp(8000)}, {tcp_flag::kSyn | tcp_flag::kAck, 0}),
            door("notack", {tcp(7100), tcp(8100)}, {0, tcp_flag::kAck})});
  const std::uint8_t syn = tcp_flag::kSyn, synack = tcp_flag::kSyn | tcp_flag::kAck;
  d.send({tcp(7000), 0, syn});     // lacks ack: ignored, starts nothing
  d.send({tcp(8000), 0, synack});  // not a first knock: nothing
  d.send({tcp(7000), 0, synack});
  d.send({tcp(8000), 0, synack | tcp_flag::kPsh});
  d.send({tcp(7100), 0, tcp_flag::kFin});
  d.send({tcp(8100), 0, synack});  // ack forbidden: ignored
  d.send({tcp(8100), 0, tcp_flag::kRst});
  EXPECT_EQ(d.opened(), (Opened{"198.18.0.2 synack", "198.18.0.2 notack"}));
}

TEST(Matcher, StageReachedAtSeqTimeoutIsDiscarded) {  // R6, whole seconds
  Driver d(observed_doors());
  d.send({tcp(7000), 100});
  d.send({tcp(8000), 104});
  d.send({tcp(9000), 105});
  EXPECT_EQ(d.opened(), Opened{});
  EXPECT_EQ(d.filtered(DoorEventKind::kTimeout), (Opened{"198.18.0.2 ssh", "198.18.0.2 web"}));
  EXPECT_EQ(d.lines()[4], "198.18.0.2: ssh: sequence timeout (stage 2)");
}

TEST(Matcher, StageJustInsideSeqTimeoutCounts) {
  Driver d(observed_doors());
  d.send({tcp(7000), 100});
  d.send({tcp(8000), 102});
  d.send({tcp(9000), 104});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(Matcher, AFirstKnockAfterATimeoutStartsAfresh) {  // R6 runs before R5
  Driver d(observed_doors());
  d.send({tcp(7000), 100});
  d.send({tcp(7000), 110});
  d.send({tcp(8000), 111});
  d.send({tcp(9000), 112});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(Matcher, EachDoorTimesOutOnItsOwnClock) {  // R6 per attempt
  Driver d({door("short", {tcp(7000), tcp(8000), tcp(9000)}, {tcp_flag::kSyn, 0}, 5),
            door("long", {tcp(7000), tcp(8000), tcp(9500)}, {tcp_flag::kSyn, 0}, 10)});
  d.send({tcp(7000), 100});
  d.send({tcp(8000), 101});
  d.send({tcp(9500), 107});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 long"});
  EXPECT_EQ(d.filtered(DoorEventKind::kTimeout), Opened{"198.18.0.2 short"});
  EXPECT_EQ(d.matcher().next_timeout(1), 5u);
}

TEST(Matcher, SourcesAreIndependent) {  // R7: knockd 0.8 loses these
  Driver d(observed_doors());
  d.send({tcp(7000), 0, tcp_flag::kSyn, kClient});
  d.send({tcp(7000), 0, tcp_flag::kSyn, kClient2});
  d.send({tcp(7000), 0, tcp_flag::kSyn, kClient2});  // kClient2 fails...
  d.send({tcp(8000), 0, tcp_flag::kSyn, kClient});   // ...kClient goes on
  d.send({tcp(9000), 0, tcp_flag::kSyn, kClient});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(Matcher, OneKnockDoorOpensAtOnce) {
  Driver d({door("one", {tcp(7000)}), door("two", {tcp(7000), tcp(8000)})});
  d.knock({tcp(7000), tcp(8000)});
  EXPECT_EQ(d.opened(), (Opened{"198.18.0.2 one", "198.18.0.2 two"}));
}

TEST(Matcher, KnocksMustReachALocalAddressOrTheTarget) {  // R1 + R2
  const Address target = *Address::parse("198.18.0.9");
  auto doors = observed_doors();
  doors.push_back(door("tgt", {tcp(7000), tcp(8000), tcp(9100)}));
  doors.back().target = target;
  Driver d(doors);
  for (auto port : {7000, 8000, 9100}) d.send({tcp(static_cast<std::uint16_t>(port)), 0, tcp_flag::kSyn, kClient, target});
  for (auto port : {7000, 8000, 9000}) d.send({tcp(static_cast<std::uint16_t>(port)), 0, tcp_flag::kSyn, kClient2, *Address::parse("198.18.0.77")});
  for (auto port : {7000, 8000, 9000}) d.send({tcp(static_cast<std::uint16_t>(port)), 0, tcp_flag::kSyn, kClient2, kOtherLocal});
  EXPECT_EQ(d.opened(), (Opened{"198.18.0.2 tgt", "198.18.0.3 ssh"}));
}

TEST(Matcher, KnockOnAnotherTargetReplacesTheAttempts) {  // D1
  const Address target = *Address::parse("198.18.0.9");
  Driver t({door("local", {tcp(7000), tcp(8000)}), [&] {
              Door x = door("tgt", {tcp(7100), tcp(8100)});
              x.target = target;
              return x;
            }()});
  t.send({tcp(7000)});
  t.send({tcp(7100), 0, tcp_flag::kSyn, kClient, target});  // finds nothing, starts "tgt"
  t.send({tcp(8000)});                                      // "local" was replaced
  t.send({tcp(8100), 0, tcp_flag::kSyn, kClient, target});
  EXPECT_EQ(t.opened(), Opened{"198.18.0.2 tgt"});
}

TEST(Matcher, ClassifiesOnlyWhatTheCaptureFilterWouldPass) {  // R1
  Driver d(observed_doors());
  const Matcher& m = d.matcher();
  auto classify = [&](KnockStep s, std::uint8_t flags, Address dst) {
    return m.classify(Knock{kClient, dst, s.protocol, s.port, 1, flags, {}});
  };
  EXPECT_NE(classify(tcp(7000), tcp_flag::kSyn, kServer), kIrrelevant);
  EXPECT_EQ(classify(tcp(7000), tcp_flag::kAck, kServer), kIrrelevant);
  EXPECT_EQ(classify(udp(7000), 0, kServer), kIrrelevant);
  EXPECT_EQ(classify(tcp(7001), tcp_flag::kSyn, kServer), kIrrelevant);
  EXPECT_EQ(classify(tcp(7000), tcp_flag::kSyn, kClient), kIrrelevant);
}

// Port classes are kept in pages of 256 ports: ports of one door in one page, in
// pages of their own, at both ends of the range and under both protocols are each
// classified, and every other port of those pages (and of the other protocol) is not.
TEST(Matcher, ClassifiesEveryDoorPortAndNoOtherAcrossPortPages) {  // R1
  const std::vector<KnockStep> steps{tcp(0), tcp(1), tcp(255), tcp(256), tcp(7000), udp(7001), udp(65535), tcp(65280)};
  Driver d({door("edges", steps, {0, 0})});
  const Matcher& m = d.matcher();
  std::map<std::pair<Protocol, std::uint16_t>, bool> door_port;
  for (const KnockStep& s : steps) door_port[{s.protocol, s.port}] = true;
  for (Protocol p : {Protocol::kTcp, Protocol::kUdp}) {
    for (std::uint32_t port = 0; port <= 65535; ++port) {
      const Knock k{kClient, kServer, p, static_cast<std::uint16_t>(port), 1, p == Protocol::kTcp ? tcp_flag::kSyn : std::uint8_t{0}, {}};
      const EventId event = m.classify(k);
      const bool classified = event != kIrrelevant && (event & kScanEvent) == 0;  // a door's, not R10's
      ASSERT_EQ(classified, door_port.contains({p, static_cast<std::uint16_t>(port)})) << port;
    }
  }
}

TEST(Matcher, ProgressAndLifetimeDescribeStates) {
  Driver d(observed_doors());
  const Matcher& m = d.matcher();
  EXPECT_EQ(m.progress(kNoAttempt), 0);
  const EventId first = m.classify(Knock{kClient, kServer, Protocol::kTcp, 7000, 1, tcp_flag::kSyn, {}});
  const Matcher::Step s = m.step(kNoAttempt, first);
  EXPECT_TRUE(s.started);
  EXPECT_EQ(m.progress(s.next), 1);
  EXPECT_EQ(m.next_timeout(s.next), 5u);
  const EventId second = m.classify(Knock{kClient, kServer, Protocol::kTcp, 8000, 1, tcp_flag::kSyn, {}});
  EXPECT_EQ(m.progress(m.step(s.next, second).next), 2);
  EXPECT_FALSE(m.step(s.next, second).started);
}

TEST(Matcher, RefusesDoorsItCannotMatch) {
  const Address local[] = {kServer};
  EXPECT_FALSE(Matcher::build(std::vector{door("long", std::vector<KnockStep>(33, tcp(1)))}, local).has_value());
  EXPECT_TRUE(Matcher::build(std::vector{door("max", std::vector<KnockStep>(32, tcp(1)))}, local).has_value());
  EXPECT_FALSE(Matcher::build(std::vector{door("ece", {tcp(1)}, {0x40, 0})}, local).has_value());
}

// The robust rules. Each test shows knockd's behaviour first where the rule changes it.

constexpr MatchingRules kRobust = MatchingRules::kRobust;

void send_ports(Driver& d, std::initializer_list<int> ports, std::uint32_t second = 0) {
  for (int port : ports) d.send({tcp(static_cast<std::uint16_t>(port)), second});
}

TEST(MatcherRobust, AFirstKnockThatDiscardsAnAttemptStartsANewOne) {  // R8
  for (MatchingRules rules : {MatchingRules::kKnockd, kRobust}) {
    Driver d(observed_doors(), rules);
    send_ports(d, {7000, 8000, 7000, 8000, 9000});
    EXPECT_EQ(d.opened(), rules == kRobust ? Opened{"198.18.0.2 ssh"} : Opened{});
  }
  Driver d(observed_doors(), kRobust);
  send_ports(d, {7000, 8000, 7000});
  EXPECT_EQ(d.lines(), (std::vector<std::string>{
                           "198.18.0.2: ssh: Stage 1", "198.18.0.2: web: Stage 1",
                           "198.18.0.2: ssh: Stage 2", "198.18.0.2: web: Stage 2",
                           "198.18.0.2: ssh: fail (stage 2)", "198.18.0.2: web: fail (stage 2)",
                           "198.18.0.2: ssh: Stage 1", "198.18.0.2: web: Stage 1"}));
}

TEST(MatcherRobust, ARestartIsANewStartForSeqTimeout) {  // R8 + R6
  Driver d(observed_doors(), kRobust);
  d.send({tcp(7000), 100});
  d.send({tcp(8000), 101});
  d.send({tcp(7000), 103});  // restarts: the clock runs from 103
  d.send({tcp(8000), 106});
  d.send({tcp(9000), 107});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(MatcherRobust, AnotherDoorsFirstKnockStartsThatDoor) {  // R8, across doors
  for (MatchingRules rules : {MatchingRules::kKnockd, kRobust}) {
    Driver d(observed_doors(), rules);
    send_ports(d, {7000, 8000, 7500, 7600});
    EXPECT_EQ(d.opened(), rules == kRobust ? Opened{"198.18.0.2 mail"} : Opened{});
  }
}

TEST(MatcherRobust, AWrongKnockThatStartsNothingStillFails) {  // R3 stands
  Driver d(observed_doors(), kRobust);
  send_ports(d, {7000, 8000, 7600, 9000});
  EXPECT_EQ(d.opened(), Opened{});
  EXPECT_EQ(d.filtered(DoorEventKind::kFail), (Opened{"198.18.0.2 ssh", "198.18.0.2 web"}));
}

TEST(MatcherRobust, ASpoofedFirstKnockBeforeTheRealOneCostsNothing) {  // R8 + R9
  Driver d(observed_doors(), kRobust);
  d.send({tcp(7000), 100});  // spoofed, from the knocker's address
  d.send({tcp(8000), 101});  // spoofed too: the spoofer knows 8000
  send_ports(d, {7000, 8000, 9000}, 102);  // the real knock
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(MatcherRobust, ARetransmittedKnockChangesNothing) {  // R9
  for (auto seq : {std::vector{7000, 7000, 8000, 9000}, std::vector{7000, 8000, 8000, 9000},
                   std::vector{7000, 8000, 8000, 8000, 9000}}) {
    for (MatchingRules rules : {MatchingRules::kKnockd, kRobust}) {
      Driver d(observed_doors(), rules);
      std::uint32_t second = 100;
      for (int port : seq) d.send({tcp(static_cast<std::uint16_t>(port)), second++});  // resent 1 s later
      EXPECT_EQ(d.opened(), rules == kRobust ? Opened{"198.18.0.2 ssh"} : Opened{})
          << "sequence starting " << seq[0] << "," << seq[1] << "," << seq[2];
      if (rules == kRobust) {
        EXPECT_EQ(d.filtered(DoorEventKind::kFail), Opened{"198.18.0.2 web"});
      }
    }
  }
}

TEST(MatcherRobust, ARepeatDoesNotExtendSeqTimeout) {  // R9 + R6
  Driver d(observed_doors(), kRobust);
  d.send({tcp(7000), 100});
  d.send({tcp(7000), 104});
  d.send({tcp(8000), 105});
  d.send({tcp(9000), 105});
  EXPECT_EQ(d.opened(), Opened{});
  EXPECT_EQ(d.filtered(DoorEventKind::kTimeout), (Opened{"198.18.0.2 ssh", "198.18.0.2 web"}));
}

TEST(MatcherRobust, ARepeatedStepOfTheSequenceStillAdvances) {  // R3 before R9
  Driver d({door("twice", {tcp(7000), tcp(7000), tcp(8000)})}, kRobust);
  send_ports(d, {7000, 7000, 7000, 8000});  // the third 7000 repeats the second
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 twice"});
}

TEST(MatcherRobust, ASequentialScanDoesNotOpen) {  // R10
  for (MatchingRules rules : {MatchingRules::kKnockd, kRobust}) {
    Driver d({observed_doors()[0]}, rules);  // the door, alone
    for (int port = 6900; port <= 9100; ++port) d.send({tcp(static_cast<std::uint16_t>(port))});
    EXPECT_EQ(d.opened(), rules == kRobust ? Opened{} : Opened{"198.18.0.2 ssh"});
  }
  Driver d(observed_doors(), kRobust);
  send_ports(d, {7000, 7001, 7002, 7003, 7004});
  EXPECT_EQ(d.filtered(DoorEventKind::kScan), Opened{});  // four distinct ports: tolerated
  send_ports(d, {7005});
  EXPECT_EQ(d.filtered(DoorEventKind::kScan), (Opened{"198.18.0.2 ssh", "198.18.0.2 web"}));
}

TEST(MatcherRobust, TheScannedDoorIsBarredUntilItsSeqTimeout) {  // R10 + R6
  Driver d(observed_doors(), kRobust);
  send_ports(d, {7000, 1, 2, 3, 4, 5}, 100);
  send_ports(d, {7000, 8000, 9000}, 104);  // barred: starts nothing
  send_ports(d, {7500, 7600}, 104);         // another door is not barred
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 mail"});
  send_ports(d, {7000, 8000, 9000}, 110);  // the bar, restarted with mail at 104, ended at 109
  EXPECT_EQ(d.opened(), (Opened{"198.18.0.2 mail", "198.18.0.2 ssh"}));
}

TEST(MatcherRobust, ABrowserAndAnSshSessionDoNotDisturbAKnock) {  // R10: distinct ports
  Driver d(observed_doors(), kRobust);
  send_ports(d, {7000, 22, 443, 443, 80, 443, 22});
  send_ports(d, {8000, 443, 22, 80, 443});
  send_ports(d, {9000});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(MatcherRobust, OnlySynsToTheDoorsDestinationCount) {  // R10
  Driver d(observed_doors(), kRobust);
  d.send({tcp(7000)});
  for (std::uint16_t port = 1; port <= 10; ++port) {
    d.send({tcp(port), 0, tcp_flag::kSyn | tcp_flag::kAck});
    d.send({tcp(port), 0, tcp_flag::kAck});
    d.send({udp(port)});
    d.send({tcp(port), 0, tcp_flag::kSyn, kClient, *Address::parse("198.18.0.77")});
    d.send({tcp(port), 0, tcp_flag::kSyn, kClient2});  // another source
  }
  send_ports(d, {8000, 9000});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 ssh"});
}

TEST(MatcherRobust, ScanGuardIsPerDoorAndZeroTurnsItOff) {  // R10
  std::vector<Door> doors{door("tight", {tcp(7000), tcp(8000), tcp(9000)}),
                          door("loose", {tcp(7000), tcp(8000), tcp(9500)}),
                          door("off", {tcp(7000), tcp(8000), tcp(9600)})};
  doors[0].scan_guard = 1;
  doors[1].scan_guard = 7;
  doors[2].scan_guard = 0;
  Driver d(doors, kRobust);
  send_ports(d, {7000, 1, 2});
  EXPECT_EQ(d.filtered(DoorEventKind::kScan), Opened{"198.18.0.2 tight"});
  send_ports(d, {8000, 3, 4, 5, 6, 7, 8});
  EXPECT_EQ(d.filtered(DoorEventKind::kScan), (Opened{"198.18.0.2 tight", "198.18.0.2 loose"}));
  send_ports(d, {9600});
  EXPECT_EQ(d.opened(), Opened{"198.18.0.2 off"});
}

TEST(MatcherRobust, ClassifiesSynsOutsideTheDoorsOnlyForTheScanGuard) {  // R10, R1
  auto syn = [](const Matcher& m, std::uint16_t port, std::uint8_t flags = tcp_flag::kSyn) {
    return m.classify(Knock{kClient, kServer, Protocol::kTcp, port, 1, flags, {}});
  };
  const Matcher knockd = *Matcher::build(observed_doors(), std::vector{kServer}, MatchingRules::kKnockd);
  EXPECT_EQ(syn(knockd, 22), kIrrelevant);
  EXPECT_FALSE(knockd.scan_guard());
  const Matcher robust = *Matcher::build(observed_doors(), std::vector{kServer}, kRobust);
  EXPECT_TRUE(robust.scan_guard());
  EXPECT_NE(syn(robust, 22) & kScanEvent, 0u);
  EXPECT_NE(syn(robust, 22), kIrrelevant);
  EXPECT_EQ(syn(robust, 22, tcp_flag::kSyn | tcp_flag::kAck), kIrrelevant);
  EXPECT_EQ(syn(robust, 7000) & kScanEvent, 0u);
  auto off = observed_doors();
  for (Door& door : off) door.scan_guard = 0;
  EXPECT_EQ(syn(*Matcher::build(off, std::vector{kServer}, kRobust), 22), kIrrelevant);
  EXPECT_FALSE(Matcher::build(std::vector{[] {
                                Door d = door("big", {tcp(1)});
                                d.scan_guard = kMaxScanGuard + 1;
                                return d;
                              }()},
                              std::vector{kServer})
                   .has_value());
}

// A one-time door whose file has no sequence left (or a door that cannot work) is
// disabled by emptying its sequence: the other doors keep their indices and match.
TEST(Matcher, DoorWithoutSequenceNeverMatchesAndKeepsOthersIndices) {
  const Address local[] = {kServer};
  auto m = Matcher::build(std::vector{door("disabled", {}), door("open", {tcp(7000)})}, local);
  ASSERT_TRUE(m.has_value());
  const Matcher::Step s = m->step(kNoAttempt, m->classify(Knock{kClient, kServer, Protocol::kTcp, 7000, 1, tcp_flag::kSyn, {}}));
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[1], (DoorEvent{1, 1, DoorEventKind::kOpen}));
}

}  // namespace
}  // namespace sesame
