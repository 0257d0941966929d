// TokenBucket: `burst` events at once, then one every interval; the one rate limiter
// behind the helper's open limits and the sniffer's log line budget.
#pragma once

#include <cstdint>

namespace sesame {

// `burst` events at once, then one every `interval_ms`.
class TokenBucket {
 public:
  TokenBucket(std::uint32_t burst, std::uint64_t interval_ms)
      : burst_(burst), interval_ms_(interval_ms), tokens_(burst) {}
  // Takes a token if one is there at `now_ms` (a monotonic clock).
  bool take(std::uint64_t now_ms);
  // Whether the bucket would be full at now_ms: it then holds nothing worth keeping.
  bool full_at(std::uint64_t now_ms) const;
  // Milliseconds from now_ms until take() would succeed (0: now).
  std::uint64_t wait(std::uint64_t now_ms) const;

 private:
  void refill(std::uint64_t now_ms);
  std::uint32_t burst_;
  std::uint64_t interval_ms_;
  std::uint32_t tokens_;
  std::uint64_t last_ms_ = 0;  // when tokens_ was last brought up to date
};

}  // namespace sesame
