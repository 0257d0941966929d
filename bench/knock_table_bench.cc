// KnockTable and TimerWheel in steady state: a knock step, a first-knock flood, expiry.
// At 1M sources and up the table outgrows the TLB's reach in 4 KiB pages; run with
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (transparent huge pages for large blocks), as
// a large deployment of sesamed should.
#include <benchmark/benchmark.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "core/knock_table.h"
#include "core/timer_wheel.h"

namespace {

using sesame::Address;
using sesame::KnockEntry;
using sesame::KnockTable;
using sesame::TimerWheel;

constexpr sesame::KnockTableKey kKey{0x243f6a8885a308d3ull, 0x13198a2e03707344ull};
constexpr std::uint32_t kWheelBuckets = 4096;  // 10 ms ticks: a 41 s horizon
constexpr std::uint64_t kLifetime = kWheelBuckets - 1;
// How many steps ahead the table benchmarks prefetch, as a worker can over a ring block.
constexpr std::uint64_t kPrefetchAhead = 8;
constexpr std::size_t kRandomCount = 1 << 16;  // pre-generated values, indexed by i & mask

// Source number k as an IPv4 address: multiplying by an odd constant is a bijection
// on 32 bits, so any 2^32 consecutive k are distinct, and consecutive k are spread.
Address source(std::uint64_t k) { return Address::v4(static_cast<std::uint32_t>(k) * 0x9e3779b1u); }

// Random values in [0, bound), pre-generated so the timed loop only reads them.
std::vector<std::uint32_t> random_below(std::uint64_t bound, std::size_t count) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::uint64_t> pick(0, bound - 1);
  std::vector<std::uint32_t> v(count);
  for (auto& x : v) x = static_cast<std::uint32_t>(pick(rng));
  return v;
}

// Slots for n live sources at a load of at most one half.
std::uint32_t slots_for(std::uint64_t n) { return static_cast<std::uint32_t>(std::bit_ceil(2 * n)); }

// Filling 10M sources takes seconds, and Google Benchmark calls a function several
// times per argument, so a setup is built once per argument; its steady state simply
// carries on from one call to the next.
template <class Setup>
Setup& setup_for(std::uint64_t arg) {
  static std::unique_ptr<Setup> cached;
  static std::uint64_t cached_arg = 0;
  if (!cached || cached_arg != arg) {
    cached.reset();
    cached = std::make_unique<Setup>(arg);
    cached_arg = arg;
  }
  return *cached;
}

// Labels a table benchmark with its load and memory per source, and counts the
// evictions and refusals of this run per iteration.
class TableReport {
 public:
  explicit TableReport(const KnockTable& table) : table_(table), before_(table.counters()) {}
  void finish(benchmark::State& state, std::size_t live) const {
    char text[80];
    std::snprintf(text, sizeof text, "load %.2f, %zu B/slot, %.0f B/source",
                  static_cast<double>(live) / static_cast<double>(table_.capacity()), KnockTable::bytes_per_slot(),
                  static_cast<double>(table_.bytes()) / static_cast<double>(live));
    state.SetLabel(text);
    const KnockTable::Counters& after = table_.counters();
    state.counters["evictions"] = benchmark::Counter(static_cast<double>(after.evictions - before_.evictions),
                                                     benchmark::Counter::kAvgIterations);
    state.counters["refusals"] = benchmark::Counter(static_cast<double>(after.refusals - before_.refusals),
                                                    benchmark::Counter::kAvgIterations);
  }

 private:
  const KnockTable& table_;
  KnockTable::Counters before_;
};

// N live sources: the source numbers [oldest, oldest + N).
struct SteadyTable {
  explicit SteadyTable(std::uint64_t n)
      : live(n),
        table({.capacity = slots_for(n), .key = kKey, .wheel_buckets = kWheelBuckets}),
        hit_offsets(random_below(n - 1, kRandomCount)) {
    for (std::uint64_t k = 0; k < n; ++k) table.insert(source(k), 0, 1, 1, kLifetime);
  }
  std::uint64_t live;
  KnockTable table;
  std::vector<std::uint32_t> hit_offsets;
  std::uint64_t oldest = 0;
};

// One step = a knock from a random live source (find, update in place), a first knock
// from a new one (find misses, insert) and the end of the oldest attempt (find,
// erase), as a worker does them; the table stays at N. Each source's bucket is
// prefetched kPrefetchAhead steps before its turn.
void BM_TableStep(benchmark::State& state) {
  SteadyTable& s = setup_for<SteadyTable>(static_cast<std::uint64_t>(state.range(0)));
  KnockTable& table = s.table;
  const std::uint64_t n = s.live;
  // The knock of step `oldest`: a source strictly inside the window.
  const auto hit = [&](std::uint64_t oldest) {
    return source(oldest + 1 + s.hit_offsets[oldest & (kRandomCount - 1)]);
  };
  const TableReport report(table);
  for (auto _ : state) {
    const std::uint64_t o = s.oldest++;
    table.prefetch(hit(o + kPrefetchAhead));
    table.prefetch(source(o + n + kPrefetchAhead));
    table.prefetch(source(o + kPrefetchAhead));

    // A source refused by a full bucket (rare at this load) has no entry to update.
    if (KnockEntry* e = table.find(hit(o))) {
      e->state = static_cast<std::uint16_t>(e->state % 7 + 1);
      if (e->progress < 255) ++e->progress;
    }
    const Address newcomer = source(o + n);
    if (!table.find(newcomer)) table.insert(newcomer, static_cast<std::uint32_t>(o >> 20), 1, 1, kLifetime);
    table.erase(table.find(source(o)));
  }
  state.SetItemsProcessed(state.iterations());
  report.finish(state, n);
}
BENCHMARK(BM_TableStep)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000);

// Every slot taken, one in eight by a source at progress 2 and the rest by earlier
// spoofed first knocks; next is the number of the next unseen source.
struct FullTable {
  explicit FullTable(std::uint64_t capacity)
      : table({.capacity = static_cast<std::uint32_t>(capacity), .key = kKey, .wheel_buckets = kWheelBuckets}) {
    for (; table.size() < table.capacity(); ++next) table.insert(source(next), 0, 1, next % 8 == 0 ? 2 : 1, kLifetime);
  }
  KnockTable table;
  std::uint64_t next = 0;
};

// Each step is a first knock from an unseen source into the full table: find misses,
// insert evicts the oldest progress-1 entry of the bucket (or is refused).
void BM_TableFirstKnockFlood(benchmark::State& state) {
  FullTable& f = setup_for<FullTable>(static_cast<std::uint64_t>(state.range(0)));
  KnockTable& table = f.table;
  const TableReport report(table);
  for (auto _ : state) {
    const std::uint64_t k = f.next++;
    table.prefetch(source(k + kPrefetchAhead));
    const Address spoofed = source(k);
    if (!table.find(spoofed)) table.insert(spoofed, static_cast<std::uint32_t>(k >> 16), 1, 1, kLifetime);
  }
  state.SetItemsProcessed(state.iterations());
  report.finish(state, table.size());
}
BENCHMARK(BM_TableFirstKnockFlood)->Arg(1 << 16)->Arg(1 << 20)->Arg(1 << 24);

// N sources with deadlines spread over the wheel's horizon.
struct TimedTable {
  explicit TimedTable(std::uint64_t n)
      : live(n), table({.capacity = slots_for(n), .key = kKey, .wheel_buckets = kWheelBuckets}) {
    for (; next < n; ++next) table.insert(source(next), 0, 1, 1, 1 + next % kLifetime);
  }
  std::uint64_t live;
  KnockTable table;
  std::uint64_t next = 0;
  std::uint64_t tick = 0;
};

// Each iteration is one tick of expire(): the due entries are erased, and as many new
// sources inserted one horizon later, so the table stays at N. Items are expired
// entries, so the figure reads as ns per expired entry, its replacement included.
void BM_TableExpire(benchmark::State& state) {
  TimedTable& t = setup_for<TimedTable>(static_cast<std::uint64_t>(state.range(0)));
  KnockTable& table = t.table;
  const TableReport report(table);
  std::uint64_t expired = 0;
  for (auto _ : state) {
    ++t.tick;
    std::uint64_t due = 0;
    table.expire(t.tick, [&](KnockEntry&) -> std::optional<std::uint64_t> {
      ++due;
      return std::nullopt;
    });
    for (std::uint64_t j = 0; j < due; ++j, ++t.next) table.insert(source(t.next), 0, 1, 1, t.tick + kLifetime);
    expired += due;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(expired));
  report.finish(state, t.live);
}
BENCHMARK(BM_TableExpire)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000);

// Half of the ids scheduled at any time; each iteration schedules one random id and
// cancels another.
void BM_WheelScheduleCancel(benchmark::State& state) {
  const auto capacity = static_cast<std::uint32_t>(state.range(0));
  TimerWheel wheel(capacity, kWheelBuckets, 0);
  const std::vector<std::uint32_t> ids = random_below(capacity, kRandomCount);
  const std::vector<std::uint32_t> delays = random_below(kLifetime, kRandomCount);
  for (std::size_t i = 0; i < kRandomCount / 2; ++i) wheel.schedule(ids[i], 1 + delays[i]);
  std::size_t i = 0;
  for (auto _ : state) {
    wheel.schedule(ids[i & (kRandomCount - 1)], 1 + delays[i & (kRandomCount - 1)]);
    wheel.cancel(ids[(i + kRandomCount / 2) & (kRandomCount - 1)]);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WheelScheduleCancel)->Arg(1 << 16)->Arg(1 << 20)->Arg(1 << 24);

// Every id scheduled, spread over the horizon; each iteration advances one tick and
// every fired id schedules itself one horizon later. Items are fired ids.
void BM_WheelAdvance(benchmark::State& state) {
  const auto capacity = static_cast<std::uint32_t>(state.range(0));
  TimerWheel wheel(capacity, kWheelBuckets, 0);
  const std::vector<std::uint32_t> delays = random_below(kLifetime, capacity);
  for (std::uint32_t id = 0; id < capacity; ++id) wheel.schedule(id, 1 + delays[id]);
  std::uint64_t tick = 0;
  std::uint64_t fired = 0;
  for (auto _ : state) {
    wheel.advance(++tick, [&](std::uint32_t id) {
      wheel.schedule(id, tick + kLifetime);
      ++fired;
    });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(fired));
}
BENCHMARK(BM_WheelAdvance)->Arg(1 << 16)->Arg(1 << 20)->Arg(1 << 24);

}  // namespace

// Not run: the hot paths as one symbol each, to read their code
// (objdump -dC --no-show-raw-insn sesame_bench). The bodies of find, insert and erase
// are in libsesame_core.a; these show the calls as a worker makes them.
[[gnu::noinline]] KnockEntry* CodegenFind(KnockTable& table, const Address& source) { return table.find(source); }
[[gnu::noinline]] KnockTable::InsertResult CodegenInsert(KnockTable& table, const Address& source) {
  return table.insert(source, 1, 1, 1, 100);
}
[[gnu::noinline]] void CodegenErase(KnockTable& table, KnockEntry* entry) { table.erase(entry); }
