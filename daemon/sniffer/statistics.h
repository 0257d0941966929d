// SnifferCounters: what the workers count, summed for the periodic and final
// statistics line, with the kernel's ring counters beside them.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/detector.h"
#include "core/knock_table.h"
#include "core/reject.h"
#include "core/spa/spa_reject.h"
#include "core/source_check.h"
#include "daemon/sniffer/ring.h"

namespace sesame {

struct SnifferCounters {
  std::uint64_t frames = 0;                          // read from the rings
  std::array<std::uint64_t, kRejectCount> rejects{};  // by Reject value
  std::uint64_t ipv6_ignored = 0;                    // -4: IPv6 knocks the filter let by in a VLAN tag
  std::array<std::uint64_t, kSourceRejectCount> source_rejects{};  // by SourceReject value
  std::uint64_t foreign_vlan = 0;                    // tagged for a VLAN the host has no interface for
  DetectorCounters detector;
  KnockTable::Counters table;
  std::uint64_t sources = 0;                         // live in the knock tables now
  std::uint64_t lines_suppressed = 0;                // LineBudget refusals
  std::uint64_t spa_accepted = 0;                    // SPA packets sent to the helper
  std::array<std::uint64_t, kSpaRejectCount> spa_rejects{};  // by SpaReject value
  std::uint64_t helper_send_failures = 0;            // matches and SPA opens the helper's socket refused
};

void add(SnifferCounters& into, const SnifferCounters& from);
void add(DetectorCounters& into, const DetectorCounters& from);
void add(KnockTable::Counters& into, const KnockTable::Counters& from);
void add(RingStatistics& into, const RingStatistics& from);

// One line: "statistics: frames N, knocks N, ..., bad sources: name N ..., rejects:
// name N ..., ring: ..."; bad sources and rejects that never happened are left out;
// the SPA part only once an SPA packet came.
std::string format_statistics(const SnifferCounters& counters, const RingStatistics& kernel);

}  // namespace sesame
