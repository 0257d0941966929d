// The hot path per frame: parse + match (hit and miss), parse + match + table
// (one detector step), and a detector step with 1 k to 10 M live sources.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "core/detector.h"
#include "core/packet.h"

namespace sesame {
namespace {

const Address kServer = *Address::parse("198.18.0.1");
constexpr std::array<std::uint16_t, 3> kPorts = {7000, 8000, 9000};

std::vector<Door> bench_doors() {
  auto tcp = [](std::uint16_t p) { return KnockStep{Protocol::kTcp, p}; };
  return {Door{"ssh", {tcp(7000), tcp(8000), tcp(9000)}, 5, {tcp_flag::kSyn, 0}, std::nullopt},
          Door{"web", {tcp(7000), tcp(8000), tcp(9500)}, 5, {tcp_flag::kSyn, 0}, std::nullopt},
          Door{"mail", {tcp(7500), tcp(7600)}, 5, {tcp_flag::kSyn, 0}, std::nullopt}};
}

// Source i of the benchmarks, in the IPv6 benchmarking range 2001:2::/48.
Address source(std::uint64_t i) {
  std::array<std::uint8_t, 16> b{0x20, 0x01, 0x00, 0x02};
  for (int k = 0; k < 8; ++k) b[15 - k] = static_cast<std::uint8_t>(i >> (8 * k));
  return Address::v6(b);
}

// An Ethernet + IPv4 + TCP SYN frame (no options) from 198.18.x.y to the server.
std::vector<std::uint8_t> syn_frame(std::uint16_t src_low, std::uint16_t dst_port) {
  std::vector<std::uint8_t> f(54, 0);
  f[12] = 0x08;                           // ethertype IPv4
  f[14] = 0x45;                           // version 4, IHL 5
  f[17] = 40;                             // total length
  f[22] = 64;                             // TTL
  f[23] = 6;                              // TCP
  const std::uint8_t src[4] = {198, 18, static_cast<std::uint8_t>(src_low >> 8),
                               static_cast<std::uint8_t>(src_low)};
  std::copy(src, src + 4, f.begin() + 26);
  const std::uint8_t dst[4] = {198, 18, 0, 1};
  std::copy(dst, dst + 4, f.begin() + 30);
  f[34] = 0x9c;                           // source port 40000
  f[35] = 0x40;
  f[36] = static_cast<std::uint8_t>(dst_port >> 8);
  f[37] = static_cast<std::uint8_t>(dst_port);
  f[46] = 0x50;                           // data offset 5
  f[47] = tcp_flag::kSyn;
  return f;
}

struct Fixture {
  std::vector<Door> doors = bench_doors();
  Matcher matcher = *Matcher::build(doors, std::vector{kServer});
  Detector make_detector(std::uint32_t capacity) const {
    return Detector(matcher, KnockTableOptions{capacity, {0x9e3779b97f4a7c15, 0xc2b2ae3d27d4eb4f}, 4096,
                                               to_tick({1000, 0})});
  }
};

void count_events(const Address&, const DoorEvent& e) { benchmark::DoNotOptimize(e); }

std::vector<std::vector<std::uint8_t>> sequence_frames() {
  std::vector<std::vector<std::uint8_t>> frames;
  for (std::uint16_t port : kPorts)
    for (std::uint16_t s = 0; s < 1024; ++s) frames.push_back(syn_frame(static_cast<std::uint16_t>(0x100 + s), port));
  return frames;
}

// Parse and the matcher's decision, without the table: one source's state walks
// 7000 8000 9000, so every frame advances or opens a door.
void BM_ParseMatchHit(benchmark::State& state) {
  Fixture fx;
  std::vector<std::vector<std::uint8_t>> frames;
  for (std::uint16_t port : kPorts) frames.push_back(syn_frame(0x100, port));
  StateId s = kNoAttempt;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto knock = parse_frame(frames[i]);
    const Matcher::Step step = fx.matcher.step(s, fx.matcher.classify(*knock));
    benchmark::DoNotOptimize(step.events.data());
    s = step.next;
    if (++i == frames.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseMatchHit);

// The same with the knock table: 1024 sources knock 7000 8000 9000 in turn.
void BM_ParseDetectHit(benchmark::State& state) {
  Fixture fx;
  Detector detector = fx.make_detector(4096);
  const std::vector<std::vector<std::uint8_t>> frames = sequence_frames();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto knock = parse_frame(frames[i]);
    detector.on_knock(*knock, {1000, 0}, count_events);
    if (++i == frames.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["opens"] = static_cast<double>(detector.counters().opens);
}
BENCHMARK(BM_ParseDetectHit);

// A SYN to a port no door uses: the kernel filter passes it for the scan guard
// (matcher rule R10, on by default), so it is parsed, classified and its source
// looked up in the table (absent: dropped).
void BM_ParseMatchMiss(benchmark::State& state) {
  Fixture fx;
  Detector detector = fx.make_detector(4096);
  const std::vector<std::uint8_t> frame = syn_frame(0x100, 7001);
  for (auto _ : state) {
    const auto knock = parse_frame(frame);
    detector.on_knock(*knock, {1000, 0}, count_events);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseMatchMiss);

// One detector step with N sources in the table, visited in random order so that
// large tables miss the cache: each source knocks 7000, 8000, 9000 (opens, leaves),
// 7000..., so about 2N/3 sources are live at any time.
void BM_DetectorStep(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  Fixture fx;
  Detector detector = fx.make_detector(std::bit_ceil(n + n / 4));
  std::vector<Address> sources(n);
  for (std::uint32_t s = 0; s < n; ++s) sources[s] = source(s);
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(1));
  std::vector<std::uint8_t> phase(n, 0);
  Knock k{{}, kServer, Protocol::kTcp, 0, 40000, tcp_flag::kSyn, {}};
  auto step = [&](std::uint32_t s) {
    k.src = sources[s];
    k.dst_port = kPorts[phase[s]];
    phase[s] = static_cast<std::uint8_t>(phase[s] == 2 ? 0 : phase[s] + 1);
    detector.on_knock(k, {1000, 0}, count_events);
  };
  // Stagger the sources over the three phases so that about 2N/3 stay live.
  for (std::uint32_t s : order)
    for (std::uint32_t done = 0; done < s % 3; ++done) step(s);
  std::size_t i = 0;
  for (auto _ : state) {
    step(order[i]);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  const double live = static_cast<double>(detector.table().size());
  state.counters["live"] = live;
  state.counters["load"] = live / static_cast<double>(detector.table().capacity());
  state.counters["bytes/live"] = static_cast<double>(detector.table().bytes()) / live;
}
BENCHMARK(BM_DetectorStep)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000);

// The stage-1 flood of bench/flood/flood.sh without the ring: first knocks from N
// sources in random order into sesamed's default table (512 Ki slots), each source's
// bucket prefetched a group of 8 knocks ahead as the worker does. Second argument 1: the table
// starts at its bound (as before it grew with the sources), so N sources spread over
// all of its pages; 0: it starts small and grows, so they fill about 2N slots.
void BM_StageOneFloodInDefaultTable(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  Fixture fx;
  constexpr std::uint32_t kDefaultCapacity = 1u << 19;
  KnockTableOptions options{kDefaultCapacity, {0x9e3779b97f4a7c15, 0xc2b2ae3d27d4eb4f}, 4096, to_tick({1000, 0})};
  if (state.range(1)) options.initial_capacity = kDefaultCapacity;
  Detector detector(fx.matcher, options);
  std::vector<Address> sources(n);
  for (std::uint32_t s = 0; s < n; ++s) sources[s] = source(s);
  std::vector<std::uint32_t> order(1u << 20);
  std::mt19937_64 rng(1);
  for (std::uint32_t& s : order) s = static_cast<std::uint32_t>(rng() % n);
  auto knock = [&](std::size_t i) {
    return Knock{sources[order[i & (order.size() - 1)]], kServer, Protocol::kTcp, kPorts[0], 40000, tcp_flag::kSyn, {}};
  };
  for (std::uint32_t s = 0; s < n; ++s)
    detector.on_knock(Knock{sources[s], kServer, Protocol::kTcp, kPorts[0], 40000, tcp_flag::kSyn, {}}, {1000, 0},
                      count_events);
  // As the worker does: knocks looked ahead and prefetched a group of 8 at a time, each
  // group applied after the next one was prefetched.
  constexpr std::size_t kGroup = 8;
  std::array<std::array<Detector::Lookahead, kGroup>, 2> groups;
  auto prefetch_group = [&](std::size_t first) {
    std::array<Detector::Lookahead, kGroup>& g = groups[first / kGroup % 2];
    for (std::size_t j = 0; j < kGroup; ++j) g[j] = detector.look_ahead(knock(first + j));
    for (const Detector::Lookahead& a : g) detector.prefetch(a);
  };
  prefetch_group(0);
  std::size_t i = 0;
  for (auto _ : state) {
    if (i % kGroup == 0) prefetch_group(i + kGroup);
    detector.on_knock(knock(i), groups[i / kGroup % 2][i % kGroup], {1000, 0}, count_events);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["live"] = static_cast<double>(detector.table().size());
  state.counters["slots"] = static_cast<double>(detector.table().capacity());
}
BENCHMARK(BM_StageOneFloodInDefaultTable)->Args({65'536, 1})->Args({65'536, 0});

}  // namespace

// The hot path's assembly, kept easy to find.
[[gnu::noinline]] void CodegenDetectorStep(Detector& d, const Knock& k, PacketTime t) {
  d.on_knock(k, t, count_events);
}

}  // namespace sesame
