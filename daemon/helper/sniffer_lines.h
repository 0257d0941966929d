// SnifferLines: the log file lines the sniffer sends (kLogLine), written by the helper,
// which owns the file. The sniffer reads packets from the network and may be
// compromised, so each line is made harmless before it lands beside the helper's own:
// escaped into one line (no forged second line), cut to a bounded length, tagged with
// the sniffer's name, and rate-limited with a count of what was held back (no full disk).
#pragma once

#include <cstdint>
#include <string>

#include "core/log_line_message.h"
#include "daemon/sys/log.h"

namespace sesame {

class SnifferLines {
 public:
  // The sniffer's honest lines: its own budget of stage lines (LineBudget, 20 a second),
  // an OPEN SESAME line per match, and a few more; past these, lines are only counted.
  static constexpr std::uint32_t kLinesPerSecond = 50;
  static constexpr std::uint32_t kBurst = 500;
  // The count of the lines held back is logged at most this often (and at exit).
  static constexpr std::uint64_t kSummaryIntervalMs = 10'000;

  // Lines go to `log`'s file, as "TAG: text" (TAG: sniffer_tag of the config).
  SnifferLines(const Log& log, std::string tag)
      : log_(log), tag_(std::move(tag)), budget_(kBurst, kLinesPerSecond) {}

  // One line the sniffer sent, at `now_ms` (a monotonic clock); when the last count
  // is kSummaryIntervalMs old, it is preceded by the count of lines held back since.
  void write(const LogLineReport& line, std::uint64_t now_ms);
  // The count of lines held back since the last count, if any (at exit).
  void log_suppressed();

 private:
  const Log& log_;
  std::string tag_;
  LineBudget budget_;
  std::uint64_t next_summary_ms_ = 0;
};

}  // namespace sesame
