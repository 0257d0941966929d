// Detector's table bookkeeping: the only place a step's outcome becomes table state.
#include "core/detector.h"

namespace sesame {

Detector::Detector(const Matcher& matcher, const KnockTableOptions& table)
    : matcher_(&matcher), table_(table) {}

void Detector::count(const DoorEvent& e) {
  switch (e.kind) {
    case DoorEventKind::kStage: ++counters_.stages; break;
    case DoorEventKind::kOpen: ++counters_.opens; break;
    case DoorEventKind::kFail: ++counters_.failures; break;
    case DoorEventKind::kTimeout: ++counters_.timeouts; break;
  }
}

void Detector::store(const Address& source, KnockEntry* entry, const Matcher::Step& step,
                     std::uint32_t now_sec) {
  if (step.next == kNoAttempt) {
    table_.erase(entry);
    return;
  }
  const std::uint8_t progress = matcher_->progress(step.next);
  if (!entry) {
    // Only a start leads from no attempt to some; a refusal (full bucket, see
    // KnockTable) drops the new attempts and is counted by the table.
    table_.insert(source, now_sec, step.next, progress, deadline(now_sec, step.next));
    return;
  }
  entry->state = step.next;
  entry->progress = progress;
  if (step.started) {
    entry->start_sec = now_sec;
    table_.reschedule(entry, deadline(now_sec, step.next));
  }
  // Otherwise the deadline stands: attempts only leave a state, so its next
  // timeout can only move later, and a timer that fires early is re-armed.
}

}  // namespace sesame
