// decode_spa and SpaGate per packet: what a garbage packet, a forged one (right shape,
// wrong HMAC) and the real client's packet cost a worker.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/spa/base64.h"
#include "core/spa/spa_decoder.h"
#include "core/spa/spa_gate.h"

namespace {

// The UDP payload of tests/captures/fwknop-spa.pcap and the keys it was made with
// (tests/captures/README.md).
constexpr std::string_view kCapture =
    "9WklM5X1fjadmjzkXd2IBoL1LtAl2ZVCuIA/p38Xm+rkKOWpcRWIawMxcYVjgvqajIzrVCTm6S98LZ+MQ+7yIAhhb2sKZS9uOidwEK4p"
    "CEn0p9HVXElFQzf+vtA6LGeoQDMTuNPi4yPaFFzCokXi/+9geQQc+ngqExQVbONd47is6ipeT0xG1aRgoZBE8SnpQv+cg+DgvqQs";
constexpr std::int64_t kCaptureTime = 1795528959;

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

sesame::SpaKeys keys() {
  return {*sesame::decode_base64_key("kt+4WOnekk/UQuVep0ACJr14JdMS7t5ATp/6GvkkIYQ="),
          *sesame::decode_base64_key("bNf5BJ7zHOf79njwJO2FWQU8mX/wnBfEXREzqNtuUq2WgLtN7Kr+yux7DnDThm0LZFZgvJE1tF+V"
                                     "YBKLDVDjBg=="),
          sesame::SpaDigest::kSha256, false};
}

// A flood packet of the right size that is not base64: rejected by the byte scan.
void BM_SpaDecodeGarbage(benchmark::State& state) {
  const sesame::SpaKeys k = keys();
  const std::vector<std::uint8_t> garbage(204, '!');
  for (auto _ : state) benchmark::DoNotOptimize(sesame::decode_spa(garbage, k));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpaDecodeGarbage);

// The capture with one ciphertext character changed: valid shape, HMAC mismatch.
void BM_SpaDecodeBadHmac(benchmark::State& state) {
  const sesame::SpaKeys k = keys();
  std::vector<std::uint8_t> forged = bytes(kCapture);
  forged[60] = forged[60] == 'A' ? 'B' : 'A';
  for (auto _ : state) benchmark::DoNotOptimize(sesame::decode_spa(forged, k));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpaDecodeBadHmac);

// The real packet: HMAC, key derivation, AES, digest, fields.
void BM_SpaDecodeValid(benchmark::State& state) {
  const sesame::SpaKeys k = keys();
  const std::vector<std::uint8_t> packet = bytes(kCapture);
  for (auto _ : state) benchmark::DoNotOptimize(sesame::decode_spa(packet, k));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpaDecodeValid);

// The gate on a flood of forged packets from one source past its budget: the free
// checks and a budget lookup, no crypto.
void BM_SpaGateOverBudget(benchmark::State& state) {
  sesame::SpaGateDoor door;
  door.spa.keys = keys();
  sesame::SpaGate gate({door});
  std::vector<std::uint8_t> forged = bytes(kCapture);
  forged[60] = forged[60] == 'A' ? 'B' : 'A';
  const sesame::Address source = *sesame::Address::parse("198.18.0.9");
  for (int i = 0; i < 100; ++i) (void)gate.admit(source, sesame::kDefaultSpaPort, forged, kCaptureTime, 0);
  for (auto _ : state)
    benchmark::DoNotOptimize(gate.admit(source, sesame::kDefaultSpaPort, forged, kCaptureTime, 0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpaGateOverBudget);

}  // namespace
