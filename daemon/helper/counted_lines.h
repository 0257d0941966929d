// CountedLines: the helper's lines about events an attacker can repeat at will
// (refused opens, re-knocks for an open grant), rate-limited: at most one line a
// second, each saying how many such events there were since the last line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/token_bucket.h"
#include "daemon/sys/log.h"

namespace sesame {

class CountedLines {
 public:
  static constexpr std::uint64_t kIntervalMs = 1000;

  // `events` names the events in the count: "opens refused".
  CountedLines(const Log& log, std::string_view events) : log_(log), events_(events) {}

  // One event at now_ms (a monotonic clock): `line` is logged if the budget allows,
  // else the event is only counted.
  void event(std::string_view line, std::uint64_t now_ms);

 private:
  const Log& log_;
  std::string events_;
  TokenBucket budget_{1, kIntervalMs};
  std::uint64_t since_line_ = 0;  // events since the last line written, this one included
};

}  // namespace sesame
