// Detector's table bookkeeping: the only place a step's outcome becomes table state.
#include "core/detector.h"

#include <algorithm>

namespace sesame {

Detector::Detector(const Matcher& matcher, const KnockTableOptions& table)
    : matcher_(&matcher), table_(table) {
  for (StateId s = 0; s < matcher.state_count(); ++s)
    longest_timeout_ = std::max(longest_timeout_, matcher.next_timeout(s));
}

void Detector::rebase(const Matcher& matcher, std::span<const std::uint16_t> changed) {
  const std::vector<StateId> to = matcher.carry_over(*matcher_, changed);
  table_.for_each([&](KnockEntry& e) {
    const StateId next = to[e.state];
    if (next == kNoAttempt) {
      table_.erase(&e);
      return;
    }
    // Fewer attempts time out no sooner: the entry's timer may fire early, never late.
    e.state = next;
    e.progress = matcher.progress(next) & kProgressMask;
  });
  matcher_ = &matcher;
  // Timers already set were bounded by the old longest timeout: keep the larger bound.
  for (StateId s = 0; s < matcher.state_count(); ++s)
    longest_timeout_ = std::max(longest_timeout_, matcher.next_timeout(s));
}

void Detector::count(const DoorEvent& e) {
  switch (e.kind) {
    case DoorEventKind::kStage: ++counters_.stages; break;
    case DoorEventKind::kOpen: ++counters_.opens; break;
    case DoorEventKind::kFail: ++counters_.failures; break;
    case DoorEventKind::kTimeout: ++counters_.timeouts; break;
    case DoorEventKind::kScan: ++counters_.scans; break;
  }
}

void Detector::store(const Address& source, KnockTable::Hash h, KnockEntry* entry, const Matcher::Step& step,
                     std::uint32_t now_sec) {
  if (step.next == kNoAttempt) {
    table_.erase(entry);
    return;
  }
  const std::uint8_t progress = matcher_->progress(step.next);
  if (!entry) {
    // Only a start leads from no attempt to some; a refusal (full bucket, see
    // KnockTable) drops the new attempts and is counted by the table. The slot's old
    // timer, if any, fires by its entry's start + longest_timeout_: when that is no
    // later than this deadline it may stay (and is re-armed when it fires early).
    const std::uint32_t timeout = matcher_->next_timeout(step.next);
    table_.insert(source, h, now_sec, step.next, progress, deadline(now_sec, step.next),
                  now_sec + timeout - longest_timeout_);
    return;
  }
  entry->state = step.next;
  entry->progress = progress & kProgressMask;
  if (step.started) {
    entry->start_sec = now_sec;
    entry->scan_ports = 0;  // R10 counts from a start
    table_.reschedule(entry, deadline(now_sec, step.next));
  }
  // Otherwise the deadline stands: attempts only leave a state, so its next
  // timeout can only move later, and a timer that fires early is re-armed.
}

}  // namespace sesame
