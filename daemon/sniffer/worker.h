// Worker: one packet-reading thread: its rings (one per interface), its io_uring loop,
// its Detector (one knock table shard), and the mailbox through which the main thread
// hands it a new Ruleset or tells it to stop.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "core/detector.h"
#include "core/knock_table.h"
#include "core/spa/spa_gate.h"
#include "daemon/sniffer/helper_client.h"
#include "daemon/sys/log.h"
#include "daemon/sniffer/ring.h"
#include "daemon/sniffer/ruleset.h"
#include "daemon/sniffer/statistics.h"
#include "daemon/sys/unique_fd.h"
#include "daemon/sniffer/uring_loop.h"

namespace sesame {

class Worker {
 public:
  // Creates the control eventfd. `table` is this worker's shard: its capacity and
  // key; now_tick is set when the Detector is (re)built. Every OPEN SESAME goes to
  // `helper` (which must outlive the worker); null in a dry run.
  static std::expected<std::unique_ptr<Worker>, SysError> create(std::vector<Ring> rings,
                                                                std::unique_ptr<UringLoop> loop,
                                                                std::shared_ptr<const Ruleset> ruleset,
                                                                const Log& log, KnockTableOptions table,
                                                                bool ipv4_only, const HelperClient* helper);

  // The thread's body: reads frames until stop() or an error (logged, and returned so
  // the main thread can stop the rest).
  std::expected<void, SysError> run();

  // From the main thread. The worker switches at its next wakeup; the new Detector
  // starts empty (knocks in progress are forgotten, as the doors may have changed).
  void reload(std::shared_ptr<const Ruleset> ruleset);
  // From the main thread: a one-time door moved on, or the host's addresses changed.
  // `ruleset` differs from the running one only in the sequences of the matcher doors
  // `changed` (none for an address change) and in the addresses; the worker keeps the
  // knocks in progress at every other door (Detector::rebase) and its SPA gate.
  void move_on(std::shared_ptr<const Ruleset> ruleset, std::vector<std::uint16_t> changed);
  // Whether the worker has taken the last reload's ruleset: every match it reports from
  // then on was made with it (and every earlier one was sent before this returns true).
  bool took_reload() const;
  void stop();
  // -D: a line for each frame that reaches the matcher (packet_line), within a budget;
  // call before run().
  void log_packets() { packet_budget_.emplace(); }
  // Counters as of the worker's last tick (at most ~10 ms old).
  SnifferCounters counters() const;
  // For the main thread's filter swaps and PACKET_STATISTICS: both only issue
  // setsockopt/getsockopt on the descriptors, which the worker never changes.
  std::vector<Ring>& rings() { return rings_; }

 private:
  Worker(std::vector<Ring> rings, std::unique_ptr<UringLoop> loop, std::shared_ptr<const Ruleset> ruleset,
         const Log& log, KnockTableOptions table, bool ipv4_only, const HelperClient* helper,
         UniqueFd control);

  // Returns false when told to stop.
  bool take_mail();
  void wake();
  void start_detector(std::shared_ptr<const Ruleset> ruleset);
  // Reads every retired block of the ring; the knocks in them are applied before each
  // block goes back to the kernel.
  void drain(std::size_t ring);
  void drain_all();
  // `ring` indexes rings_ (and the ruleset's per-interface lists).
  void on_frame(const RingFrame& frame, std::size_t ring);
  void prefetch_newer_apply_older();
  void apply_pending();
  void report(const Address& source, const DoorEvent& event);
  // A UDP payload to an SPA port: the gate's verdict, counted, logged (rate-limited)
  // and, if it opens something, sent to the helper.
  void on_spa(const Knock& knock, std::uint32_t wall_s);
  // A match or SPA open the helper's socket refused: counted, and logged within a budget.
  void helper_send_failed(const Address& source, std::string_view door, const SysError& error);
  void tick();
  void publish();

  std::vector<Ring> rings_;
  std::unique_ptr<UringLoop> loop_;
  const Log& log_;
  const KnockTableOptions table_options_;
  const bool ipv4_only_;
  const HelperClient* const helper_;
  UniqueFd control_;

  // Owned by the worker thread.
  std::shared_ptr<const Ruleset> ruleset_;
  std::optional<Detector> detector_;
  std::optional<SpaGate> spa_gate_;  // rebuilt with the detector: a reload starts it afresh
  // Knocks parsed but not yet applied, in two groups of up to kGroup: the older one
  // prefetched, the newer one only parsed. When the newer one is full (or its block is
  // done) its knocks are looked ahead and prefetched in a row, then the older group is
  // applied, and the newer one becomes the older. Prefetching a group at once lets its
  // table misses and page walks overlap (a table larger than the TLB reaches costs a
  // walk per knock); applying a group later hides them.
  struct PendingKnock {
    Knock knock;  // its payload points into a block still held
    Detector::Lookahead ahead;  // the detector's, which stays until both groups are empty
    PacketTime time;
  };
  static constexpr std::size_t kGroup = 8;
  std::array<std::array<PendingKnock, kGroup>, 2> groups_{};
  std::size_t older_ = 0;  // groups_[older_] is prefetched, the other one parsed only
  std::size_t older_count_ = 0;
  std::size_t newer_count_ = 0;
  SnifferCounters counters_;           // frames and rejects; detector and table below
  DetectorCounters retired_detector_;  // of detectors replaced by reloads
  KnockTable::Counters retired_table_;
  // Lines about sources at their first knock, and about sources further along: a
  // flood of spoofed first knocks exhausts only the first budget, so the stages of a
  // real knocker past its first knock still show.
  LineBudget first_knock_budget_;
  LineBudget later_budget_;
  LineBudget spa_budget_;  // lines about refused SPA packets
  std::optional<LineBudget> packet_budget_;  // -D's per-frame lines; none without -D
  LineBudget helper_send_budget_;  // lines about matches the helper's socket refused
  std::uint64_t now_ms_ = 0;           // monotonic, read once per wakeup
  std::uint64_t last_summary_ms_ = 0;

  // Shared with the main thread.
  mutable std::mutex mutex_;
  std::shared_ptr<const Ruleset> pending_;
  std::optional<std::vector<std::uint16_t>> pending_changed_;  // set by move_on
  bool stopping_ = false;
  SnifferCounters published_;
};

}  // namespace sesame
