// Matcher: knockd 0.8's knock rules compiled into a table-driven automaton.
//
// The rules, as knockd 0.8 applies them (src/knockd.c: generate_pcap_filter,
// sniff, flags_match, process_attempt), each stated by a test in matcher_test.cc:
//
//  R1 Relevance. A packet is seen at all only if some door D would pass it through
//     knockd's capture filter: its destination is D's target (or, without a
//     target, an address of the listening interface), its (protocol, port) is a
//     step of D's sequence, and for TCP its flags satisfy D's TCPFlags. Every
//     other packet is ignored: it neither advances nor breaks a knock.
//  R2 Attempts. A source holds attempts, one per door, each at a stage (knocks
//     matched so far). The attempts of a source that a packet "finds" are those
//     whose door accepts the packet's destination (R1's target test).
//  R3 Advance. For each found attempt, in door order: if the packet's TCP flags
//     fail the door's TCPFlags, the packet is ignored for that attempt; else if
//     (protocol, port) is the door's next step, the attempt advances (logged
//     "Stage N"); otherwise the attempt fails and is discarded.
//  R4 Open. An attempt that has matched its door's whole sequence opens the door
//     ("OPEN SESAME") and ends.
//  R5 Start. Only a packet that finds no attempt may start attempts: one for
//     every door (in order) whose flags and target accept it and whose first
//     step it is. So a repeated first knock (7000 7000 ...) discards the attempt
//     and starts nothing; the next packet starts afresh only if it is a first
//     knock itself.
//  R6 Timeout. Before a packet is applied, every attempt of its source for which
//     (packet second - start second) >= the door's seq_timeout is discarded
//     ("sequence timeout (stage N)"). Seconds are whole seconds of the packet
//     timestamps, as knockd compares pcap's tv_sec. All attempts of one start
//     share their start second.
//  R7 Independence. Sources never affect each other. (knockd 0.8 breaks this: when
//     its oldest attempt ends it drops the whole list. sesame does not copy that.)
//
// Robust rules (MatchingRules::kRobust, the default; MatchingRules::kKnockd leaves
// them out and is knockd 0.8 exactly). Each keeps a common accident from breaking or
// opening a knock, and each is stated by a test in matcher_test.cc:
//  R8 Restart. A packet that finds attempts, advances none of them (and is no R9
//     repeat for any) but discards one, and is itself the first knock of a door,
//     starts attempts as R5 would (replacing the source's others, D1). So a spoofed
//     first knock from the knocker's own address, or a knock begun again, no longer
//     costs the real knock that follows. (knockd: the packet starts nothing, R5.)
//  R9 Repeat. For an attempt, a packet that repeats the knock that last advanced it,
//     same protocol and port, and is not its next knock, is ignored for that attempt
//     as if its flags had failed; the attempt's seq_timeout still runs from its start.
//     So a retransmitted SYN (telnet, nc, curl resend after 1 s) never breaks a knock.
//  R10 Scan guard. While a source has attempts, every TCP SYN without ACK it sends to
//     a destination they accept, on a port in no door's sequence (a packet R1
//     ignores), is counted by port, distinct ports told apart by their low three bits
//     (kScanGuardBins). Once the count exceeds a door's scan_guard (0: off), that
//     door's attempt is discarded ("scan") and the door is barred to the source: it
//     cannot start an attempt there until the source's group times out (R6), a
//     door's seq_timeout after the group's start, or after the guard fired if that
//     left the source no attempt. A start (R5, R8) resets the count. So a connect
//     scan walking 6900-9100 in order cannot walk through 7000,8000,9000.
//
// Deliberate differences, for which knockd's behaviour is an accident:
//  D1 One group per source: a source whose packet finds none of its attempts
//     (only possible with per-door targets) and starts new ones replaces its old
//     attempts, where knockd would keep both groups with separate start times.
//
// The automaton: a state is the set of a source's attempts, (door, stage) pairs, and
// of the doors barred to it by R10, interned as a StateId (0: no attempt). A packet is classified into an event
// (its step, which doors' flags accept it, which doors' targets accept its
// destination); transitions[state][event] holds the next state and what to log.
// Everything is computed when the doors are loaded, so a packet costs a few
// table lookups and no allocation.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/door.h"
#include "core/knock.h"
#include "core/matching_rules.h"

namespace sesame {

using StateId = std::uint16_t;
inline constexpr StateId kNoAttempt = 0;

using EventId = std::uint32_t;
inline constexpr EventId kIrrelevant = 0xffffffff;
// classify() marks an R10 packet (a SYN outside the doors) with this bit; the rest of
// the id is the packet's destination class. Test kIrrelevant first.
inline constexpr EventId kScanEvent = 0x80000000;

// Bounds on the compiled tables; configs beyond them are refused, not truncated.
inline constexpr std::size_t kMaxStates = 0xffff;
inline constexpr std::size_t kMaxTransitions = std::size_t{1} << 24;

enum class DoorEventKind : std::uint8_t {
  kStage,    // an attempt matched knock number `stage`
  kOpen,     // the door opens for this source
  kFail,     // a wrong knock discarded the attempt at `stage`
  kTimeout,  // seq_timeout discarded the attempt at `stage`
  kScan,     // the scan guard (R10) discarded the attempt at `stage`
};

struct DoorEvent {
  std::uint16_t door;  // index into the doors the matcher was built from
  std::uint8_t stage;
  DoorEventKind kind;
  friend bool operator==(const DoorEvent&, const DoorEvent&) = default;
};

struct MatcherError {
  std::string message;
};

class Matcher {
 public:
  // A door with an empty sequence is a disabled one: it keeps its index (DoorEvent::door)
  // and never matches. Fails if a door has an over-long sequence or the automaton would
  // exceed kMaxStates or kMaxTransitions.
  static std::expected<Matcher, MatcherError> build(
      std::span<const Door> doors, std::span<const Address> local_addresses,
      MatchingRules rules = MatchingRules::kRobust);

  // The event this knock is, a kScanEvent (R10), or kIrrelevant (R1).
  EventId classify(const Knock& knock) const;

  struct Step {
    StateId next;
    bool started;  // new attempts began: the source's start second is now
    std::span<const DoorEvent> events;  // points into the matcher
  };
  // Applies R2-R5 to a source in `from` (already expired).
  Step step(StateId from, EventId event) const;

  // Applies R6: drops the attempts of `from` that have timed out `elapsed`
  // seconds after their start, calls on_timeout(const DoorEvent&) for each
  // (kind kTimeout), and returns the state left.
  template <class OnTimeout>
  StateId expire(StateId from, std::uint32_t elapsed, OnTimeout&& on_timeout) const {
    while (from != kNoAttempt && elapsed >= states_[from].next_timeout) {
      const Step s = view(expiries_[from]);
      for (const DoorEvent& e : s.events) on_timeout(e);
      from = s.next;
    }
    return from;
  }

  // R10 for a source in `from` (already expired) that has sent SYNs to `ports`
  // distinct ports outside the doors, the last to destination `scan` (a kScanEvent):
  // discards and bars every attempt whose door's scan_guard is below `ports`, calls
  // on_scan(const DoorEvent&) for each (kind kScan), and returns the state left and
  // whether the group restarts (the guard left it no attempt, only barred doors).
  template <class OnScan>
  Step scan(StateId from, EventId scan, unsigned ports, OnScan&& on_scan) const {
    Step out{from, false, {}};
    const std::size_t column = scan & ~kScanEvent;
    while (ports > scan_limits_[out.next * dst_class_count_ + column]) {
      const Step s = view(scans_[out.next * dst_class_count_ + column]);
      for (const DoorEvent& e : s.events) on_scan(e);
      out.next = s.next;
      out.started = out.started || s.started;
    }
    return out;
  }
  // Whether classify() can return a kScanEvent: the knock filter must then pass SYNs.
  bool scan_guard() const { return scan_guard_; }

  // Seconds after its start at which the first attempt of `state` times out.
  std::uint32_t next_timeout(StateId state) const { return states_[state].next_timeout; }
  // The furthest stage among the attempts of `state` (0 for kNoAttempt and for a state
  // of barred doors only).
  std::uint8_t progress(StateId state) const { return states_[state].progress; }

  std::size_t state_count() const { return states_.size(); }
  std::size_t event_count() const { return event_count_; }

  // For a matcher built from the same doors as `old` but with the doors in `dropped`
  // changed (a one-time door's next sequence): for each state of `old`, this matcher's
  // state with the same attempts less those at `dropped`; kNoAttempt where none is
  // left, or where this matcher never reaches that set of attempts (it has only the
  // states its own doors reach, so those attempts cannot be kept).
  std::vector<StateId> carry_over(const Matcher& old, std::span<const std::uint16_t> dropped) const;

 private:
  struct StateInfo {
    std::uint32_t next_timeout = 0;  // smallest seq_timeout among the attempts
    std::uint8_t progress = 0;
  };
  struct Transition {
    StateId next;
    bool started;
    std::uint8_t event_count;
    std::uint32_t event_begin;
  };
  struct DestinationClass {
    Address address;
    std::uint32_t dst_class;
  };

  friend class MatcherBuilder;

  Step view(const Transition& t) const {
    return {t.next, t.started, std::span(events_).subspan(t.event_begin, t.event_count)};
  }

  // classify(): (protocol, port) -> port class (0: no door uses it), TCP flags ->
  // flag class, destination -> destination class; event_of_ maps the triple.
  // Port classes in pages of 256 ports: port_page_[protocol][port / 256] is the page
  // of port_classes_ that holds them, and page 0, all zero, serves every port range no
  // door uses. A dense table would be 256 KiB written at every build, resident for the
  // daemon's life, for the few ports doors use; this is a few KiB and one more load.
  static constexpr std::size_t kPortsPerPage = 256;
  std::array<std::uint16_t, 2 * 65536 / kPortsPerPage> port_page_{};
  std::vector<std::uint16_t> port_classes_;
  std::array<std::uint32_t, 64> tcp_flag_class_{};
  std::uint32_t udp_flag_class_ = 0;
  std::vector<DestinationClass> destinations_;
  std::uint32_t flag_class_count_ = 0;
  std::uint32_t dst_class_count_ = 0;
  std::vector<EventId> event_of_;
  std::size_t event_count_ = 0;
  bool scan_guard_ = false;

  std::vector<StateInfo> states_;
  std::vector<Transition> transitions_;  // [state * event_count_ + event]
  std::vector<Transition> expiries_;     // [state]: the attempts with the next timeout dropped
  // R10, [state * dst_class_count_ + destination class]: the distinct-port count the
  // state's guarded attempts there tolerate (their smallest scan_guard; 0xff: no
  // guard), and the transition that discards and bars those at that smallest one.
  std::vector<std::uint8_t> scan_limits_;
  std::vector<Transition> scans_;
  std::vector<DoorEvent> events_;
  // [state]: its attempts, door << 8 | stage (0xff: barred), by door; for carry_over.
  std::vector<std::vector<std::uint32_t>> attempts_;
};

}  // namespace sesame
