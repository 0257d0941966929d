// KnockTable: one worker's shard of the per-source knock state, bounded under floods.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>

#include "core/address.h"
#include "core/door.h"
#include "core/timer_wheel.h"

namespace sesame {

// One source's knock attempts in progress. The owner may change start_sec, state and
// progress through the pointers find() and insert() return; source is the key, and
// state goes to 0 only through erase() (see KnockTable for what happens otherwise).
struct KnockEntry {
  Address source;
  std::uint32_t start_sec = 0;  // wall-clock second the attempt started; compare wrap-safe
  std::uint16_t state = 0;      // the matcher's id of the attempts in progress; 0: free slot
  std::uint8_t progress : 7 = 0;  // knocks the furthest attempt has seen; 1: only the first
  std::uint8_t erased : 1 = 0;    // the table's: 1 once erase() freed the slot while its
                                  // timer is still pending (see erase())
  // The owner's: the scan guard's distinct ports (matcher rule R10), one bit per port
  // bin (kScanGuardBins); insert() clears it.
  std::uint8_t scan_ports = 0;
};
// progress is seven bits: writers mask with this (any stage fits, checked below).
inline constexpr std::uint8_t kProgressMask = 0x7f;
static_assert(kMaxSequenceLength <= kProgressMask && kScanGuardBins <= 8,
              "progress holds any stage, scan_ports a bit per bin");
static_assert(sizeof(KnockEntry) == 24,
              "24 bytes of entry + 8 bytes of timer links = the 32-byte budget per source");

// The hash key: random per daemon start (core draws no randomness itself).
struct KnockTableKey {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
};

struct KnockTableOptions {
  std::uint32_t capacity = 1u << 20;    // slots; rounded up to a power of two in [kWays, 2^31]
  KnockTableKey key;
  std::uint32_t wheel_buckets = 4096;   // timer horizon in ticks, plus one
  std::uint64_t now_tick = 0;           // the owner's clock at construction
  // Slots in use at first (rounded as capacity is, at most capacity): the table
  // doubles from here as sources arrive, up to capacity (see KnockTable).
  std::uint32_t initial_capacity = 4096;
};

// Set-associative: the keyed hash of a source picks one bucket of kWays slots, and
// find/insert/erase look only there, so every operation is O(kWays) and entries never
// move (pointers and the wheel's links stay valid). Each live entry sits in a timer
// wheel whose ids are the slot indices; the table stores no deadlines.
//
// Eviction, a security property. When a new source's bucket is full, the victim is the
// entry with the lowest progress, the oldest start_sec among equals (ages counted from
// the newcomer's start_sec, so 32-bit wrap is harmless; equal ages go by way order).
// If even that victim has more progress than the newcomer, the newcomer is refused
// (counted) and nothing is evicted. So a flood of spoofed first knocks (progress 1)
// can only displace other progress-1 entries, oldest first, never a source that is
// further along: a real client's first knock lasts until about kWays spoofed ones
// reach its bucket (roughly capacity / flood rate seconds), and its second knock
// makes it safe. Contrast iptables' xt_recent, which evicts plain LRU, so ~100
// spoofed packets flush every partial sequence; conntrack, closer to this, drops
// unconfirmed entries first. A spoofer who knows a door's first k knocks can still
// fill the table at progress k; the keyed hash (knock_table.cc) keeps it from aiming
// at one client's bucket.
//
// Growth. Memory for every slot up to the capacity bound is reserved at construction,
// zero-filled and so unresident, but the hash uses only the first capacity() slots,
// starting at initial_capacity: a quiet table touches a few pages, and a flood of n
// sources about 2n to 3n slots' worth, not the whole bound, which also keeps the TLB
// misses of a flood down. When an insert finds its bucket full while the table is at
// least 5/8 loaded, the table doubles in place before choosing a victim: bucket b
// splits into b and b + the old bucket count (fresh, free slots), entries and their
// timers moving by one more hash bit; nothing is allocated and nothing moves twice.
// Below 5/8 a full bucket evicts by the rule above (about 2 % of the inserts of a
// flood from 65,536 sources, which fill 131,072 slots to half: bench/README.md), and
// at the capacity bound the table evicts instead of growing, so memory stays bounded. Growth waits while expire() runs (its callback holds an
// entry), and an insert may move entries: pointers from earlier find() and insert()
// calls are stale after an insert().
//
// Not thread-safe by design: each worker owns one shard (PACKET_FANOUT keeps a source
// on one worker).
class KnockTable {
 public:
  static constexpr std::uint32_t kWays = 8;

  struct InsertResult {
    KnockEntry* entry = nullptr;     // nullptr: refused (or state was 0)
    std::optional<Address> evicted;  // the source that made room, for the owner to log
  };
  struct Counters {
    std::uint64_t inserts = 0;    // successful insert() calls, evicting or not
    std::uint64_t evictions = 0;  // entries displaced by insert()
    std::uint64_t refusals = 0;   // insert() calls refused by the eviction rule
    std::uint64_t growths = 0;    // doublings of capacity()
  };

  // The memory is zero-filled by calloc, so untouched slots stay unresident pages.
  explicit KnockTable(const KnockTableOptions& options);
  // Entries are handed out by pointer: the table's memory stays where it was built.
  KnockTable(const KnockTable&) = delete;
  KnockTable& operator=(const KnockTable&) = delete;

  // The keyed hash of a source (see bucket()): it stays valid while the table grows,
  // so a caller that prefetches a packet's bucket hashes its source once and passes
  // the hash to find() and insert() a few packets later. Only this table's hash of
  // the same source may be passed with it.
  struct Hash {
    std::uint64_t value = 0;
  };
  Hash hash(const Address& source) const;

  // The live entry of source, or nullptr.
  KnockEntry* find(const Address& source, Hash h);
  KnockEntry* find(const Address& source) { return find(source, hash(source)); }
  // Starts loading source's bucket and its timer links into cache: call it a few
  // packets ahead of find() and insert() when the source is known early.
  void prefetch(Hash h) const;
  void prefetch(const Address& source) const { prefetch(hash(source)); }
  // Adds source with these fields and schedules its timer at deadline_tick (clamped as
  // TimerWheel::schedule clamps). If source is already present, its entry is
  // overwritten. May grow the table, moving other entries (see Growth above). Refused
  // (nullptr, counted) by the eviction rule above; state 0 is refused too (it would
  // read as a free slot), uncounted.
  //
  // keep_timer_started_by: when the slot taken still has a timer pending (source's own
  // entry, or an erased one whose timer has not fired; an evicted entry's timer always
  // moves) and the entry there started at or before this second (wrap-safe), that
  // timer stays as it is
  // rather than moving to deadline_tick. It is the owner's promise that such a timer
  // fires no later than deadline_tick, so on_due only comes early; in exchange a flood
  // that inserts and erases the same sources costs no timer-list work (two cache
  // misses each). Nullopt: the timer always moves.
  InsertResult insert(const Address& source, Hash h, std::uint32_t start_sec, std::uint16_t state,
                      std::uint8_t progress, std::uint64_t deadline_tick,
                      std::optional<std::uint32_t> keep_timer_started_by = std::nullopt);
  InsertResult insert(const Address& source, std::uint32_t start_sec, std::uint16_t state,
                      std::uint8_t progress, std::uint64_t deadline_tick,
                      std::optional<std::uint32_t> keep_timer_started_by = std::nullopt) {
    return insert(source, hash(source), start_sec, state, progress, deadline_tick, keep_timer_started_by);
  }
  // Frees entry at once (find() misses it, size() drops, insert() may reuse it). Its
  // timer is left to fire, when it frees nothing and calls nothing, unless an insert()
  // reuses the slot first; so an erase costs no timer-list work. entry must come from
  // this table's find() or insert(); nullptr or an already free slot does nothing.
  void erase(KnockEntry* entry);
  // Moves entry's timer; does nothing for nullptr or a free slot.
  void reschedule(KnockEntry* entry, std::uint64_t deadline_tick);

  // Advances the timer to now_tick and calls on_due(KnockEntry&) for each entry whose
  // timer came due, which may be early (the wheel's horizon): on_due returns nullopt
  // to erase the entry or a tick to keep it until then. on_due may find, insert, erase
  // and reschedule; if it erased, replaced or rescheduled the entry it was given, that
  // wins over its return value. An entry whose state was set to 0 directly is freed
  // here without a call: until its timer fires it is invisible to find(), free for
  // insert() and still counted by size().
  template <class F>
  void expire(std::uint64_t now_tick, F&& on_due) {
    wheel_.advance(now_tick, [&](std::uint32_t slot) {
      KnockEntry& entry = slots_[slot];
      const std::optional<std::uint64_t> keep_until =
          entry.state != 0 ? on_due(entry) : std::nullopt;
      if (!wheel_.firing(slot)) return;
      if (keep_until && entry.state != 0)
        wheel_.schedule(slot, *keep_until);
      else
        release(slot);
    });
  }

  // Calls f(KnockEntry&) for every live entry, walking every slot: for a rare change
  // to all of them (Detector::rebase), never per packet. f may change the entry's
  // state, progress or scan_ports, or erase it.
  template <class F>
  void for_each(F&& f) {
    for (std::size_t i = 0; i < capacity(); ++i)
      if (slots_[i].state != 0) f(slots_[i]);
  }

  std::size_t size() const { return size_; }
  // Slots in use now; it grows up to max_capacity().
  std::size_t capacity() const { return std::size_t{mask_ + 1} * kWays; }
  std::size_t max_capacity() const { return std::size_t{max_mask_ + 1} * kWays; }
  const Counters& counters() const { return counters_; }
  static constexpr std::size_t bytes_per_slot() { return sizeof(KnockEntry) + TimerWheel::kBytesPerId; }
  // Memory reserved: slots up to the bound, their timer links and the wheel's buckets.
  // Resident is what capacity() slots touched.
  std::size_t bytes() const { return max_capacity() * sizeof(KnockEntry) + wheel_.bytes(); }

 private:
  struct FreeSlots {
    void operator()(void* p) const { std::free(p); }
  };

  KnockEntry* bucket(Hash h) const { return slots_ + (h.value & mask_) * kWays; }
  bool should_grow() const {
    return mask_ < max_mask_ && !wheel_.advancing() && size_ >= capacity() / 8 * 5;
  }
  void grow();
  std::uint32_t slot_of(const KnockEntry* entry) const {
    return static_cast<std::uint32_t>(entry - slots_);
  }
  // Whether size() counts slot: live, or state zeroed by the owner with a timer left
  // (an erased slot's timer is not counted).
  bool counted(std::uint32_t slot) const {
    return slots_[slot].state != 0 || (slots_[slot].erased == 0 && wheel_.scheduled(slot));
  }
  void release(std::uint32_t slot);

  KnockTableKey key_;
  std::uint32_t max_mask_;  // buckets at the capacity bound - 1
  std::uint32_t mask_;      // buckets in use - 1
  std::unique_ptr<void, FreeSlots> memory_;
  KnockEntry* slots_;   // memory_, aligned to a cache line
  TimerWheel wheel_;
  std::size_t size_ = 0;
  Counters counters_;
};

}  // namespace sesame
