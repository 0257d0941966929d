// Op-stream target for KnockTable, checked after every op against a std::map model of
// the slots the table handed out. Input: capacity, key, wheel size, start tick, then
// ops; expire() callbacks read their own actions from the same stream. With one
// bucket (capacity 8) the model knows every bucket's content, so it checks the
// eviction rule exactly; with more it checks what holds for any hash.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include "core/bytes.h"
#include "core/knock_table.h"

namespace {

using sesame::Address;
using sesame::ByteReader;
using sesame::KnockEntry;
using sesame::KnockTable;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// 24 sources, so buckets fill: IPv4, IPv6, and the unspecified address, which equals a
// free slot's zeroed source.
Address source(std::uint8_t byte) {
  const unsigned n = byte % 24;
  if (n < 18) return Address::v4(0x0a000000u + n * 977u);
  if (n < 23) {
    std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8};
    bytes[15] = static_cast<std::uint8_t>(n);
    return Address::v6(bytes);
  }
  return Address{};
}

// What the model knows of one slot: a live entry, or one whose state the owner zeroed
// directly (still counted and timed until its timer fires or insert reuses it).
// Slots freed by erase() are kept apart (Model::erased): uncounted, their timer still
// pending until it fires or an insert reuses them.
struct Slot {
  Address source;
  std::uint32_t start_sec;
  std::uint16_t state;
  std::uint8_t progress;
  std::uint64_t fire;  // the tick its timer fires at
};

struct Model {
  Model(bool one_bucket_, std::uint64_t wheel_buckets_, std::uint64_t now_)
      : one_bucket(one_bucket_), wheel_buckets(wheel_buckets_), now(now_) {}

  bool one_bucket;
  std::uint64_t wheel_buckets;
  std::uint64_t now;  // while expire() runs: the tick being fired
  std::map<const KnockEntry*, Slot> slots;
  std::map<const KnockEntry*, Slot> erased;  // start_sec and fire of what erase() freed
  KnockTable::Counters counters;
  // While an on_due runs: its entry, whether the callback erased, replaced or
  // rescheduled it (then its return value does not count), and whether its timer
  // moved (an erase leaves it firing).
  const KnockEntry* due = nullptr;
  bool due_moved = false;
  bool due_timer_moved = false;
  std::vector<KnockEntry*> seen;  // every pointer handed out, for stale erases

  std::uint64_t fire_at(std::uint64_t deadline) const {
    return std::clamp(deadline, now + 1, now + wheel_buckets - 1);
  }
  const KnockEntry* live(const Address& a) const {
    for (const auto& [p, s] : slots)
      if (s.state != 0 && s.source == a) return p;
    return nullptr;
  }
  std::size_t live_count() const {
    return static_cast<std::size_t>(std::ranges::count_if(slots, [](const auto& kv) { return kv.second.state != 0; }));
  }
  void touch(const KnockEntry* p, bool timer_moved) {
    if (p && p == due) {
      due_moved = true;
      due_timer_moved = due_timer_moved || timer_moved;
    }
  }
  // Drops erased slots whose timers fired by `tick` (they free the slot, no call).
  void fire_erased(std::uint64_t tick) {
    std::erase_if(erased, [&](const auto& kv) { return kv.second.fire <= tick; });
  }
  void remember(KnockEntry* p) {
    if (p && seen.size() < 64 && std::ranges::find(seen, p) == seen.end()) seen.push_back(p);
  }
};

std::uint64_t deadline(ByteReader& in, std::uint64_t now) {
  const std::uint8_t how = in.u8();
  if (how & 0x80) return now + in.be32();
  const auto delta = static_cast<std::int8_t>(how << 1);
  return delta < 0 && std::uint64_t(-delta) > now ? 0 : now + static_cast<std::uint64_t>(std::int64_t{delta});
}

// The eviction order the header documents: least progress, then oldest start, ages as
// signed 32-bit differences from the newcomer's start.
std::tuple<std::uint8_t, std::int32_t> rank(const Slot& s, std::uint32_t newcomer_start) {
  return {s.progress, static_cast<std::int32_t>(s.start_sec - newcomer_start)};
}

void insert(KnockTable& table, Model& m, ByteReader& in) {
  const Address src = source(in.u8());
  const std::uint32_t start = in.u8() & 0x80 ? in.be32() : 1000 + in.u8();
  const auto state = static_cast<std::uint16_t>(in.u8() % 4);
  const auto progress = static_cast<std::uint8_t>(in.u8() % 5);
  const std::uint64_t d = deadline(in, m.now);
  // Not from an on_due: a zeroed or erased slot due at this very tick may or may not
  // have fired yet (the model does not know the order within a tick), nor so whether
  // its timer can stay. KnockTable.InsertNeverKeepsTheTimerBeingFired covers that case.
  std::optional<std::uint32_t> keep_bound;
  if (in.u8() & 1 && !m.due) keep_bound = 1000 + in.u8();
  const KnockTable::InsertResult r = table.insert(src, start, state, progress, d, keep_bound);
  m.remember(r.entry);
  if (state == 0) {
    check(!r.entry && !r.evicted);
    return;
  }
  // The timer stays when the slot had one pending, its occupant started by the bound,
  // it is not an eviction and not the timer being fired.
  const Slot* before = nullptr;
  if (const auto it = m.slots.find(r.entry); it != m.slots.end()) before = &it->second;
  if (const auto it = m.erased.find(r.entry); it != m.erased.end()) before = &it->second;
  const bool firing = r.entry == m.due && !m.due_timer_moved;
  const bool kept = keep_bound && before && !r.evicted && !firing &&
                    static_cast<std::int32_t>(before->start_sec - *keep_bound) <= 0;
  const Slot fresh{src, start, state, progress, kept ? before->fire : m.fire_at(d)};
  if (const KnockEntry* present = m.live(src)) {
    check(r.entry == present && !r.evicted);
  } else if (!r.entry) {
    check(!r.evicted);
    if (m.one_bucket) {
      check(m.live_count() == KnockTable::kWays);
      for (const auto& [p, s] : m.slots) check(s.state == 0 || s.progress > progress);
    }
    ++m.counters.refusals;
    return;
  } else if (r.evicted) {
    const auto it = m.slots.find(r.entry);
    check(it != m.slots.end() && it->second.state != 0 && it->second.source == *r.evicted);
    check(it->second.progress <= progress);
    if (m.one_bucket) {
      check(m.live_count() == KnockTable::kWays);
      for (const auto& [p, s] : m.slots) check(rank(it->second, start) <= rank(s, start));
    }
    ++m.counters.evictions;
  } else {
    // A free slot, or one whose state the owner zeroed.
    const auto it = m.slots.find(r.entry);
    check(it == m.slots.end() || it->second.state == 0);
    if (m.one_bucket) check(m.live_count() < KnockTable::kWays);
  }
  m.erased.erase(r.entry);
  m.slots[r.entry] = fresh;
  m.touch(r.entry, !kept);
  ++m.counters.inserts;
}

void erase(KnockTable& table, Model& m, KnockEntry* p) {
  table.erase(p);
  if (const auto it = m.slots.find(p); it != m.slots.end()) {
    m.erased[p] = it->second;
    m.slots.erase(it);
  }
  m.touch(p, false);
}

void reschedule(KnockTable& table, Model& m, KnockEntry* p, std::uint64_t d) {
  table.reschedule(p, d);
  if (const auto it = m.slots.find(p); it != m.slots.end()) {
    it->second.fire = m.fire_at(d);
    m.touch(p, true);
  }
}

// The owner's writes through a found pointer: allowed ones, and the misuse of zeroing
// state directly.
void update(KnockTable& table, Model& m, ByteReader& in, bool abandon) {
  KnockEntry* e = table.find(source(in.u8()));
  if (!e) return;
  Slot& s = m.slots.at(e);
  if (abandon) {
    e->state = s.state = 0;
    return;
  }
  e->start_sec = s.start_sec = in.be32();
  e->state = s.state = static_cast<std::uint16_t>(1 + in.u8() % 3);
  s.progress = static_cast<std::uint8_t>(in.u8() % 5);
  e->progress = s.progress & sesame::kProgressMask;
}

void expire(KnockTable& table, Model& m, ByteReader& in, std::uint64_t target, bool act);

// One on_due: its entry must be the next due, then the actions the input asks for.
std::optional<std::uint64_t> on_due(KnockTable& table, Model& m, ByteReader& in, KnockEntry& e,
                                    std::uint64_t target, bool act) {
  const auto it = m.slots.find(&e);
  check(it != m.slots.end());
  const std::uint64_t tick = it->second.fire;
  check(tick <= target && tick >= m.now);
  // Zeroed and erased slots due earlier were freed without a call; live ones due
  // earlier fired.
  std::erase_if(m.slots, [&](const auto& kv) { return kv.second.state == 0 && kv.second.fire < tick; });
  m.fire_erased(tick - 1);
  for (const auto& [p, s] : m.slots) check(s.fire >= tick);
  m.now = tick;
  const Slot& s = it->second;
  check(s.state != 0 && e.state == s.state && e.source == s.source && e.progress == s.progress &&
        e.start_sec == s.start_sec);
  m.due = &e;
  m.due_moved = false;
  m.due_timer_moved = false;
  for (bool more = act; more && in.ok();) {
    switch (in.u8() % 7) {
      case 0:
        more = false;
        break;
      case 1:
        insert(table, m, in);
        break;
      case 2:
        erase(table, m, table.find(source(in.u8())));
        break;
      case 3: {
        KnockEntry* p = table.find(source(in.u8()));
        reschedule(table, m, p, deadline(in, m.now));
        break;
      }
      case 4:
        update(table, m, in, true);
        break;
      case 5:
        update(table, m, in, false);
        break;
      case 6:
        table.expire(target + 5, [](KnockEntry&) -> std::optional<std::uint64_t> {
          __builtin_trap();
        });
        break;
    }
  }
  const std::optional<std::uint64_t> keep_until =
      in.u8() & 1 ? std::optional<std::uint64_t>(deadline(in, m.now)) : std::nullopt;
  m.due = nullptr;
  // A timer left firing (by an erase, or nothing) is released now.
  if (!m.due_timer_moved) m.erased.erase(&e);
  if (!m.due_moved) {
    Slot& after = m.slots.at(&e);
    if (keep_until && after.state != 0)
      after.fire = m.fire_at(*keep_until);
    else
      m.slots.erase(&e);
  }
  return keep_until;
}

void expire(KnockTable& table, Model& m, ByteReader& in, std::uint64_t target, bool act) {
  if (target <= m.now) {
    table.expire(target, [](KnockEntry&) -> std::optional<std::uint64_t> { __builtin_trap(); });
    return;
  }
  // After a gap longer than a revolution, every timer fires in the last revolution,
  // at the tick that shares its bucket.
  if (target - m.now > m.wheel_buckets) {
    for (auto& [p, s] : m.slots) s.fire = target - (target - s.fire) % m.wheel_buckets;
    for (auto& [p, s] : m.erased) s.fire = target - (target - s.fire) % m.wheel_buckets;
    m.now = target - m.wheel_buckets;
  }
  table.expire(target, [&](KnockEntry& e) { return on_due(table, m, in, e, target, act); });
  for (const auto& [p, s] : m.slots) check(s.fire > target || s.state == 0);
  std::erase_if(m.slots, [&](const auto& kv) { return kv.second.fire <= target; });
  m.fire_erased(target);
  m.now = target;
}

void check_all(KnockTable& table, const Model& m) {
  check(table.size() == m.slots.size());
  check(table.counters().inserts == m.counters.inserts);
  check(table.counters().evictions == m.counters.evictions);
  check(table.counters().refusals == m.counters.refusals);
  for (unsigned n = 0; n < 24; ++n) {
    const Address a = source(static_cast<std::uint8_t>(n));
    table.prefetch(a);
    const KnockEntry* e = table.find(a);
    check(e == m.live(a));
    if (!e) continue;
    const Slot& s = m.slots.at(e);
    check(e->source == a && e->state == s.state && e->progress == s.progress && e->start_sec == s.start_sec);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteReader in(std::span<const std::uint8_t>(data, size));
  static constexpr std::uint32_t kCapacities[] = {8, 16, 64};
  const std::uint32_t capacity = kCapacities[in.u8() % 3];
  const sesame::KnockTableKey key{std::uint64_t{in.be32()} << 32 | in.be32(), std::uint64_t{in.be32()} * 0x9e3779b97f4a7c15ull};
  const std::uint32_t wheel_buckets = in.u8() % 20;
  const std::uint64_t start = in.be32();
  if (!in.ok()) return 0;
  // The model knows slots by address, so the table starts at its bound and never grows
  // (KnockTable's unit tests cover growth: entries and timers survive it).
  KnockTable table({.capacity = capacity, .key = key, .wheel_buckets = wheel_buckets, .now_tick = start,
                    .initial_capacity = capacity});
  const std::uint64_t buckets = std::bit_ceil(std::max(wheel_buckets, 2u));
  check(table.capacity() == capacity);
  check(table.bytes() == capacity * KnockTable::bytes_per_slot() + buckets * sesame::TimerWheel::kBytesPerId);
  Model m(capacity == KnockTable::kWays, buckets, start);
  while (in.remaining() > 0) {
    switch (in.u8() % 9) {
      case 0:
        insert(table, m, in);
        break;
      case 1:
        update(table, m, in, false);
        break;
      case 2:
        erase(table, m, table.find(source(in.u8())));
        break;
      case 3: {
        KnockEntry* p = table.find(source(in.u8()));
        reschedule(table, m, p, deadline(in, m.now));
        break;
      }
      case 4:
        expire(table, m, in, m.now + in.u8() % (2 * m.wheel_buckets + 2), true);
        break;
      case 5:
        update(table, m, in, true);
        break;
      case 6:
        expire(table, m, in, m.now + in.be32(), false);  // a long idle gap
        break;
      case 7: {
        // erase() and reschedule() of a pointer that may be stale (its slot freed).
        KnockEntry* p = m.seen.empty() ? nullptr : m.seen[in.u8() % m.seen.size()];
        if (in.u8() & 1)
          erase(table, m, p);
        else
          reschedule(table, m, p, deadline(in, m.now));
        break;
      }
      case 8:
        expire(table, m, in, m.now - std::min<std::uint64_t>(m.now, in.u8()), true);  // time going back
        break;
    }
    check_all(table, m);
  }
  return 0;
}
