// Sums and the statistics line.
#include "daemon/sniffer/statistics.h"

#include <cstddef>

#include "core/str_cat.h"

namespace sesame {

void add(DetectorCounters& into, const DetectorCounters& from) {
  into.irrelevant += from.irrelevant;
  into.knocks += from.knocks;
  into.stages += from.stages;
  into.opens += from.opens;
  into.failures += from.failures;
  into.timeouts += from.timeouts;
  into.scan_syns += from.scan_syns;
  into.scans += from.scans;
}

void add(KnockTable::Counters& into, const KnockTable::Counters& from) {
  into.inserts += from.inserts;
  into.evictions += from.evictions;
  into.refusals += from.refusals;
}

void add(RingStatistics& into, const RingStatistics& from) {
  into.packets += from.packets;
  into.drops += from.drops;
  into.freezes += from.freezes;
}

void add(SnifferCounters& into, const SnifferCounters& from) {
  into.frames += from.frames;
  for (std::size_t i = 0; i < kRejectCount; ++i) into.rejects[i] += from.rejects[i];
  into.ipv6_ignored += from.ipv6_ignored;
  for (std::size_t i = 0; i < kSourceRejectCount; ++i) into.source_rejects[i] += from.source_rejects[i];
  into.foreign_vlan += from.foreign_vlan;
  add(into.detector, from.detector);
  add(into.table, from.table);
  into.sources += from.sources;
  into.lines_suppressed += from.lines_suppressed;
  into.spa_accepted += from.spa_accepted;
  for (std::size_t i = 0; i < kSpaRejectCount; ++i) into.spa_rejects[i] += from.spa_rejects[i];
  into.helper_send_failures += from.helper_send_failures;
}

std::string format_statistics(const SnifferCounters& c, const RingStatistics& kernel) {
  auto n = [](std::uint64_t v) { return std::to_string(v); };
  const DetectorCounters& d = c.detector;
  std::string out = str_cat("statistics: frames ", n(c.frames), ", knocks ", n(d.knocks), ", irrelevant ",
                            n(d.irrelevant), ", stages ", n(d.stages), ", opens ", n(d.opens),
                            ", wrong knocks ", n(d.failures), ", timeouts ", n(d.timeouts));
  if (d.scan_syns != 0) out += str_cat(", scan syns ", n(d.scan_syns), " (knocks ended ", n(d.scans), ")");
  out += str_cat(", sources ", n(c.sources), " (evicted ", n(c.table.evictions), ", refused ",
                 n(c.table.refusals), ")");
  if (c.ipv6_ignored != 0) out += str_cat(", ipv6 ignored ", n(c.ipv6_ignored));
  if (c.foreign_vlan != 0) out += str_cat(", foreign vlan ", n(c.foreign_vlan));
  if (c.lines_suppressed != 0) out += str_cat(", log lines suppressed ", n(c.lines_suppressed));
  std::string sources;
  for (std::size_t i = 0; i < kSourceRejectCount; ++i)
    if (c.source_rejects[i] != 0) sources += str_cat(" ", kSourceRejectNames[i].name, " ", n(c.source_rejects[i]));
  out += str_cat(", bad sources:", sources.empty() ? std::string(" none") : sources);
  std::string rejects;
  for (std::size_t i = 0; i < kRejectCount; ++i)
    if (c.rejects[i] != 0) rejects += str_cat(" ", kRejectNames[i].name, " ", n(c.rejects[i]));
  out += str_cat(", rejects:", rejects.empty() ? std::string(" none") : rejects);
  std::string spa;
  for (std::size_t i = 0; i < kSpaRejectCount; ++i)
    if (c.spa_rejects[i] != 0) spa += str_cat(" ", kSpaRejectNames[i].name, " ", n(c.spa_rejects[i]));
  if (c.spa_accepted != 0 || !spa.empty())
    out += str_cat(", spa accepted ", n(c.spa_accepted), ", spa rejects:", spa.empty() ? std::string(" none") : spa);
  if (c.helper_send_failures != 0) out += str_cat(", not sent to the helper ", n(c.helper_send_failures));
  out += str_cat(", ring: passed filter ", n(kernel.packets), ", dropped ", n(kernel.drops), ", freezes ",
                 n(kernel.freezes));
  return out;
}

}  // namespace sesame
