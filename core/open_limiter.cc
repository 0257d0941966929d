#include "core/open_limiter.h"

#include <algorithm>
#include <array>

#include "core/address_prefix.h"

namespace sesame {

void OpenLimiter::forget_full(std::uint64_t now_ms) {
  std::erase_if(sources_, [&](const auto& entry) { return entry.second.full_at(now_ms); });
}

Address OpenLimiter::bucket_key(const Address& source) const {
  return source.is_v4() ? source : network_of(source, limits_.ipv6_prefix_length);
}

OpenVerdict OpenLimiter::admit(const Address& address, std::uint64_t now_ms) {
  const Address source = bucket_key(address);
  auto it = sources_.find(source);
  if (it == sources_.end()) {
    if (sources_.size() >= limits_.max_sources) forget_full(now_ms);
    if (sources_.size() >= limits_.max_sources) return OpenVerdict::kTooManySources;
    it = sources_.emplace(source, TokenBucket(limits_.source_burst, limits_.source_interval_ms)).first;
  }
  // Peek at the source's bucket first, so a refusal costs neither bucket a token.
  if (!TokenBucket(it->second).take(now_ms)) return OpenVerdict::kSourceLimited;
  if (!global_.take(now_ms)) return OpenVerdict::kGlobalLimited;
  it->second.take(now_ms);
  return OpenVerdict::kAllowed;
}

}  // namespace sesame
