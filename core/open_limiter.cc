#include "core/open_limiter.h"

#include <algorithm>
#include <array>

namespace sesame {

void OpenLimiter::forget_full(std::uint64_t now_ms) {
  std::erase_if(sources_, [&](const auto& entry) { return entry.second.full_at(now_ms); });
}

Address OpenLimiter::bucket_key(const Address& source) const {
  if (source.is_v4()) return source;
  std::array<std::uint8_t, 16> bytes = source.bytes();
  const unsigned bits = std::min<unsigned>(limits_.ipv6_prefix_length, 128);
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned kept = bits > i * 8 ? std::min(bits - i * 8, 8u) : 0;
    bytes[i] &= static_cast<std::uint8_t>(0xff00u >> kept);
  }
  return Address::v6(bytes);
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
