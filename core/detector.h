// Detector: one worker's knock detection: the matcher's rules applied to the
// sources of one KnockTable shard, with seq_timeout expiry from its timer wheel.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <span>

#include "core/knock.h"
#include "core/knock_table.h"
#include "core/matcher.h"

namespace sesame {

// Wall-clock time of a packet as AF_PACKET stamps it (tpacket3_hdr tp_sec, tp_nsec).
// knockd compares whole seconds of its pcap timestamps; so does the matcher.
struct PacketTime {
  std::uint32_t sec = 0;
  std::uint32_t nsec = 0;
};

// The timer wheel ticks every 10 ms.
inline constexpr std::uint64_t kTicksPerSecond = 100;

constexpr std::uint64_t to_tick(PacketTime t) {
  return std::uint64_t{t.sec} * kTicksPerSecond + t.nsec / (1'000'000'000 / kTicksPerSecond);
}

struct DetectorCounters {
  std::uint64_t irrelevant = 0;  // frames no door's capture filter passes (R1)
  std::uint64_t knocks = 0;      // frames applied to a source's attempts
  std::uint64_t stages = 0;
  std::uint64_t opens = 0;
  std::uint64_t failures = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t scan_syns = 0;  // R10 SYNs outside the doors from a source with attempts
  std::uint64_t scans = 0;      // attempts the scan guard discarded
};

class Detector {
 public:
  // matcher must outlive the detector; the table's states are its StateIds.
  Detector(const Matcher& matcher, const KnockTableOptions& table);

  // What a caller that parses frames a few ahead of the one it applies learns of a
  // knock early: its event and its source's table hash, so that applying it later
  // classifies and hashes nothing again. Valid while this detector's matcher and
  // table are (not across rebase()).
  struct Lookahead {
    EventId event = kIrrelevant;
    KnockTable::Hash hash;
  };
  // Classifies k and hashes its source; touches no table memory.
  Lookahead look_ahead(const Knock& k) const {
    const EventId event = matcher_->classify(k);
    return {event, event == kIrrelevant ? KnockTable::Hash{} : table_.hash(k.src)};
  }
  // Starts loading the table state of a knock's source into cache if the knock is
  // relevant to a door. A caller with several knocks in hand prefetches them all in a
  // row: the misses, and the page walks of a table larger than the TLB reaches, then
  // overlap, where a prefetch between two knocks' work waits alone.
  void prefetch(const Lookahead& ahead) const {
    if (ahead.event != kIrrelevant) table_.prefetch(ahead.hash);
  }

  // Applies one knock seen at `now`, calling on_event(const Address& source,
  // const DoorEvent&) for every stage, open, failure and timeout it causes, in
  // knockd's order (timeouts first).
  template <class OnEvent>
  void on_knock(const Knock& k, PacketTime now, OnEvent&& on_event) {
    on_knock(k, look_ahead(k), now, on_event);
  }
  // The same for a knock that look_ahead(k) returned `ahead` for.
  template <class OnEvent>
  void on_knock(const Knock& k, const Lookahead& ahead, PacketTime now, OnEvent&& on_event) {
    if (ahead.event == kIrrelevant) {
      ++counters_.irrelevant;
      return;
    }
    auto report = [&](const DoorEvent& e) {
      count(e);
      on_event(k.src, e);
    };
    KnockEntry* entry = table_.find(k.src, ahead.hash);
    if (ahead.event & kScanEvent) {
      on_scan(k, ahead, entry, now, report);
      return;
    }
    ++counters_.knocks;
    StateId state = kNoAttempt;
    if (entry) state = matcher_->expire(entry->state, now.sec - entry->start_sec, report);
    const Matcher::Step step = matcher_->step(state, ahead.event);
    for (const DoorEvent& e : step.events) report(e);
    store(k.src, ahead.hash, entry, step, now.sec);
  }

  // Ends the attempts whose seq_timeout has passed by `now`, reporting each as
  // on_knock does. Call it every tick, also when no packet arrives.
  template <class OnEvent>
  void expire(PacketTime now, OnEvent&& on_event) {
    table_.expire(to_tick(now), [&](KnockEntry& e) -> std::optional<std::uint64_t> {
      const StateId left = matcher_->expire(e.state, now.sec - e.start_sec, [&](const DoorEvent& d) {
        count(d);
        on_event(e.source, d);
      });
      if (left == kNoAttempt) return std::nullopt;
      e.state = left;
      e.progress = matcher_->progress(left) & kProgressMask;
      return deadline(e.start_sec, left);
    });
  }

  // A one-time door moved on (core/one_time_update.h): `matcher`, built from the same
  // doors with the sequences of those in `changed` replaced, applies from now on, and
  // must outlive the detector. Every source keeps its attempts at the other doors;
  // those at `changed` doors end, unreported (knockd instead empties every source's
  // attempts). Matcher::carry_over says when other attempts cannot be kept either.
  void rebase(const Matcher& matcher, std::span<const std::uint16_t> changed);

  const DetectorCounters& counters() const { return counters_; }
  const KnockTable& table() const { return table_; }

 private:
  // R10: a SYN outside the doors counts against the attempts of its source, if any.
  template <class Report>
  void on_scan(const Knock& k, const Lookahead& ahead, KnockEntry* entry, PacketTime now, Report& report) {
    if (!entry) {
      ++counters_.irrelevant;
      return;
    }
    ++counters_.scan_syns;
    const StateId state = matcher_->expire(entry->state, now.sec - entry->start_sec, report);
    entry->scan_ports |= static_cast<std::uint8_t>(1u << (k.dst_port % kScanGuardBins));
    const Matcher::Step step =
        matcher_->scan(state, ahead.event, static_cast<unsigned>(std::popcount(entry->scan_ports)), report);
    store(k.src, ahead.hash, entry, step, now.sec);
  }
  void count(const DoorEvent& e);
  // Writes the step's outcome for source (of table hash h) back to the table.
  void store(const Address& source, KnockTable::Hash h, KnockEntry* entry, const Matcher::Step& step,
             std::uint32_t now_sec);
  // The tick at which the first attempt of `state` started at `start_sec` times out.
  std::uint64_t deadline(std::uint32_t start_sec, StateId state) const {
    return (std::uint64_t{start_sec} + matcher_->next_timeout(state)) * kTicksPerSecond;
  }

  const Matcher* matcher_;
  // The longest next_timeout of any state: a timer set for an entry that started at
  // second s fires by (s + this) seconds at the latest.
  std::uint32_t longest_timeout_ = 0;
  KnockTable table_;
  DetectorCounters counters_;
};

}  // namespace sesame
