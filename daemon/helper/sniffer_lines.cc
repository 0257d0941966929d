// The sniffer's lines: escaped, bounded, tagged, rate-limited.
#include "daemon/helper/sniffer_lines.h"

#include "core/escaped_line.h"
#include "core/str_cat.h"

namespace sesame {

void SnifferLines::write(const LogLineReport& line, std::uint64_t now_ms) {
  if (now_ms >= next_summary_ms_) {
    next_summary_ms_ = now_ms + kSummaryIntervalMs;
    log_suppressed();
  }
  if (!budget_.take(now_ms)) return;
  log_.file_line(str_cat(tag_, ": ", escaped_line(line.text, kLogLineMaxBytes, line.cut)));
}

void SnifferLines::log_suppressed() {
  if (const std::uint64_t n = budget_.take_suppressed())
    log_.line(str_cat("helper: ", std::to_string(n), n == 1 ? " line" : " lines", " from the sniffer suppressed (over ",
                      std::to_string(kLinesPerSecond), " a second)"));
}

}  // namespace sesame
