// Each of knockd's rules (matcher.h, R1-R7 and D1) stated as a test, with the
// cases observed against Debian's knockd 0.8 and knock client.
#include "core/matcher.h"

#include <gtest/gtest.h>

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

// The smallest driver of the automaton: one state and start second per source.
// The production driver is the knock table; this one keeps the rules visible.
class Driver {
 public:
  explicit Driver(std::vector<Door> doors, std::vector<Address> local = {kServer, kOtherLocal})
      : doors_(std::move(doors)), local_(std::move(local)) {
    auto built = Matcher::build(doors_, local_);
    EXPECT_TRUE(built.has_value()) << built.error().message;
    matcher_ = std::move(*built);
  }

  void send(const Packet& p) {
    Knock k{p.src, p.dst, p.step.protocol, p.step.port, 40000, p.flags, {}};
    if (k.protocol == Protocol::kUdp) k.tcp_flags = 0;
    const EventId e = matcher_.classify(k);
    if (e == kIrrelevant) return;
    auto& [state, start] = sources_[p.src];
    state = matcher_.expire(state, p.second - start, [&](const DoorEvent& d) { record(p.src, d); });
    const Matcher::Step s = matcher_.step(state, e);
    for (const DoorEvent& d : s.events) record(p.src, d);
    if (s.started) start = p.second;
    state = s.next;
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
      }
      out.push_back(line);
    }
    return out;
  }

  const Matcher& matcher() const { return matcher_; }

 private:
  void record(const Address& src, const DoorEvent& e) { log_.emplace_back(src, e); }

  std::vector<Door> doors_;
  std::vector<Address> local_;
  Matcher matcher_;
  std::map<Address, std::pair<StateId, std::uint32_t>> sources_;
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
