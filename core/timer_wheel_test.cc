#include "core/timer_wheel.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace sesame {
namespace {

// (tick, id) pairs in firing order.
using Fired = std::vector<std::pair<std::uint64_t, std::uint32_t>>;

Fired advance(TimerWheel& wheel, std::uint64_t now_tick) {
  Fired fired;
  wheel.advance(now_tick, [&](std::uint32_t id) { fired.emplace_back(wheel.now(), id); });
  return fired;
}

TEST(TimerWheel, FiresAtItsDeadlineAndNotBefore) {
  TimerWheel wheel(16, 8, 100);
  EXPECT_EQ(wheel.schedule(3, 103), 103u);
  EXPECT_TRUE(wheel.scheduled(3));
  EXPECT_TRUE(advance(wheel, 102).empty());
  EXPECT_EQ(advance(wheel, 103), (Fired{{103, 3}}));
  EXPECT_FALSE(wheel.scheduled(3));
  EXPECT_TRUE(advance(wheel, 120).empty());
}

TEST(TimerWheel, FiresEveryIdOfATickAndTicksInOrder) {
  TimerWheel wheel(16, 8, 0);
  wheel.schedule(1, 2);
  wheel.schedule(2, 1);
  wheel.schedule(3, 2);
  Fired fired = advance(wheel, 5);
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[0], (std::pair<std::uint64_t, std::uint32_t>{1, 2}));
  EXPECT_EQ(fired[1].first, 2u);
  EXPECT_EQ(fired[2].first, 2u);
  EXPECT_EQ(wheel.now(), 5u);
}

TEST(TimerWheel, CancelStopsAnIdAndIgnoresOthers) {
  TimerWheel wheel(16, 8, 0);
  wheel.schedule(4, 3);
  wheel.schedule(5, 3);
  wheel.cancel(4);
  wheel.cancel(6);  // never scheduled
  wheel.cancel(4);  // twice
  EXPECT_FALSE(wheel.scheduled(4));
  EXPECT_EQ(advance(wheel, 3), (Fired{{3, 5}}));
}

TEST(TimerWheel, ScheduleAgainMovesTheId) {
  TimerWheel wheel(16, 8, 0);
  wheel.schedule(0, 2);
  wheel.schedule(0, 5);
  EXPECT_TRUE(advance(wheel, 4).empty());
  EXPECT_EQ(advance(wheel, 5), (Fired{{5, 0}}));
}

TEST(TimerWheel, MoveGivesAnIdsPlaceInItsTickToAnother) {
  TimerWheel wheel(16, 8, 100);
  wheel.schedule(1, 103);
  wheel.schedule(2, 103);
  wheel.schedule(3, 103);
  wheel.schedule(5, 105);
  wheel.move(2, 9);
  EXPECT_FALSE(wheel.scheduled(2));
  EXPECT_TRUE(wheel.scheduled(9));
  wheel.move(4, 10);  // 4 is not scheduled: nothing happens
  EXPECT_FALSE(wheel.scheduled(10));
  wheel.move(9, 1);  // 1 is scheduled: nothing happens
  EXPECT_TRUE(wheel.scheduled(9));
  wheel.move(5, 16);  // out of range
  EXPECT_TRUE(wheel.scheduled(5));
  EXPECT_EQ(advance(wheel, 103), (Fired{{103, 3}, {103, 9}, {103, 1}})) << "9 fires where 2 stood";
  wheel.move(5, 0);
  EXPECT_EQ(advance(wheel, 110), (Fired{{105, 0}}));
}

TEST(TimerWheel, DeadlineInThePastFiresAtTheNextTick) {
  TimerWheel wheel(16, 8, 100);
  EXPECT_EQ(wheel.schedule(1, 7), 101u);
  EXPECT_EQ(wheel.schedule(2, 100), 101u);
  EXPECT_EQ(advance(wheel, 101).size(), 2u);
}

TEST(TimerWheel, DeadlineBeyondTheHorizonFiresAtTheHorizon) {
  TimerWheel wheel(16, 8, 100);
  ASSERT_EQ(wheel.horizon(), 7u);
  EXPECT_EQ(wheel.schedule(1, 1000), 107u);
  EXPECT_EQ(wheel.schedule(2, 107), 107u);
  EXPECT_EQ(advance(wheel, 107).size(), 2u);
}

TEST(TimerWheel, OwnerReschedulesAnEarlyFireUntilTheRealDeadline) {
  TimerWheel wheel(16, 8, 0);
  const std::uint64_t deadline = 30;
  wheel.schedule(9, deadline);
  std::vector<std::uint64_t> fired_at;
  for (std::uint64_t t = 1; t <= 40; ++t)
    wheel.advance(t, [&](std::uint32_t id) {
      if (wheel.now() < deadline)
        wheel.schedule(id, deadline);
      else
        fired_at.push_back(wheel.now());
    });
  EXPECT_EQ(fired_at, (std::vector<std::uint64_t>{30}));
}

TEST(TimerWheel, OnDueMayRescheduleItselfOrCancelAnotherDueId) {
  TimerWheel wheel(16, 8, 0);
  wheel.schedule(1, 1);
  wheel.schedule(2, 1);
  wheel.schedule(3, 1);
  Fired fired;
  wheel.advance(1, [&](std::uint32_t id) {
    fired.emplace_back(wheel.now(), id);
    EXPECT_TRUE(wheel.firing(id));
    if (fired.size() == 1) {
      // The first to fire cancels one of the other two and moves itself to tick 4.
      wheel.cancel(id == 2 ? 3 : 2);
      wheel.schedule(id, 4);
      EXPECT_FALSE(wheel.firing(id));
    }
  });
  ASSERT_EQ(fired.size(), 2u);
  const std::uint32_t first = fired[0].second;
  EXPECT_TRUE(wheel.scheduled(first));
  EXPECT_FALSE(wheel.scheduled(fired[1].second));
  EXPECT_EQ(advance(wheel, 4), (Fired{{4, first}}));
}

// Found by timer_wheel_fuzz (corpus/timer_wheel/fd5bb15b...): the harness
// assumed the id was already unscheduled inside on_due.
TEST(TimerWheel, IdIsStillScheduledWhileItsOnDueRuns) {
  TimerWheel wheel(16, 8, 0);
  wheel.schedule(2, 1);
  bool called = false;
  wheel.advance(1, [&](std::uint32_t id) {
    called = true;
    EXPECT_TRUE(wheel.scheduled(id));
    EXPECT_TRUE(wheel.firing(id));
  });
  EXPECT_TRUE(called);
  EXPECT_FALSE(wheel.scheduled(2));
  EXPECT_FALSE(wheel.firing(2));
}

TEST(TimerWheel, RescheduleToThePastFromOnDueFiresAgainNextTickOfTheSameCall) {
  TimerWheel wheel(16, 8, 0);
  wheel.schedule(1, 1);
  Fired fired;
  wheel.advance(3, [&](std::uint32_t id) {
    fired.emplace_back(wheel.now(), id);
    wheel.schedule(id, 0);
  });
  EXPECT_EQ(fired, (Fired{{1, 1}, {2, 1}, {3, 1}}));
  EXPECT_EQ(advance(wheel, 4), (Fired{{4, 1}}));
}

TEST(TimerWheel, LongIdleGapFiresEveryIdOnceInOneRevolution) {
  TimerWheel wheel(64, 16, 0);
  for (std::uint32_t id = 0; id < 64; ++id) wheel.schedule(id, 1 + id % 15);
  std::vector<int> count(64);
  std::size_t calls = 0;
  const std::uint64_t far = std::uint64_t{1} << 40;
  wheel.advance(far, [&](std::uint32_t id) {
    ++count[id];
    ++calls;
    EXPECT_GT(wheel.now(), far - wheel.buckets());
  });
  EXPECT_EQ(calls, 64u);
  for (int c : count) EXPECT_EQ(c, 1);
  EXPECT_EQ(wheel.now(), far);
  EXPECT_EQ(wheel.schedule(0, far + 3), far + 3);
  EXPECT_EQ(advance(wheel, far + 3), (Fired{{far + 3, 0}}));
}

TEST(TimerWheel, AdvanceBackwardsOrFromOnDueDoesNothing) {
  TimerWheel wheel(16, 8, 10);
  wheel.schedule(1, 12);
  EXPECT_TRUE(advance(wheel, 5).empty());
  EXPECT_EQ(wheel.now(), 10u);
  std::size_t inner = 0;
  wheel.advance(12, [&](std::uint32_t) {
    wheel.schedule(2, 13);
    wheel.advance(20, [&](std::uint32_t) { ++inner; });
  });
  EXPECT_EQ(inner, 0u);
  EXPECT_EQ(wheel.now(), 12u);
  EXPECT_EQ(advance(wheel, 13), (Fired{{13, 2}}));
}

TEST(TimerWheel, OutOfRangeIdsAreIgnored) {
  TimerWheel wheel(16, 8, 0);
  EXPECT_EQ(wheel.schedule(16, 3), 0u);
  EXPECT_EQ(wheel.schedule(16 + 3, 3), 0u);  // a sentinel's index
  wheel.cancel(17);
  EXPECT_FALSE(wheel.scheduled(16));
  EXPECT_TRUE(advance(wheel, 10).empty());
}

TEST(TimerWheel, IdZeroAndLinksThroughIdZero) {
  // Id 0 is special only in the "both links 0 means unscheduled" encoding.
  TimerWheel wheel(4, 4, 0);
  EXPECT_FALSE(wheel.scheduled(0));
  wheel.schedule(1, 2);
  wheel.schedule(0, 2);
  wheel.schedule(2, 2);
  EXPECT_TRUE(wheel.scheduled(0));
  EXPECT_TRUE(wheel.scheduled(1));
  EXPECT_TRUE(wheel.scheduled(2));
  wheel.cancel(0);
  EXPECT_FALSE(wheel.scheduled(0));
  EXPECT_EQ(advance(wheel, 2).size(), 2u);
}

TEST(TimerWheel, SizesAreRoundedAndReported) {
  TimerWheel wheel(10, 5, 0);
  EXPECT_EQ(wheel.buckets(), 8u);
  EXPECT_EQ(wheel.horizon(), 7u);
  EXPECT_EQ(wheel.capacity(), 10u);
  EXPECT_EQ(wheel.bytes(), (10u + 8u) * TimerWheel::kBytesPerId);
  EXPECT_EQ(TimerWheel(0, 0, 0).buckets(), 2u);
  EXPECT_EQ(TimerWheel(0, 0, 0).capacity(), 0u);
}

}  // namespace
}  // namespace sesame
