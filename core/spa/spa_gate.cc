// The gate's checks, cheapest first, so a flood costs a length test and a scan of the
// bytes unless it comes from a source a door accepts, and then at most its budget.
#include "core/spa/spa_gate.h"

#include <algorithm>

#include "core/spa/spa_decoder.h"

namespace sesame {
namespace {

bool accepts(const SpaGateDoor& d, std::uint16_t port, const Address& source) {
  return d.spa.port == port &&
         (d.spa.sources.empty() ||
          std::ranges::any_of(d.spa.sources, [&](const AddressPrefix& p) { return p.contains(source); }));
}

}  // namespace

SpaGate::SpaGate(std::vector<SpaGateDoor> doors, SpaBudgets budgets)
    : doors_(std::move(doors)), budgets_(budgets) {}

bool SpaGate::listens_on(std::uint16_t port) const {
  return std::ranges::any_of(doors_, [&](const SpaGateDoor& d) { return d.spa.port == port; });
}

bool SpaGate::spend(const Address& source, std::uint64_t now_ms) {
  auto it = per_source_.find(source);
  if (it == per_source_.end()) {
    // Full: budgets that have refilled hold nothing worth keeping. Still full (a flood
    // from many sources): the source goes untracked, on the worker's budget alone, so
    // spoofed sources cannot lock a real client out of the table.
    // One sweep per millisecond at most: under a flood every packet is a new source.
    if (per_source_.size() >= budgets_.sources && now_ms != last_sweep_ms_) {
      last_sweep_ms_ = now_ms;
      std::erase_if(per_source_, [&](const auto& e) { return e.second.full_at(now_ms); });
    }
    if (per_source_.size() < budgets_.sources)
      it = per_source_.emplace(source, TokenBucket(budgets_.source_burst, budgets_.source_interval_ms)).first;
  }
  if (it != per_source_.end() && !it->second.take(now_ms)) return false;
  if (now_ms - window_start_ms_ >= budgets_.global_window_ms) {
    window_start_ms_ = now_ms;
    window_spent_ = 0;
  }
  if (window_spent_ >= budgets_.global_per_window) return false;
  ++window_spent_;
  return true;
}

std::expected<SpaGrant, SpaReject> SpaGate::admit(const Address& source, std::uint16_t port,
                                                  std::span<const std::uint8_t> payload, std::int64_t now_s,
                                                  std::uint64_t now_ms) {
  using std::unexpected;
  if (const auto reject = spa_framing_reject(payload)) return unexpected(*reject);
  if (!std::ranges::any_of(doors_, [&](const SpaGateDoor& d) { return accepts(d, port, source); }))
    return unexpected(SpaReject::kSourceNotAllowed);
  if (!spend(source, now_ms)) return unexpected(SpaReject::kOverBudget);
  const SpaPayloadDigest digest = spa_payload_digest(payload);
  if (replays_.contains(digest, now_s)) return unexpected(SpaReject::kReplay);
  SpaReject last = SpaReject::kHmacMismatch;
  for (const SpaGateDoor& d : doors_) {
    if (!accepts(d, port, source)) continue;
    auto grant = check(d, source, payload, now_s);
    if (!grant) {
      last = grant.error();
      // Another door on the port may hold the keys: fwknop tries every stanza.
      if (last == SpaReject::kHmacMismatch) continue;
      return unexpected(last);
    }
    grant->digest = digest;
    if (!replays_.insert(digest, grant->replay_until, now_s)) return unexpected(SpaReject::kReplayCacheFull);
    return grant;
  }
  return unexpected(last);
}

std::expected<SpaGrant, SpaReject> SpaGate::check(const SpaGateDoor& d, const Address& source,
                                                  std::span<const std::uint8_t> payload, std::int64_t now_s) const {
  using std::unexpected;
  auto m = decode_spa(payload, d.spa.keys);
  if (!m) return unexpected(m.error());
  if (m->type != SpaMessageType::kAccess && m->type != SpaMessageType::kClientTimeoutAccess)
    return unexpected(SpaReject::kRefusedMessageType);
  // The timestamp is the client's: compare in signed 64 bits, it may be anything.
  const auto timestamp = static_cast<std::int64_t>(m->timestamp);
  const std::int64_t age = now_s > timestamp ? now_s - timestamp : timestamp - now_s;
  if (age > d.spa.max_age) return unexpected(SpaReject::kStale);
  if (d.spa.expires && now_s >= *d.spa.expires) return unexpected(SpaReject::kExpired);
  if (!d.spa.require_user.empty() && m->user != d.spa.require_user) return unexpected(SpaReject::kUserNotAllowed);
  SpaGrant g;
  g.door = d.door;
  g.address = m->allow;
  if (g.address == Address::v4(0)) {
    if (d.spa.require_source_address) return unexpected(SpaReject::kSourceAddressRequired);
    g.address = source;
  }
  for (const SpaPort& p : m->ports) {
    const KnockStep step{p.protocol, p.port};
    if (std::ranges::find(d.open_ports, step) == d.open_ports.end()) return unexpected(SpaReject::kPortNotAllowed);
    if (std::ranges::find(g.ports, step) == g.ports.end()) g.ports.push_back(step);
  }
  g.seconds = m->client_timeout && *m->client_timeout > 0 ? std::min(*m->client_timeout, d.spa.max_open_for)
                                                          : d.open_for;
  // Past this the age check refuses the packet anyway.
  g.replay_until = timestamp + d.spa.max_age + 1;
  g.user = m->user;
  return g;
}

}  // namespace sesame
