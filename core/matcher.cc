// Builds the Matcher's tables from the doors: classes of packets, then every
// reachable set of attempts by breadth-first search.
#include "core/matcher.h"

#include <algorithm>
#include <deque>
#include <string>
#include <map>
#include <utility>

namespace sesame {
namespace {

// knockd's flags_match reads these six bits and no others.
constexpr std::uint8_t kMatchedFlagBits = 0x3f;

std::size_t protocol_row(Protocol p) { return p == Protocol::kTcp ? 0 : 1; }

// Which doors accept something: one bit per door.
using DoorSet = std::vector<bool>;

// Interns equal values to dense indices.
template <class T>
class Interner {
 public:
  std::uint32_t id(const T& value) {
    auto [it, added] = ids_.try_emplace(value, static_cast<std::uint32_t>(values_.size()));
    if (added) values_.push_back(value);
    return it->second;
  }
  const T& operator[](std::size_t i) const { return values_[i]; }
  std::size_t size() const { return values_.size(); }

 private:
  std::map<T, std::uint32_t> ids_;
  std::vector<T> values_;
};

// The stage of a door barred by the scan guard (R10): no attempt, and none may start.
constexpr std::uint8_t kBarred = 0xff;

struct Attempt {
  std::uint16_t door;
  std::uint8_t stage;  // knocks matched so far, or kBarred
  bool live() const { return stage != kBarred; }
  friend auto operator<=>(const Attempt&, const Attempt&) = default;
};
using AttemptSet = std::vector<Attempt>;  // sorted by door: knockd's list order

constexpr std::uint8_t kNoScanLimit = 0xff;

struct EventInfo {
  KnockStep step;
  std::uint32_t flag_class;
  std::uint32_t dst_class;
};

}  // namespace

class MatcherBuilder {
 public:
  MatcherBuilder(std::span<const Door> doors, std::span<const Address> local, MatchingRules rules)
      : doors_(doors), local_(local), robust_(rules == MatchingRules::kRobust) {}

  std::expected<Matcher, MatcherError> build() {
    if (auto bad = check_doors(); !bad.message.empty()) return std::unexpected(bad);
    classify_ports();
    classify_flags();
    classify_destinations();
    if (auto bad = enumerate_events(); !bad.message.empty()) return std::unexpected(bad);
    if (auto bad = explore_states(); !bad.message.empty()) return std::unexpected(bad);
    return std::move(m_);
  }

 private:
  MatcherError check_doors() const {
    if (doors_.size() > 0xffff) return {"too many doors"};
    for (const Door& d : doors_) {
      const std::string door = "door '" + d.name + "': ";
      if (d.sequence.size() > kMaxSequenceLength)
        return {door + "sequence longer than " + std::to_string(kMaxSequenceLength) + " knocks"};
      if (((d.tcp_flags.must_set | d.tcp_flags.must_clear) & ~kMatchedFlagBits) != 0)
        return {door + "only fin, syn, rst, psh, ack and urg can be matched"};
      if (d.scan_guard > kMaxScanGuard)
        return {door + "scan guard above " + std::to_string(kMaxScanGuard) + " ports"};
    }
    return {};
  }

  void classify_ports() {
    m_.port_classes_.assign(Matcher::kPortsPerPage, 0);  // page 0
    for (const Door& d : doors_) {
      for (const KnockStep& s : d.sequence) {
        std::uint16_t& page = m_.port_page_[protocol_row(s.protocol) * (65536 / Matcher::kPortsPerPage) +
                                            s.port / Matcher::kPortsPerPage];
        if (page == 0) {
          page = static_cast<std::uint16_t>(m_.port_classes_.size() / Matcher::kPortsPerPage);
          m_.port_classes_.resize(m_.port_classes_.size() + Matcher::kPortsPerPage, 0);
        }
        std::uint16_t& c = m_.port_classes_[page * Matcher::kPortsPerPage + s.port % Matcher::kPortsPerPage];
        if (c == 0) {
          steps_.push_back(s);
          c = static_cast<std::uint16_t>(steps_.size());  // class 0 is "no door"
        }
      }
    }
  }

  void classify_flags() {
    for (std::uint8_t v = 0; v <= kMatchedFlagBits; ++v)
      m_.tcp_flag_class_[v] = flag_sets_.id(doors_accepting([&](const Door& d) {
        return d.tcp_flags.matches(Protocol::kTcp, v);
      }));
    m_.udp_flag_class_ = flag_sets_.id(DoorSet(doors_.size(), true));
    m_.flag_class_count_ = static_cast<std::uint32_t>(flag_sets_.size());
  }

  void classify_destinations() {
    std::vector<Address> candidates(local_.begin(), local_.end());
    for (const Door& d : doors_)
      if (d.target) candidates.push_back(*d.target);
    std::ranges::sort(candidates);
    candidates.erase(std::ranges::unique(candidates).begin(), candidates.end());
    for (const Address& a : candidates) {
      DoorSet accepting = doors_accepting([&](const Door& d) { return accepts_destination(d, a); });
      if (std::ranges::find(accepting, true) == accepting.end()) continue;
      m_.destinations_.push_back({a, dst_sets_.id(accepting)});
    }
    m_.dst_class_count_ = static_cast<std::uint32_t>(dst_sets_.size());
  }

  MatcherError enumerate_events() {
    const std::size_t cells = (steps_.size() + 1) * flag_sets_.size() * dst_sets_.size();
    if (cells > kMaxTransitions) return {"too many distinct knock ports, flag rules and targets"};
    m_.event_of_.assign(cells, kIrrelevant);
    for (std::uint32_t p = 1; p <= steps_.size(); ++p) {
      for (std::uint32_t f = 0; f < flag_sets_.size(); ++f) {
        for (std::uint32_t t = 0; t < dst_sets_.size(); ++t) {
          const EventInfo e{steps_[p - 1], f, t};
          if (!relevant(e)) continue;
          m_.event_of_[(p * flag_sets_.size() + f) * dst_sets_.size() + t] =
              static_cast<EventId>(events_.size());
          events_.push_back(e);
        }
      }
    }
    m_.event_count_ = events_.size();
    m_.scan_guard_ = robust_ && std::ranges::any_of(doors_, [](const Door& d) { return d.scan_guard > 0; });
    return {};
  }

  // R1: some door passes it through knockd's capture filter.
  bool relevant(const EventInfo& e) const {
    for (std::size_t i = 0; i < doors_.size(); ++i)
      if (flag_sets_[e.flag_class][i] && dst_sets_[e.dst_class][i] &&
          std::ranges::find(doors_[i].sequence, e.step) != doors_[i].sequence.end())
        return true;
    return false;
  }

  MatcherError explore_states() {
    states_.id(AttemptSet{});
    for (std::size_t s = 0; s < states_.size(); ++s) {
      if (states_.size() > kMaxStates || (s + 1) * events_.size() > kMaxTransitions)
        return {"the doors' sequences overlap in too many ways to compile"};
      const AttemptSet current = states_[s];  // copy: interning may grow states_
      m_.states_.push_back(describe(current));
      auto& packed = m_.attempts_.emplace_back();
      for (const Attempt& a : current) packed.push_back(std::uint32_t{a.door} << 8 | a.stage);
      for (const EventInfo& e : events_) m_.transitions_.push_back(intern(apply(current, e)));
      m_.expiries_.push_back(intern(expire_next(current)));
      for (std::uint32_t t = 0; t < dst_sets_.size(); ++t) {
        const auto [limit, outcome] = scan_next(current, dst_sets_[t]);
        m_.scan_limits_.push_back(limit);
        m_.scans_.push_back(intern(outcome));
      }
    }
    return {};
  }

  struct Outcome {
    AttemptSet next;
    bool started = false;
    std::vector<DoorEvent> events;
  };

  // R2-R5, and with robust rules R8 and R9, for one source holding `current`.
  Outcome apply(const AttemptSet& current, const EventInfo& e) const {
    const DoorSet& flags_ok = flag_sets_[e.flag_class];
    const DoorSet& dst_ok = dst_sets_[e.dst_class];
    const bool found =
        std::ranges::any_of(current, [&](const Attempt& a) { return a.live() && dst_ok[a.door]; });
    if (!found) return start(current, e);
    Outcome out;
    bool held = false;  // some attempt advanced or took the packet as a repeat
    bool failed = false;
    for (const Attempt& a : current) {
      const std::vector<KnockStep>& seq = doors_[a.door].sequence;
      if (!a.live() || !dst_ok[a.door] || !flags_ok[a.door]) {
        out.next.push_back(a);
      } else if (seq[a.stage] == e.step) {
        advance(a, out);
        held = true;
      } else if (robust_ && seq[a.stage - 1] == e.step) {  // R9
        out.next.push_back(a);
        held = true;
      } else {
        out.events.push_back({a.door, a.stage, DoorEventKind::kFail});
        failed = true;
      }
    }
    if (!robust_ || held || !failed) return out;
    Outcome restart = start(out.next, e);  // R8
    if (!restart.started) return out;
    restart.events.insert(restart.events.begin(), out.events.begin(), out.events.end());
    return restart;
  }

  // R5 (and R8's start): attempts for every door, not barred (R10), whose flags and
  // target accept the packet and whose first knock it is. They replace the source's
  // attempts (D1); its barred doors stay barred.
  Outcome start(const AttemptSet& current, const EventInfo& e) const {
    const DoorSet& flags_ok = flag_sets_[e.flag_class];
    const DoorSet& dst_ok = dst_sets_[e.dst_class];
    Outcome out;
    for (std::size_t i = 0; i < doors_.size(); ++i) {
      const auto door = static_cast<std::uint16_t>(i);
      if (flags_ok[i] && dst_ok[i] && !doors_[i].sequence.empty() && doors_[i].sequence.front() == e.step &&
          std::ranges::find(current, Attempt{door, kBarred}) == current.end()) {
        out.started = true;
        advance({door, 0}, out);
      }
    }
    if (!out.started) {
      out.next = current;  // nothing starts, nothing changes
      return out;
    }
    for (const Attempt& a : current)
      if (!a.live()) out.next.push_back(a);
    std::ranges::sort(out.next);
    return out;
  }

  // R10 one step: the live attempts at a destination of `dst_ok` whose door has the
  // smallest scan_guard among them, discarded and barred once the count exceeds it.
  std::pair<std::uint8_t, Outcome> scan_next(const AttemptSet& current, const DoorSet& dst_ok) const {
    auto guarded = [&](const Attempt& a) {
      return robust_ && a.live() && dst_ok[a.door] && doors_[a.door].scan_guard > 0;
    };
    std::uint8_t limit = kNoScanLimit;
    for (const Attempt& a : current)
      if (guarded(a)) limit = std::min(limit, doors_[a.door].scan_guard);
    Outcome out;
    if (limit == kNoScanLimit) {
      out.next = current;
      return {limit, out};
    }
    for (const Attempt& a : current) {
      if (guarded(a) && doors_[a.door].scan_guard == limit) {
        out.events.push_back({a.door, a.stage, DoorEventKind::kScan});
        out.next.push_back({a.door, kBarred});
      } else {
        out.next.push_back(a);
      }
    }
    // With no attempt left, the bar runs a seq_timeout from now; otherwise it ends with
    // the group.
    out.started = std::ranges::none_of(out.next, &Attempt::live);
    return {limit, out};
  }

  void advance(Attempt a, Outcome& out) const {
    ++a.stage;
    out.events.push_back({a.door, a.stage, DoorEventKind::kStage});
    if (a.stage == doors_[a.door].sequence.size())
      out.events.push_back({a.door, a.stage, DoorEventKind::kOpen});
    else
      out.next.push_back(a);
  }

  // R6 one step: the attempts with the smallest seq_timeout time out together.
  Outcome expire_next(const AttemptSet& current) const {
    Outcome out;
    if (current.empty()) return out;
    const std::uint32_t first = timeout_of(std::ranges::min(current, {}, [&](const Attempt& a) {
      return timeout_of(a);
    }));
    for (const Attempt& a : current) {
      if (timeout_of(a) == first) {
        if (a.live()) out.events.push_back({a.door, a.stage, DoorEventKind::kTimeout});
      } else
        out.next.push_back(a);
    }
    return out;
  }

  Matcher::StateInfo describe(const AttemptSet& set) const {
    Matcher::StateInfo info;
    if (set.empty()) return info;
    info.next_timeout = timeout_of(set.front());
    for (const Attempt& a : set) {
      info.next_timeout = std::min(info.next_timeout, timeout_of(a));
      if (a.live()) info.progress = std::max(info.progress, a.stage);
    }
    return info;
  }

  Matcher::Transition intern(const Outcome& o) {
    const auto begin = static_cast<std::uint32_t>(m_.events_.size());
    m_.events_.insert(m_.events_.end(), o.events.begin(), o.events.end());
    return {static_cast<StateId>(states_.id(o.next)), o.started,
            static_cast<std::uint8_t>(o.events.size()), begin};
  }

  std::uint32_t timeout_of(const Attempt& a) const { return doors_[a.door].seq_timeout; }

  bool accepts_destination(const Door& d, const Address& a) const {
    return d.target ? *d.target == a : std::ranges::find(local_, a) != local_.end();
  }

  template <class Pred>
  DoorSet doors_accepting(Pred&& pred) const {
    DoorSet set(doors_.size());
    for (std::size_t i = 0; i < doors_.size(); ++i) set[i] = pred(doors_[i]);
    return set;
  }

  std::span<const Door> doors_;
  std::span<const Address> local_;
  bool robust_;
  std::vector<KnockStep> steps_;
  Interner<DoorSet> flag_sets_;
  Interner<DoorSet> dst_sets_;
  std::vector<EventInfo> events_;
  Interner<AttemptSet> states_;
  Matcher m_;
};

std::vector<StateId> Matcher::carry_over(const Matcher& old, std::span<const std::uint16_t> dropped) const {
  std::map<std::vector<std::uint32_t>, StateId> here;
  for (std::size_t s = 0; s < attempts_.size(); ++s) here.emplace(attempts_[s], static_cast<StateId>(s));
  std::vector<StateId> out(old.attempts_.size(), kNoAttempt);
  for (std::size_t s = 0; s < old.attempts_.size(); ++s) {
    std::vector<std::uint32_t> kept;
    for (std::uint32_t a : old.attempts_[s])
      if (std::ranges::find(dropped, a >> 8) == dropped.end()) kept.push_back(a);
    if (auto it = here.find(kept); it != here.end()) out[s] = it->second;
  }
  return out;
}

std::expected<Matcher, MatcherError> Matcher::build(std::span<const Door> doors,
                                                    std::span<const Address> local_addresses,
                                                    MatchingRules rules) {
  return MatcherBuilder(doors, local_addresses, rules).build();
}

EventId Matcher::classify(const Knock& k) const {
  const std::size_t page = port_page_[protocol_row(k.protocol) * (65536 / kPortsPerPage) + k.dst_port / kPortsPerPage];
  const std::uint16_t port = port_classes_[page * kPortsPerPage + k.dst_port % kPortsPerPage];
  if (port == 0) {
    if (!scan_guard_ || k.protocol != Protocol::kTcp ||
        (k.tcp_flags & (tcp_flag::kSyn | tcp_flag::kAck)) != tcp_flag::kSyn)
      return kIrrelevant;
    for (const DestinationClass& d : destinations_)
      if (d.address == k.dst) return kScanEvent | d.dst_class;
    return kIrrelevant;
  }
  const std::uint32_t flags = k.protocol == Protocol::kTcp
                                  ? tcp_flag_class_[k.tcp_flags & kMatchedFlagBits]
                                  : udp_flag_class_;
  for (const DestinationClass& d : destinations_) {
    if (d.address == k.dst)
      return event_of_[(port * flag_class_count_ + flags) * dst_class_count_ + d.dst_class];
  }
  return kIrrelevant;
}

Matcher::Step Matcher::step(StateId from, EventId event) const {
  return view(transitions_[from * event_count_ + event]);
}

}  // namespace sesame
