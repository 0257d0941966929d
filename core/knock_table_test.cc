#include "core/knock_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <vector>

namespace sesame {
namespace {

constexpr KnockTableKey kKey{0x0123456789abcdefull, 0xfedcba9876543210ull};

// A table of exactly one bucket: every source collides, so the eviction rule shows.
KnockTable one_bucket() { return KnockTable({.capacity = KnockTable::kWays, .key = kKey, .wheel_buckets = 64}); }

Address source(std::uint32_t n) { return Address::v4(0x0a000000u + n); }

TEST(KnockTable, SlotCostsThirtyTwoBytes) {
  EXPECT_EQ(KnockTable::bytes_per_slot(), 32u);
  KnockTable table({.capacity = 1000, .key = kKey, .wheel_buckets = 256});
  EXPECT_EQ(table.capacity(), 1024u);
  EXPECT_EQ(table.bytes(), 1024u * 32u + 256u * TimerWheel::kBytesPerId);
}

TEST(KnockTable, FindInsertErase) {
  KnockTable table({.capacity = 64, .key = kKey});
  EXPECT_EQ(table.find(source(1)), nullptr);
  const auto r = table.insert(source(1), 100, 7, 1, 50);
  ASSERT_NE(r.entry, nullptr);
  EXPECT_FALSE(r.evicted);
  EXPECT_EQ(table.find(source(1)), r.entry);
  EXPECT_EQ(r.entry->source, source(1));
  EXPECT_EQ(r.entry->start_sec, 100u);
  EXPECT_EQ(r.entry->state, 7);
  EXPECT_EQ(r.entry->progress, 1);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.find(source(2)), nullptr);

  r.entry->progress = 2;  // the owner updates in place
  EXPECT_EQ(table.find(source(1))->progress, 2);

  table.erase(r.entry);
  EXPECT_EQ(table.find(source(1)), nullptr);
  EXPECT_EQ(table.size(), 0u);
  table.erase(r.entry);  // already free
  table.erase(nullptr);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.counters().inserts, 1u);
}

TEST(KnockTable, InsertOfAPresentSourceOverwritesIt) {
  KnockTable table({.capacity = 64, .key = kKey});
  KnockEntry* first = table.insert(source(1), 100, 7, 1, 50).entry;
  const auto again = table.insert(source(1), 101, 8, 3, 60);
  EXPECT_EQ(again.entry, first);
  EXPECT_FALSE(again.evicted);
  EXPECT_EQ(first->progress, 3);
  EXPECT_EQ(table.size(), 1u);
}

TEST(KnockTable, StateZeroIsRefusedUncounted) {
  KnockTable table({.capacity = 64, .key = kKey});
  EXPECT_EQ(table.insert(source(1), 100, 0, 1, 50).entry, nullptr);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.counters().refusals, 0u);
  EXPECT_EQ(table.counters().inserts, 0u);
}

TEST(KnockTable, UnspecifiedAddressDoesNotMatchFreeSlots) {
  KnockTable table({.capacity = 64, .key = kKey});
  EXPECT_EQ(table.find(Address{}), nullptr);
  ASSERT_NE(table.insert(Address{}, 1, 1, 1, 5).entry, nullptr);
  EXPECT_NE(table.find(Address{}), nullptr);
}

TEST(KnockTable, FullBucketEvictsTheOldestFirstKnock) {
  KnockTable table = one_bucket();
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i)
    ASSERT_FALSE(table.insert(source(i), 100 + (i + 3) % KnockTable::kWays, 1, 1, 10).evicted);
  // source(5) started at 100, the oldest.
  const auto r = table.insert(source(99), 200, 1, 1, 10);
  ASSERT_NE(r.entry, nullptr);
  EXPECT_EQ(r.evicted, source(5));
  EXPECT_EQ(table.find(source(5)), nullptr);
  EXPECT_EQ(table.find(source(99)), r.entry);
  EXPECT_EQ(table.size(), KnockTable::kWays);
  EXPECT_EQ(table.counters().evictions, 1u);
}

TEST(KnockTable, FirstKnockNeverEvictsASourceFurtherAlong) {
  KnockTable table = one_bucket();
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i) table.insert(source(i), 100, 1, 2 + i % 2, 10);
  const auto r = table.insert(source(99), 50, 1, 1, 10);
  EXPECT_EQ(r.entry, nullptr);
  EXPECT_FALSE(r.evicted);
  EXPECT_EQ(table.counters().refusals, 1u);
  EXPECT_EQ(table.counters().evictions, 0u);
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i) EXPECT_NE(table.find(source(i)), nullptr);
}

TEST(KnockTable, LowestProgressGoesFirstWhateverItsAge) {
  KnockTable table = one_bucket();
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i)
    table.insert(source(i), i == 4 ? 900 : 100, 1, i == 4 ? 2 : 3, 10);
  // source(4) is the newest but the least far along.
  EXPECT_EQ(table.insert(source(99), 1000, 1, 2, 10).evicted, source(4));
}

TEST(KnockTable, ProgressTiesGoByAgeAndEqualProgressMayEvict) {
  KnockTable table = one_bucket();
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i) table.insert(source(i), 300 - i, 1, 3, 10);
  EXPECT_EQ(table.insert(source(99), 400, 1, 3, 10).evicted, source(KnockTable::kWays - 1));
  EXPECT_EQ(table.insert(source(98), 400, 1, 3, 10).evicted, source(KnockTable::kWays - 2));
}

TEST(KnockTable, HigherProgressNewcomerEvictsALowerOne) {
  KnockTable table = one_bucket();
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i) table.insert(source(i), 100, 1, 2, 10);
  EXPECT_TRUE(table.insert(source(99), 100, 1, 4, 10).evicted);
}

TEST(KnockTable, AgeComparesAcrossTheSecondsWrap) {
  KnockTable table = one_bucket();
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i)
    table.insert(source(i), i == 2 ? 0xfffffff0u : 5u + i, 1, 1, 10);
  // 0xfffffff0 is 16 + 5 seconds before 5 (after the wrap), so the oldest.
  EXPECT_EQ(table.insert(source(99), 20, 1, 1, 10).evicted, source(2));
}

TEST(KnockTable, ErasedSlotIsReusedBeforeAnyEviction) {
  KnockTable table = one_bucket();
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i) table.insert(source(i), 100, 1, 1, 10);
  table.erase(table.find(source(6)));
  const auto r = table.insert(source(99), 100, 1, 1, 10);
  EXPECT_FALSE(r.evicted);
  EXPECT_EQ(table.counters().evictions, 0u);
  EXPECT_EQ(table.size(), KnockTable::kWays);
}

TEST(KnockTable, SpoofedFirstKnockFloodLosesNoRealSource) {
  KnockTable table({.capacity = 1024, .key = kKey, .wheel_buckets = 64});
  std::mt19937_64 rng(42);
  struct Real {
    Address source;
    std::uint8_t progress;
  };
  std::vector<Real> real;
  for (std::uint32_t i = 0; i < 300; ++i) {
    std::array<std::uint8_t, 16> bytes{};
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    const Real r{Address::v6(bytes), static_cast<std::uint8_t>(2 + i % 2)};
    if (table.insert(r.source, 1000, 3, r.progress, 50).entry) real.push_back(r);
  }
  ASSERT_GT(real.size(), 290u);  // a few may have lost a full bucket to another real one
  const std::set<Address> real_sources = [&] {
    std::set<Address> s;
    for (const Real& r : real) s.insert(r.source);
    return s;
  }();
  const KnockTable::Counters before = table.counters();

  constexpr std::uint64_t kFlood = 100'000;
  std::uint64_t accepted = 0;
  std::uint64_t evicted = 0;
  for (std::uint64_t i = 0; i < kFlood; ++i) {
    const Address spoofed = Address::v4(static_cast<std::uint32_t>(rng()));
    const auto r = table.insert(spoofed, 1000 + static_cast<std::uint32_t>(i / 10000), 1, 1, 50);
    if (r.entry) ++accepted;
    if (r.evicted) {
      ++evicted;
      EXPECT_FALSE(real_sources.contains(*r.evicted));
    }
  }
  for (const Real& r : real) {
    const KnockEntry* e = table.find(r.source);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->progress, r.progress);
  }
  const KnockTable::Counters& after = table.counters();
  EXPECT_EQ(after.inserts - before.inserts, accepted);
  EXPECT_EQ(after.evictions - before.evictions, evicted);
  EXPECT_EQ(after.refusals - before.refusals, kFlood - accepted);
  EXPECT_EQ(table.size(), table.capacity());  // the flood filled every other slot
  EXPECT_GT(evicted, kFlood / 2);
}

// Growth: a table of 64 slots at first, bounded at 1024.
KnockTable growing() {
  return KnockTable({.capacity = 1024, .key = kKey, .wheel_buckets = 256, .initial_capacity = 64});
}

TEST(KnockTable, StartsSmallAndDoublesUpToTheBoundNeverAbove) {
  KnockTable table = growing();
  EXPECT_EQ(table.capacity(), 64u);
  EXPECT_EQ(table.max_capacity(), 1024u);
  EXPECT_EQ(table.bytes(), 1024u * 32u + 256u * TimerWheel::kBytesPerId) << "the bound is reserved";
  std::size_t last = table.capacity();
  for (std::uint32_t n = 0; n < 10'000; ++n) {
    ASSERT_NE(table.insert(source(n), 100, 1, 1, 50).entry, nullptr);
    ASSERT_GE(table.capacity(), last) << "never shrinks";
    ASSERT_LE(table.capacity(), table.max_capacity());
    last = table.capacity();
    // It grows only from a full bucket at 5/8 load or more, so below 5/8 of the
    // first size it has not grown.
    if (n + 1 < 40) {
      ASSERT_EQ(table.capacity(), 64u) << n;
    }
  }
  EXPECT_EQ(table.capacity(), 1024u);
  EXPECT_EQ(table.counters().growths, 4u);
  EXPECT_EQ(table.size(), 1024u) << "full at the bound, then it evicts";
  EXPECT_GT(table.counters().evictions, 8'000u);
}

TEST(KnockTable, GrowsBeforeEvictingOnceFiveEighthsFull) {
  KnockTable table = growing();
  std::uint32_t n = 0;
  while (table.counters().growths == 0) {
    ASSERT_NE(table.insert(source(n++), 100, 1, 1, 50).entry, nullptr);
    ASSERT_LT(n, 1000u);
  }
  EXPECT_GE(n, 40u) << "5/8 of 64";
  EXPECT_EQ(table.capacity(), 128u);
  EXPECT_EQ(table.size(), n - table.counters().evictions);
}

// The worker hashes a source a few packets before it looks the source up, and the
// table may grow in between: the hash stays good for find() and insert().
TEST(KnockTable, HashTakenBeforeAGrowthStillFindsAndInserts) {
  KnockTable table = growing();
  const KnockTable::Hash early = table.hash(source(0));
  const KnockTable::Hash fresh = table.hash(source(9999));
  ASSERT_NE(table.insert(source(0), early, 100, 1, 1, 50).entry, nullptr);
  for (std::uint32_t n = 1; table.counters().growths < 2; ++n) ASSERT_NE(table.insert(source(n), 100, 1, 1, 50).entry, nullptr);
  EXPECT_EQ(table.find(source(0), early), table.find(source(0)));
  EXPECT_NE(table.find(source(0), early), nullptr);
  EXPECT_EQ(table.find(source(9999), fresh), nullptr);
  const KnockEntry* added = table.insert(source(9999), fresh, 100, 2, 1, 50).entry;
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(table.find(source(9999)), added);
  EXPECT_EQ(table.hash(source(0)).value, early.value) << "a property of the source and the key only";
}

TEST(KnockTable, EntriesAndTimersSurviveAGrowth) {
  KnockTable table = growing();
  // Entries with distinct fields and deadlines, some erased and some zeroed by the
  // owner (both keep a pending timer), until the table has doubled twice.
  struct Want {
    std::uint32_t start_sec;
    std::uint16_t state;
    std::uint8_t progress;
    std::uint64_t deadline;
  };
  std::map<Address, Want> live;
  std::set<Address> zeroed;
  std::uint32_t n = 0;
  for (; table.counters().growths < 2; ++n) {
    const Want w{1000 + n, static_cast<std::uint16_t>(1 + n % 7), static_cast<std::uint8_t>(1 + n % 3),
                 10 + n % 200};
    const auto r = table.insert(source(n), w.start_sec, w.state, w.progress, w.deadline);
    ASSERT_NE(r.entry, nullptr);
    if (r.evicted) {
      live.erase(*r.evicted);
      zeroed.erase(*r.evicted);
    }
    live[source(n)] = w;
    if (n % 5 == 1) {
      table.erase(r.entry);
      live.erase(source(n));
    } else if (n % 5 == 2) {
      r.entry->state = 0;
      live.erase(source(n));
      zeroed.insert(source(n));
    }
  }
  ASSERT_EQ(table.capacity(), 256u);
  // An insert may reuse a zeroed slot (still counted): then only the new entry counts.
  EXPECT_GE(table.size(), live.size());
  EXPECT_LE(table.size(), live.size() + zeroed.size());
  for (const auto& [a, w] : live) {
    const KnockEntry* e = table.find(a);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->start_sec, w.start_sec);
    EXPECT_EQ(e->state, w.state);
    EXPECT_EQ(e->progress, w.progress);
  }
  for (const Address& a : zeroed) EXPECT_EQ(table.find(a), nullptr);
  // Every live entry's timer fires at its own deadline, once; zeroed ones go uncalled.
  std::map<Address, std::uint64_t> fired;
  for (std::uint64_t tick = 1; tick <= 220; ++tick)
    table.expire(tick, [&](KnockEntry& e) -> std::optional<std::uint64_t> {
      EXPECT_TRUE(fired.emplace(e.source, tick).second);
      return std::nullopt;
    });
  EXPECT_EQ(fired.size(), live.size());
  for (const auto& [a, w] : live) EXPECT_EQ(fired[a], w.deadline) << a.to_string();
  EXPECT_EQ(table.size(), 0u);
}

TEST(KnockTable, NoGrowthWhileExpireRuns) {
  KnockTable table = growing();
  std::uint32_t n = 0;
  // Fill up to just below the first growth: 5/8 of 64, all due at tick 5.
  for (; n < 40; ++n) table.insert(source(n), 100, 1, 1, 5);
  std::size_t capacity_inside = 0;
  table.expire(5, [&](KnockEntry&) -> std::optional<std::uint64_t> {
    // Enough inserts to fill any bucket: the table evicts or refuses instead.
    for (std::uint32_t i = 0; i < 200; ++i) table.insert(source(1000 + n++), 100, 1, 1, 50);
    capacity_inside = table.capacity();
    return std::nullopt;
  });
  EXPECT_EQ(capacity_inside, 64u);
  for (std::uint32_t i = 0; i < 100 && table.capacity() == 64; ++i) table.insert(source(100'000 + i), 100, 1, 1, 50);
  EXPECT_EQ(table.capacity(), 128u) << "inserts outside expire() grow it";
}

TEST(KnockTable, ExpireErasesOrKeepsByTheOwnersAnswer) {
  KnockTable table({.capacity = 64, .key = kKey, .wheel_buckets = 16, .now_tick = 0});
  table.insert(source(1), 100, 1, 1, 5);
  table.insert(source(2), 100, 1, 1, 5);
  table.insert(source(3), 100, 1, 1, 9);
  std::vector<Address> due;
  table.expire(5, [&](KnockEntry& e) -> std::optional<std::uint64_t> {
    due.push_back(e.source);
    if (e.source == source(2)) return 8;
    return std::nullopt;
  });
  EXPECT_EQ(due.size(), 2u);
  EXPECT_EQ(table.find(source(1)), nullptr);
  EXPECT_NE(table.find(source(2)), nullptr);
  EXPECT_EQ(table.size(), 2u);
  due.clear();
  table.expire(9, [&](KnockEntry& e) -> std::optional<std::uint64_t> {
    due.push_back(e.source);
    return std::nullopt;
  });
  EXPECT_EQ(due.size(), 2u);
  EXPECT_EQ(table.size(), 0u);
}

TEST(KnockTable, RescheduleMovesTheTimer) {
  KnockTable table({.capacity = 64, .key = kKey, .wheel_buckets = 16});
  KnockEntry* e = table.insert(source(1), 100, 1, 1, 3).entry;
  table.reschedule(e, 10);
  std::size_t calls = 0;
  const auto erase_all = [&](KnockEntry&) -> std::optional<std::uint64_t> {
    ++calls;
    return std::nullopt;
  };
  table.expire(9, erase_all);
  EXPECT_EQ(calls, 0u);
  table.expire(10, erase_all);
  EXPECT_EQ(calls, 1u);
  table.reschedule(e, 20);  // now free: nothing happens
  table.expire(30, erase_all);
  EXPECT_EQ(calls, 1u);
}

TEST(KnockTable, DeadlineBeyondTheHorizonIsCheckedAgainEarly) {
  KnockTable table({.capacity = 64, .key = kKey, .wheel_buckets = 16});
  table.insert(source(1), 100, 1, 1, 40);
  std::vector<std::uint64_t> calls;
  for (std::uint64_t t = 1; t <= 50; ++t)
    table.expire(t, [&](KnockEntry&) -> std::optional<std::uint64_t> {
      calls.push_back(t);
      if (t < 40) return 40;
      return std::nullopt;
    });
  EXPECT_EQ(calls, (std::vector<std::uint64_t>{15, 30, 40}));
}

TEST(KnockTable, OnDueThatErasesOrReplacesItsEntryWins) {
  KnockTable table = one_bucket();
  // All eight fall due at tick 5, the last inserted first; it is also the oldest.
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i) table.insert(source(i), 200 - i, 1, 1, 5);
  int call = 0;
  const auto erase_all = [](KnockEntry&) -> std::optional<std::uint64_t> { return std::nullopt; };
  table.expire(5, [&](KnockEntry& e) -> std::optional<std::uint64_t> {
    ++call;
    if (call == 1) {
      EXPECT_EQ(e.source, source(7));
      table.erase(&e);
      EXPECT_TRUE(table.insert(source(98), 300, 1, 1, 20).entry);  // takes the same slot
      return 30;
    }
    if (call == 2) {
      EXPECT_EQ(e.source, source(6));
      EXPECT_EQ(table.insert(source(99), 300, 1, 1, 20).evicted, source(6));  // itself
      return 30;
    }
    return std::nullopt;
  });
  EXPECT_EQ(call, 8);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_NE(table.find(source(98)), nullptr);
  EXPECT_NE(table.find(source(99)), nullptr);
  table.expire(20, erase_all);
  EXPECT_EQ(table.size(), 0u);
}

// Ticks at which expire() called on_due while the clock went from..to, one tick at a
// time; each call erases its entry.
std::vector<std::uint64_t> due_ticks(KnockTable& table, std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> ticks;
  for (std::uint64_t t = from; t <= to; ++t)
    table.expire(t, [&](KnockEntry&) -> std::optional<std::uint64_t> {
      ticks.push_back(t);
      return std::nullopt;
    });
  return ticks;
}

TEST(KnockTable, EraseLeavesTheTimerToFireWithoutACall) {
  KnockTable table = one_bucket();
  KnockEntry* e = table.insert(source(1), 100, 1, 1, 5).entry;
  table.erase(e);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.find(source(1)), nullptr);
  table.erase(e);  // already free
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(due_ticks(table, 1, 10).empty());
  EXPECT_EQ(table.size(), 0u);

  // Reused before its timer fires, an erased slot is counted once and its timer moves.
  e = table.insert(source(2), 100, 1, 1, 20).entry;
  table.erase(e);
  ASSERT_EQ(table.insert(source(3), 100, 1, 1, 30).entry, e);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(due_ticks(table, 11, 40), std::vector<std::uint64_t>{30});
  EXPECT_EQ(table.size(), 0u);
}

TEST(KnockTable, InsertKeepsAPendingTimerOfAnEntryStartedByTheBound) {
  KnockTable table = one_bucket();
  KnockEntry* e = table.insert(source(1), 100, 1, 1, 5).entry;
  table.erase(e);
  // The erased entry started at 100, not after the bound: its timer stays at 5, early.
  ASSERT_EQ(table.insert(source(2), 101, 1, 1, 20, 100u).entry, e);
  EXPECT_EQ(due_ticks(table, 1, 30), std::vector<std::uint64_t>{5});

  // Started after the bound: the timer moves to the new deadline.
  e = table.insert(source(3), 200, 1, 1, 40).entry;
  table.erase(e);
  ASSERT_EQ(table.insert(source(4), 201, 1, 1, 50, 199u).entry, e);
  EXPECT_EQ(due_ticks(table, 31, 60), std::vector<std::uint64_t>{50});

  // A present source overwritten keeps its timer the same way; an evicted one's moves.
  e = table.insert(source(5), 300, 1, 1, 70).entry;
  ASSERT_EQ(table.insert(source(5), 301, 2, 2, 90, 300u).entry, e);
  EXPECT_EQ(due_ticks(table, 61, 100), std::vector<std::uint64_t>{70});
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i) table.insert(source(10 + i), 400, 1, 1, 110 + i);
  const auto r = table.insert(source(99), 401, 1, 1, 150, 400u);
  ASSERT_EQ(r.evicted, source(10)) << "equal progress and starts: the first way goes";
  EXPECT_EQ(due_ticks(table, 101, 110), std::vector<std::uint64_t>{});
  EXPECT_EQ(table.size(), KnockTable::kWays);
  EXPECT_EQ(due_ticks(table, 111, 150).back(), 150u);
}

TEST(KnockTable, InsertNeverKeepsTheTimerBeingFired) {
  KnockTable table = one_bucket();
  table.insert(source(1), 100, 1, 1, 5);
  std::vector<std::uint64_t> ticks;
  table.expire(5, [&](KnockEntry& e) -> std::optional<std::uint64_t> {
    table.erase(&e);
    // The same slot, its timer firing: it moves to 9 however early the entry started.
    EXPECT_EQ(table.insert(source(2), 100, 1, 1, 9, 200u).entry, &e);
    return std::nullopt;
  });
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(due_ticks(table, 6, 20), std::vector<std::uint64_t>{9});
}

TEST(KnockTable, StateZeroedByTheOwnerIsFreedWhenItsTimerFires) {
  KnockTable table = one_bucket();
  const auto erase_all = [](KnockEntry&) -> std::optional<std::uint64_t> { return std::nullopt; };
  KnockEntry* e = table.insert(source(1), 100, 1, 1, 5).entry;
  table.insert(source(2), 100, 1, 1, 9);
  e->state = 0;  // the misuse: should have been erase(e)
  EXPECT_EQ(table.find(source(1)), nullptr);
  EXPECT_EQ(table.size(), 2u);
  std::size_t calls = 0;
  table.expire(5, [&](KnockEntry&) -> std::optional<std::uint64_t> {
    ++calls;
    return std::nullopt;
  });
  EXPECT_EQ(calls, 0u);
  EXPECT_EQ(table.size(), 1u);
  table.expire(9, erase_all);
  EXPECT_EQ(table.size(), 0u);

  // Reused before its timer fires, such a slot is counted once.
  for (std::uint32_t i = 0; i < KnockTable::kWays; ++i) table.insert(source(i), 100, 1, 2, 20);
  table.find(source(3))->state = 0;
  const auto r = table.insert(source(99), 100, 1, 1, 20);
  ASSERT_NE(r.entry, nullptr);
  EXPECT_FALSE(r.evicted);
  EXPECT_EQ(table.size(), KnockTable::kWays);
  table.expire(40, erase_all);
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace sesame
