#include "core/token_bucket.h"

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

std::uint64_t TokenBucket::wait(std::uint64_t now_ms) const {
  if (tokens_ > 0) return 0;
  const std::uint64_t next = last_ms_ + interval_ms_;
  return next > now_ms ? next - now_ms : 0;
}

}  // namespace sesame
