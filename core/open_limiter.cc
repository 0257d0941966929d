#include "core/open_limiter.h"

#include <algorithm>

namespace sesame {

void TokenBucket::refill(std::uint64_t now_ms) {
  if (now_ms <= last_ms_) return;
  const std::uint64_t earned = (now_ms - last_ms_) / interval_ms_;
  if (earned == 0) return;
  tokens_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(burst_, tokens_ + earned));
  // Keep the remainder: a token earned in part stays earned in part.
  last_ms_ = tokens_ == burst_ ? now_ms : last_ms_ + earned * interval_ms_;
}

bool TokenBucket::take(std::uint64_t now_ms) {
  refill(now_ms);
  if (tokens_ == 0) return false;
  if (tokens_ == burst_) last_ms_ = std::max(last_ms_, now_ms);  // a full bucket earns nothing
  --tokens_;
  return true;
}

bool TokenBucket::full_at(std::uint64_t now_ms) const {
  const std::uint64_t earned = now_ms > last_ms_ ? (now_ms - last_ms_) / interval_ms_ : 0;
  return tokens_ + earned >= burst_;
}

void OpenLimiter::forget_full(std::uint64_t now_ms) {
  std::erase_if(sources_, [&](const auto& entry) { return entry.second.full_at(now_ms); });
}

OpenVerdict OpenLimiter::admit(const Address& source, std::uint64_t now_ms) {
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
