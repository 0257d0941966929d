// TimerWheel: a single-level hashed timing wheel over dense ids [0, capacity).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace sesame {

// The ids are slots of an owner's array (the knock table's slot index); ticks are the
// owner's unit (sesamed's are 10 ms). Per id the wheel keeps only two 32-bit links,
// plus one sentinel node per bucket, and no deadlines: tick t belongs to bucket
// t % buckets(), every scheduled id fires at a tick in (now(), now() + horizon()], and
// horizon() = buckets() - 1. So a bucket only ever holds ids of a single tick, and the
// bucket being fired never gains ids while it is fired. schedule(), cancel() and the
// work per fired id are O(1); advance() visits at most one revolution of buckets
// however long the wheel sat idle.
//
// Preconditions, and what happens when one is broken (each case is graceful):
// - id < capacity(): otherwise schedule() and cancel() do nothing and schedule()
//   returns 0, which is never a fire tick (those are above now() >= 0).
// - deadline_tick > now(): otherwise the id fires at the next tick advance() processes.
// - deadline_tick <= now() + horizon(): otherwise the id fires early, at the horizon;
//   schedule() returns the tick it will really fire at, so the owner can re-check its
//   own deadline then and schedule again.
// - advance() ticks never go back: a tick <= now() does nothing.
// - advance() is not called from its own on_due: such a call does nothing.
class TimerWheel {
 public:
  static constexpr std::uint32_t kMaxBuckets = 1u << 24;
  // Two 32-bit links: the whole per-id cost.
  static constexpr std::size_t kBytesPerId = 8;

  // buckets is rounded up to a power of two in [2, kMaxBuckets]; capacity is cut so
  // that every id and sentinel index fits 32 bits (capacity() tells). now_tick is the
  // owner's clock, so the first schedule() is measured from the right tick. Memory is
  // zero-filled by calloc, so links of ids never scheduled stay untouched pages.
  TimerWheel(std::uint32_t capacity, std::uint32_t buckets, std::uint64_t now_tick);

  // Schedules id, moving it if it was already scheduled. Returns the tick it will fire
  // at: deadline_tick clamped to [now() + 1, now() + horizon()].
  std::uint64_t schedule(std::uint32_t id, std::uint64_t deadline_tick);
  // Unschedules id; nothing happens if it was not scheduled.
  void cancel(std::uint32_t id);
  // Gives id's place in its tick to `to`, which must not be scheduled (an owner moving
  // its slot); from is unscheduled after. Nothing happens if from was not scheduled,
  // either id is out of range, or advance() is running.
  void move(std::uint32_t from, std::uint32_t to);
  bool scheduled(std::uint32_t id) const {
    return id < capacity_ && (links_[id].next != 0 || links_[id].prev != 0);
  }
  // Starts loading id's links into cache, for an owner that knows a few packets ahead
  // which ids it will schedule or cancel. An id past the ids prefetches the first
  // sentinel: GCC 12 emitted no prefetch at all for the branch this replaces.
  void prefetch(std::uint32_t id) const { __builtin_prefetch(links_.get() + std::min(id, capacity_)); }
  // True while advance() is calling on_due(id) and on_due has neither cancelled nor
  // re-scheduled id: the owner's way to tell whether its callback moved the id.
  bool firing(std::uint32_t id) const {
    return advancing_ && id < capacity_ && links_[bucket_of(now_)].next == id;
  }

  // Processes every tick in (now(), now_tick] in order (after a gap longer than a
  // revolution, only the last buckets() of them: every id is due by then) and calls
  // on_due(id) for each id of each tick, with now() reading that tick. While on_due
  // runs, id is still scheduled: on_due may cancel or re-schedule it or any other id;
  // if it does neither, id is unscheduled when on_due returns. An id re-scheduled from
  // on_due to a tick <= now_tick fires again in this same call, at most once per tick.
  template <class F>
  void advance(std::uint64_t now_tick, F&& on_due) {
    if (advancing_ || now_tick <= now_) return;
    advancing_ = true;
    // Ticks skipped here share their buckets with the ticks processed below.
    const std::uint64_t revolution = std::uint64_t{buckets_};
    if (now_tick - now_ > revolution) now_ = now_tick - revolution;
    while (now_ < now_tick) {
      const std::uint32_t head = bucket_of(++now_);
      for (std::uint32_t id; (id = links_[head].next) != head;) {
        on_due(id);
        // on_due cannot add to this bucket (its tick is outside the window), so id is
        // still first exactly when on_due left it alone.
        if (links_[head].next == id) unlink(id);
      }
    }
    advancing_ = false;
  }

  // True while advance() runs (inside on_due).
  bool advancing() const { return advancing_; }
  std::uint64_t now() const { return now_; }
  std::uint64_t horizon() const { return buckets_ - 1; }
  std::uint32_t capacity() const { return capacity_; }
  std::uint32_t buckets() const { return buckets_; }
  // Memory held: links of every id and sentinel.
  std::size_t bytes() const { return (std::size_t{capacity_} + buckets_) * sizeof(Link); }

 private:
  // Ids and bucket sentinels share one index space ([capacity, capacity + buckets) are
  // the sentinels) so that unlinking never needs to know the bucket. Every list is a
  // circle through its sentinel; an id outside any list has both links 0, which no
  // listed id can have, since its circle also passes through a sentinel (index > 0).
  struct Link {
    std::uint32_t next;
    std::uint32_t prev;
  };
  static_assert(sizeof(Link) == kBytesPerId, "the owner's memory budget counts 8 bytes per id");
  struct FreeLinks {
    void operator()(Link* p) const { std::free(p); }
  };

  std::uint32_t bucket_of(std::uint64_t tick) const {
    return capacity_ + static_cast<std::uint32_t>(tick & (buckets_ - 1));
  }
  void unlink(std::uint32_t id) {
    const Link l = links_[id];
    links_[l.prev].next = l.next;
    links_[l.next].prev = l.prev;
    links_[id] = Link{0, 0};
  }

  std::uint32_t capacity_;
  std::uint32_t buckets_;
  std::uint64_t now_;
  bool advancing_ = false;
  std::unique_ptr<Link[], FreeLinks> links_;
};

}  // namespace sesame
