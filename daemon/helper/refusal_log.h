// RefusalLog: the helper's lines about requests it refuses, rate-limited: a flood of
// refused matches (spoofed completions, a full grant table) must not become a flood
// of lines: at most one a second, and the next line written says how many refusals
// there were since the last one (itself included).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/token_bucket.h"
#include "daemon/sys/log.h"

namespace sesame {

class RefusalLog {
 public:
  static constexpr std::uint64_t kIntervalMs = 1000;

  explicit RefusalLog(const Log& log) : log_(log) {}

  // Logs `line` if the budget allows at now_ms (a monotonic clock), else counts it.
  void refuse(std::string_view line, std::uint64_t now_ms);

 private:
  const Log& log_;
  TokenBucket budget_{1, kIntervalMs};
  std::uint64_t since_line_ = 0;  // refusals since the last line written
};

}  // namespace sesame
