// SpaGate: what a real fwknop packet opens, and every way the gate refuses one.
#include "core/spa/spa_gate.h"

#include <gtest/gtest.h>

#include "core/spa/spa_decoder.h"
#include "core/spa/spa_test_packets.h"

namespace sesame {
namespace {

constexpr std::int64_t kCaptureTime = 1795528959;  // the capture's client timestamp
const Address kClient = *Address::parse("198.18.0.2");
const Address kClient6 = *Address::parse("2001:2::2");

SpaGateDoor door(std::uint32_t index, const SpaKeys& keys) {
  SpaGateDoor d;
  d.door = index;
  d.spa.keys = keys;
  d.open_ports = {{Protocol::kTcp, 22}, {Protocol::kTcp, 443}};
  return d;
}

std::expected<SpaGrant, SpaReject> admit(SpaGate& gate, const Bytes& payload, std::int64_t now_s = kCaptureTime + 5,
                                         const Address& source = kClient) {
  return gate.admit(source, kDefaultSpaPort, payload, now_s, 1000);
}

TEST(SpaGate, TheCapturedPacketOpensPort22ForItsAddress) {
  SpaGate gate({door(3, capture_keys())});
  EXPECT_TRUE(gate.listens_on(62201));
  EXPECT_FALSE(gate.listens_on(62202));
  const auto g = admit(gate, capture_payload());
  ASSERT_TRUE(g) << spa_reject_name(g.error());
  EXPECT_EQ(g->door, 3u);
  EXPECT_EQ(g->address, kClient);
  EXPECT_EQ(g->ports, (std::vector<KnockStep>{{Protocol::kTcp, 22}}));
  EXPECT_EQ(g->seconds, kDefaultSpaOpenFor);
  EXPECT_EQ(g->user, "root");
  EXPECT_EQ(g->replay_until, kCaptureTime + 121);
  EXPECT_EQ(gate.replay_entries(), 1u);
}

TEST(SpaGate, TheSamePacketTwiceOpensOnce) {
  SpaGate gate({door(0, capture_keys())});
  ASSERT_TRUE(admit(gate, capture_payload()));
  EXPECT_EQ(admit(gate, capture_payload()).error(), SpaReject::kReplay);
  // Past the age window the packet is stale, whatever the cache remembers.
  EXPECT_EQ(admit(gate, capture_payload(), kCaptureTime + 121).error(), SpaReject::kStale);
}

TEST(SpaGate, RefusesAPacketOutsideTheAgeWindowBothWays) {
  SpaGate gate({door(0, capture_keys())});
  EXPECT_EQ(admit(gate, capture_payload(), kCaptureTime + 600).error(), SpaReject::kStale);
  EXPECT_EQ(admit(gate, capture_payload(), kCaptureTime - 121).error(), SpaReject::kStale);
  // A refused packet is not remembered: it may still be accepted in its window.
  EXPECT_TRUE(admit(gate, capture_payload(), kCaptureTime + 120));
}

TEST(SpaGate, AppliesTheDoorsPolicy) {
  SpaGateDoor other_ports = door(0, capture_keys());
  other_ports.open_ports = {{Protocol::kTcp, 2222}};
  SpaGate ports({other_ports});
  EXPECT_EQ(admit(ports, capture_payload()).error(), SpaReject::kPortNotAllowed);

  SpaGateDoor sources = door(0, capture_keys());
  sources.spa.sources = {*AddressPrefix::parse("10.0.0.0/8")};
  SpaGate by_source({sources});
  EXPECT_EQ(admit(by_source, capture_payload()).error(), SpaReject::kSourceNotAllowed);

  SpaGateDoor user = door(0, capture_keys());
  user.spa.require_user = "alice";
  SpaGate by_user({user});
  EXPECT_EQ(admit(by_user, capture_payload()).error(), SpaReject::kUserNotAllowed);

  SpaGateDoor expired = door(0, capture_keys());
  expired.spa.expires = kCaptureTime;
  SpaGate by_date({expired});
  EXPECT_EQ(admit(by_date, capture_payload()).error(), SpaReject::kExpired);
}

TEST(SpaGate, TriesEveryDoorOnThePortAsFwknopTriesStanzas) {
  SpaGate gate({door(0, base64_keys(kFixtureKey, kFixtureHmacKey)), door(1, capture_keys())});
  const auto g = admit(gate, capture_payload());
  ASSERT_TRUE(g) << spa_reject_name(g.error());
  EXPECT_EQ(g->door, 1u);
  SpaGate wrong({door(0, base64_keys(kFixtureKey, kFixtureHmacKey))});
  EXPECT_EQ(admit(wrong, capture_payload()).error(), SpaReject::kHmacMismatch);
}

// fwknop -s sends 0.0.0.0: the door opens for the packet's source, which is how an
// IPv6 client gets in.
TEST(SpaGate, ZeroAddressOpensForThePacketsSourceUnlessTheDoorRequiresOne) {
  const SpaKeys keys = base64_keys(kFixtureKey, kFixtureHmacKey);
  const Bytes packet = fixture_payload("source");
  const std::int64_t now = static_cast<std::int64_t>(decode_spa(packet, keys)->timestamp);
  SpaGate gate({door(0, keys)});
  const auto g = admit(gate, packet, now, kClient6);
  ASSERT_TRUE(g) << spa_reject_name(g.error());
  EXPECT_EQ(g->address, kClient6);
  SpaGateDoor strict = door(0, keys);
  strict.spa.require_source_address = true;
  SpaGate refusing({strict});
  EXPECT_EQ(admit(refusing, packet, now, kClient6).error(), SpaReject::kSourceAddressRequired);
}

TEST(SpaGate, CapsTheClientsTimeoutAndRefusesNatAndCommands) {
  const SpaKeys keys = base64_keys(kFixtureKey, kFixtureHmacKey);
  SpaGateDoor d = door(0, keys);
  d.spa.max_open_for = 40;
  SpaGate gate({d});
  const Bytes timeout = fixture_payload("client_timeout");  // -f 45
  const auto now = static_cast<std::int64_t>(decode_spa(timeout, keys)->timestamp);
  const auto g = admit(gate, timeout, now);
  ASSERT_TRUE(g) << spa_reject_name(g.error());
  EXPECT_EQ(g->seconds, 40u);
  EXPECT_EQ(admit(gate, fixture_payload("nat"), now).error(), SpaReject::kRefusedMessageType);
  EXPECT_EQ(admit(gate, fixture_payload("command"), now).error(), SpaReject::kRefusedMessageType);
}

TEST(SpaGate, GarbageCostsNoCryptoAndFloodsSpendOnlyTheirBudget) {
  SpaGate gate({door(0, capture_keys())}, SpaBudgets{.source_burst = 3, .source_interval_ms = 1000});
  EXPECT_EQ(admit(gate, Bytes(300, '!')).error(), SpaReject::kNotBase64);
  const Bytes forged(204, 'A');
  for (int i = 0; i < 3; ++i) EXPECT_EQ(admit(gate, forged).error(), SpaReject::kHmacMismatch);
  EXPECT_EQ(admit(gate, forged).error(), SpaReject::kOverBudget);
  // Another source has its own budget.
  EXPECT_EQ(admit(gate, forged, kCaptureTime, *Address::parse("198.18.0.3")).error(), SpaReject::kHmacMismatch);
}

// A flood from more sources than the table of budgets holds must not refuse a real
// client for being new: it then counts on the worker's budget alone.
TEST(SpaGate, ANewSourceIsServedWhenTheSourceTableIsFull) {
  SpaGate gate({door(0, capture_keys())}, SpaBudgets{.source_burst = 1, .source_interval_ms = 60'000, .sources = 2});
  const Bytes forged(204, 'A');
  for (const char* a : {"198.18.1.1", "198.18.1.2"})
    EXPECT_EQ(admit(gate, forged, kCaptureTime, *Address::parse(a)).error(), SpaReject::kHmacMismatch);
  EXPECT_TRUE(admit(gate, capture_payload()));
}

TEST(SpaGate, TheGlobalBudgetBoundsAFloodFromManySources) {
  SpaGate gate({door(0, capture_keys())}, SpaBudgets{.global_per_window = 2, .global_window_ms = 1000});
  const Bytes forged(204, 'A');
  EXPECT_EQ(admit(gate, forged, kCaptureTime, *Address::parse("198.18.1.1")).error(), SpaReject::kHmacMismatch);
  EXPECT_EQ(admit(gate, forged, kCaptureTime, *Address::parse("198.18.1.2")).error(), SpaReject::kHmacMismatch);
  EXPECT_EQ(admit(gate, forged, kCaptureTime, *Address::parse("198.18.1.3")).error(), SpaReject::kOverBudget);
  // The next window has a budget again.
  EXPECT_EQ(gate.admit(*Address::parse("198.18.1.4"), kDefaultSpaPort, forged, kCaptureTime, 2000).error(),
            SpaReject::kHmacMismatch);
}

TEST(SpaReplayCache, ForgetsEntriesOnceExpiredAndStaysBounded) {
  SpaReplayCache cache(2);
  const SpaPayloadDigest a{1}, b{2}, c{3};
  EXPECT_TRUE(cache.insert(a, 100, 0));
  EXPECT_TRUE(cache.insert(b, 200, 0));
  EXPECT_TRUE(cache.contains(a, 99));
  EXPECT_FALSE(cache.contains(a, 100));
  EXPECT_FALSE(cache.insert(c, 300, 50));  // full of live entries
  EXPECT_TRUE(cache.insert(c, 300, 150));  // a expired and made room
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.contains(a, 150));
}

}  // namespace
}  // namespace sesame
