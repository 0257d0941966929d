// SpaGate: the sniffer's whole decision on one UDP payload sent to an SPA port: which
// door, if any, it opens, for which address, ports and time; or the reason it opens
// nothing. Pure logic: the clock comes in, a grant or a reason goes out.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/door.h"
#include "core/spa/spa_crypto.h"
#include "core/spa/spa_door.h"
#include "core/spa/spa_reject.h"
#include "core/spa/spa_replay_cache.h"
#include "core/token_bucket.h"

namespace sesame {

// One configured SPA door as the gate needs it.
struct SpaGateDoor {
  std::uint32_t door = 0;  // index into the config's doors, as the helper message names it
  SpaDoor spa;
  std::vector<KnockStep> open_ports;  // the ports a packet may ask for
  std::uint32_t open_for = kDefaultSpaOpenFor;  // when the packet names no time
};

// What an accepted packet opens: the helper's message (core/ipc.h) carries all of it.
struct SpaGrant {
  std::uint32_t door = 0;
  Address address;               // the message's IPv4 address, or the packet's source for 0.0.0.0
  std::vector<KnockStep> ports;  // as asked, each one the door lists
  std::uint32_t seconds = 0;     // the client's timeout capped at max_open_for, or open_for
  SpaPayloadDigest digest{};     // of the wire payload: the replay cache's key
  std::int64_t replay_until = 0;  // Unix seconds after which the packet is stale anyway
  std::string user;
};

// The crypto budgets. Refusing a forged packet (HMAC-SHA256) costs about 4 µs
// (bench/README.md). Per source, a token bucket; per worker, a count per 100 ms
// window (a token bucket's millisecond refill cannot go past 1000 a second), which
// caps a flood from any number of spoofed sources at about 8% of a core.
struct SpaBudgets {
  std::uint32_t source_burst = 8;          // per source address...
  std::uint64_t source_interval_ms = 100;  // ...then one every 100 ms
  std::uint32_t global_per_window = 2000;  // per worker, in each...
  std::uint64_t global_window_ms = 100;    // ...window of this many milliseconds
  std::size_t sources = 4096;              // source budgets kept at once
};

class SpaGate {
 public:
  explicit SpaGate(std::vector<SpaGateDoor> doors, SpaBudgets budgets = {});

  // Whether any door listens on this UDP port: only such payloads come to admit().
  bool listens_on(std::uint16_t port) const;

  // Checks, in order: the free checks (length, prefix, alphabet); a door on `port`
  // whose sources include `source`; the source's and the global crypto budget; the
  // replay cache; then each such door's keys in config order (HMAC first), and for the
  // first door whose HMAC matches: message type, age (|now_s - timestamp| <= max_age),
  // expiry, user, address and ports. The digest enters the replay cache only when every
  // check passed. Returns the first failure (of the last door tried).
  std::expected<SpaGrant, SpaReject> admit(const Address& source, std::uint16_t port,
                                           std::span<const std::uint8_t> payload, std::int64_t now_s,
                                           std::uint64_t now_ms);

  std::size_t replay_entries() const { return replays_.size(); }

 private:
  bool spend(const Address& source, std::uint64_t now_ms);
  std::expected<SpaGrant, SpaReject> check(const SpaGateDoor& door, const Address& source,
                                           std::span<const std::uint8_t> payload, std::int64_t now_s) const;

  std::vector<SpaGateDoor> doors_;
  SpaBudgets budgets_;
  std::uint64_t window_start_ms_ = 0;
  std::uint32_t window_spent_ = 0;
  std::map<Address, TokenBucket> per_source_;
  std::uint64_t last_sweep_ms_ = ~std::uint64_t{0};  // when per_source_ was last swept
  SpaReplayCache replays_;
};

}  // namespace sesame
