// KnockTable: the keyed bucket hash, lookup, insertion with its eviction rule, erase.
#include "core/knock_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

namespace sesame {
namespace {

constexpr std::size_t kCacheLine = 64;
constexpr std::uint32_t kMaxSlots = 1u << 31;
static_assert(kMaxSlots <= (std::uint64_t{1} << 32) - TimerWheel::kMaxBuckets,
              "every slot must stay a valid wheel id");

__extension__ using Uint128 = unsigned __int128;

// The 64x64->128 multiply folded to 64 bits (wyhash's "mum"): every output bit depends
// on input bits of both operands.
inline std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) {
  const Uint128 p = Uint128{a} * b;
  return static_cast<std::uint64_t>(p) ^ static_cast<std::uint64_t>(p >> 64);
}

// The address as two words: the hash input, and a compare that g++ 12 would
// otherwise make a memcmp call (Address's defaulted == goes through std::array).
struct Words {
  std::uint64_t hi;
  std::uint64_t lo;
};
inline Words words(const Address& a) {
  Words w;
  std::memcpy(&w.hi, a.bytes().data(), 8);
  std::memcpy(&w.lo, a.bytes().data() + 8, 8);
  return w;
}

// The ways that hold source, live, and the free ways, as bit masks: eight compares
// without a branch each, since which way matches is unpredictable.
inline std::uint32_t ways_holding(const KnockEntry* ways, Words source) {
  std::uint32_t mask = 0;
  for (std::uint32_t w = 0; w < KnockTable::kWays; ++w) {
    const Words held = words(ways[w].source);
    const bool same = ((held.hi ^ source.hi) | (held.lo ^ source.lo)) == 0;
    mask |= static_cast<std::uint32_t>(same & (ways[w].state != 0)) << w;
  }
  return mask;
}
inline std::uint32_t free_ways(const KnockEntry* ways) {
  std::uint32_t mask = 0;
  for (std::uint32_t w = 0; w < KnockTable::kWays; ++w)
    mask |= static_cast<std::uint32_t>(ways[w].state == 0) << w;
  return mask;
}

// Eviction order, lowest first: least progress, then the oldest start. Starts count
// from the newcomer's, as a signed 32-bit difference biased to unsigned order, so the
// order is total and survives the wrap of 32-bit seconds.
inline std::uint64_t eviction_rank(const KnockEntry& e, std::uint32_t newcomer_sec) {
  return std::uint64_t{e.progress} << 32 | ((e.start_sec - newcomer_sec) ^ 0x80000000u);
}

}  // namespace

// The key is xored with fixed words so that a zero key (a caller that forgot to draw
// one) still spreads IPv4 sources, whose first 8 bytes are all zero: with k0 = 0 the
// first multiply would be by zero and every IPv4 source would share one bucket.
KnockTable::KnockTable(const KnockTableOptions& options)
    : key_{options.key.k0 ^ 0x8ebc6af09c88c6e3ull, options.key.k1 ^ 0x589965cc75374cc3ull},
      max_mask_(std::bit_ceil(std::clamp(options.capacity, kWays, kMaxSlots)) / kWays - 1),
      mask_(std::min(std::bit_ceil(std::clamp(options.initial_capacity, kWays, kMaxSlots)) / kWays - 1, max_mask_)),
      wheel_(static_cast<std::uint32_t>(max_capacity()), options.wheel_buckets, options.now_tick) {
  // calloc: an all-zero slot is free, and the kernel maps zero pages lazily, so the
  // slots past capacity() cost no resident memory until the table grows into them. One
  // extra line lets the slots start on a cache line, so a bucket of 8 spans exactly 3.
  memory_.reset(std::calloc(max_capacity() * sizeof(KnockEntry) + kCacheLine, 1));
  if (!memory_) throw std::bad_alloc();
  void* aligned = memory_.get();
  std::size_t space = max_capacity() * sizeof(KnockEntry) + kCacheLine;
  slots_ = static_cast<KnockEntry*>(std::align(kCacheLine, max_capacity() * sizeof(KnockEntry), aligned, space));
}

// Spoofers pick source addresses freely. If they could compute buckets, a few spoofed
// first knocks aimed at the bucket of a client they see knocking would evict that
// client's first knock each time, and one who knows a door's first knocks could fill
// the bucket further along and get the client refused. So the key words, random per
// start and never sent anywhere, enter the first multiply on both sides: without them
// the 128-bit product, and so the bucket, is unpredictable. The second multiply (by
// wyhash's odd constants) mixes both product halves into every bucket bit, so that
// addresses a few bits apart (one /64, one /24) land in unrelated buckets, and
// learning the key from collisions an attacker manages to observe is a nonlinear
// problem. Two multiplies: a few ns, no table, no loop.
KnockTable::Hash KnockTable::hash(const Address& source) const {
  const Words w = words(source);
  const Uint128 p = Uint128{w.hi ^ key_.k0} * (w.lo ^ key_.k1);
  return {fold_multiply(static_cast<std::uint64_t>(p) ^ 0xa0761d6478bd642full,
                        static_cast<std::uint64_t>(p >> 64) ^ 0xe7037ed1a0b428dbull)};
}

KnockEntry* KnockTable::find(const Address& source, Hash h) {
  KnockEntry* ways = bucket(h);
  const std::uint32_t holding = ways_holding(ways, words(source));
  return holding ? ways + std::countr_zero(holding) : nullptr;
}

// The bucket's lines and its slots' timer links (8 bytes each, so one or two lines):
// insert and erase touch the links right after the bucket, and without the prefetch
// that is a second cache miss in a row.
void KnockTable::prefetch(Hash h) const {
  const KnockEntry* ways = bucket(h);
  const auto* line = reinterpret_cast<const char*>(ways);
  for (std::size_t offset = 0; offset < kWays * sizeof(KnockEntry); offset += kCacheLine)
    __builtin_prefetch(line + offset);
  wheel_.prefetch(slot_of(ways));
  wheel_.prefetch(slot_of(ways) + kWays - 1);
}

KnockTable::InsertResult KnockTable::insert(const Address& source, Hash h, std::uint32_t start_sec,
                                            std::uint16_t state, std::uint8_t progress,
                                            std::uint64_t deadline_tick,
                                            std::optional<std::uint32_t> keep_timer_started_by) {
  // One result object, returned on every path, so it is built in the caller's slot:
  // copying it out costs two store-forwarding stalls (a third of an insert).
  InsertResult result;
  if (state == 0) return result;
  bool may_keep_timer = keep_timer_started_by.has_value();
  KnockEntry* ways = bucket(h);
  const std::uint32_t holding = ways_holding(ways, words(source));
  std::uint32_t free = holding ? 0 : free_ways(ways);
  if (!holding && !free && should_grow()) {
    grow();
    ways = bucket(h);
    free = free_ways(ways);
  }
  if (holding) {
    result.entry = ways + std::countr_zero(holding);
  } else if (free) {
    result.entry = ways + std::countr_zero(free);
    // A slot whose state the owner zeroed keeps its timer and is already counted.
    if (!counted(slot_of(result.entry))) ++size_;
  } else {
    KnockEntry* victim = ways;
    for (std::uint32_t w = 1; w < kWays; ++w)
      if (eviction_rank(ways[w], start_sec) < eviction_rank(*victim, start_sec)) victim = ways + w;
    if (victim->progress > progress) {
      ++counters_.refusals;
      return result;
    }
    result.evicted = victim->source;
    ++counters_.evictions;
    result.entry = victim;
    // Moved, not kept: a flood evicts as fast as it inserts, and kept timers would all
    // come due at their victims' deadlines, a second's worth in the same tick.
    may_keep_timer = false;
  }
  const std::uint32_t slot = slot_of(result.entry);
  // Live and erased slots always have a timer pending, so only the others read the
  // wheel. Never the timer being fired: expire() decides about it after on_due returns.
  const bool keep_timer = may_keep_timer &&
                          (result.entry->state != 0 || result.entry->erased != 0 || wheel_.scheduled(slot)) &&
                          !wheel_.firing(slot) &&
                          static_cast<std::int32_t>(result.entry->start_sec - *keep_timer_started_by) <= 0;
  *result.entry = KnockEntry{source, start_sec, state, static_cast<std::uint8_t>(progress & kProgressMask), 0, 0};
  if (!keep_timer) wheel_.schedule(slot, deadline_tick);
  ++counters_.inserts;
  return result;
}

// Doubling in place: the new half of the buckets is fresh (never in use, so all free),
// and an entry of old bucket b hashes to b or b + old bucket count, so each split half
// fits its bucket. A slot is moved if it is live or still has a timer (an erased
// entry, or one the owner zeroed): its source is kept until release() clears it.
void KnockTable::grow() {
  const std::uint32_t old_buckets = mask_ + 1;
  mask_ = 2 * mask_ + 1;
  ++counters_.growths;
  for (std::uint32_t b = 0; b < old_buckets; ++b) {
    KnockEntry* ways = slots_ + std::size_t{b} * kWays;
    KnockEntry* to = ways + std::size_t{old_buckets} * kWays;
    for (std::uint32_t w = 0; w < kWays; ++w) {
      const std::uint32_t slot = slot_of(ways + w);
      if (ways[w].state == 0 && !wheel_.scheduled(slot)) continue;
      if (bucket(hash(ways[w].source)) == ways) continue;
      *to = ways[w];
      ways[w] = KnockEntry{};
      wheel_.move(slot, slot_of(to));
      ++to;
    }
  }
}

void KnockTable::erase(KnockEntry* entry) {
  if (!entry || !counted(slot_of(entry))) return;
  --size_;
  // Every counted slot has a timer: it stays, and frees the slot when it fires.
  entry->state = 0;
  entry->erased = 1;
}

void KnockTable::reschedule(KnockEntry* entry, std::uint64_t deadline_tick) {
  if (entry && counted(slot_of(entry))) wheel_.schedule(slot_of(entry), deadline_tick);
}

void KnockTable::release(std::uint32_t slot) {
  if (counted(slot)) --size_;
  wheel_.cancel(slot);
  slots_[slot] = KnockEntry{};
}

}  // namespace sesame
