// Worker: ring completions to parser to detector to log lines.
#include "daemon/sniffer/worker.h"

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/config/config_values.h"
#include "core/packet.h"
#include "core/source_check.h"
#include "core/str_cat.h"
#include "daemon/sniffer/packet_line.h"

namespace sesame {
namespace {

// The timer wheel's resolution; also bounds how late a "sequence timeout" line is.
constexpr std::chrono::milliseconds kTick{1000 / kTicksPerSecond};
// How often a worker that held lines back says how many.
constexpr std::uint64_t kSummaryIntervalMs = 5000;

// Completion tags: ring i is tag i.
constexpr std::uint64_t kTickTag = ~std::uint64_t{0};
constexpr std::uint64_t kControlTag = ~std::uint64_t{0} - 1;

PacketTime wall_clock() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return {static_cast<std::uint32_t>(ts.tv_sec), static_cast<std::uint32_t>(ts.tv_nsec)};
}

std::uint64_t monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1'000'000;
}

}  // namespace

std::expected<std::unique_ptr<Worker>, SysError> Worker::create(std::vector<Ring> rings,
                                                                std::unique_ptr<UringLoop> loop,
                                                                std::shared_ptr<const Ruleset> ruleset,
                                                                const Log& log, KnockTableOptions table,
                                                                bool ipv4_only, const HelperClient* helper) {
  UniqueFd control(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!control) return std::unexpected(sys_error("eventfd"));
  return std::unique_ptr<Worker>(new Worker(std::move(rings), std::move(loop), std::move(ruleset), log,
                                            table, ipv4_only, helper, std::move(control)));
}

Worker::Worker(std::vector<Ring> rings, std::unique_ptr<UringLoop> loop, std::shared_ptr<const Ruleset> ruleset,
               const Log& log, KnockTableOptions table, bool ipv4_only, const HelperClient* helper,
               UniqueFd control)
    : rings_(std::move(rings)),
      loop_(std::move(loop)),
      log_(log),
      table_options_(table),
      ipv4_only_(ipv4_only),
      helper_(helper),
      control_(std::move(control)) {
  start_detector(std::move(ruleset));
}

void Worker::start_detector(std::shared_ptr<const Ruleset> ruleset) {
  if (detector_) {
    add(retired_detector_, detector_->counters());
    add(retired_table_, detector_->table().counters());
  }
  KnockTableOptions options = table_options_;
  options.now_tick = to_tick(wall_clock());
  // The old detector points into the old ruleset: replace it before letting that go.
  detector_.emplace(ruleset->matcher, options);
  spa_gate_.emplace(ruleset->spa_doors);
  ruleset_ = std::move(ruleset);
}

std::expected<void, SysError> Worker::run() {
  for (std::size_t i = 0; i < rings_.size(); ++i) loop_->watch(rings_[i].fd(), i);
  loop_->watch(control_.get(), kControlTag);
  loop_->every(kTick, kTickTag);
  now_ms_ = monotonic_ms();
  drain_all();  // frames queued between bind() and the first poll
  for (;;) {
    auto ready = loop_->wait();
    if (!ready) return std::unexpected(ready.error());
    now_ms_ = monotonic_ms();
    for (const Completion& c : *ready) {
      if (c.tag == kTickTag) {
        // Also drains: a wakeup lost for any reason costs at most one tick of latency.
        drain_all();
        tick();
      } else if (c.tag == kControlTag) {
        if (!take_mail()) {
          publish();
          return {};
        }
      } else if (c.result < 0) {
        return std::unexpected(SysError{str_cat("io_uring poll on ", rings_[c.tag].interface()), -c.result});
      } else {
        drain(c.tag);
      }
    }
  }
}

void Worker::drain(std::size_t ring) {
  rings_[ring].drain([this, ring](const RingFrame& f) { on_frame(f, ring); }, [this] { apply_pending(); });
}

void Worker::drain_all() {
  for (std::size_t i = 0; i < rings_.size(); ++i) drain(i);
}

void Worker::on_frame(const RingFrame& frame, std::size_t ring) {
  ++counters_.frames;
  const auto knock = frame.framing == LinkFraming::kIp ? parse_ip_packet(frame.bytes)
                                                       : parse_frame(frame.bytes, frame.vlan_tag_out_of_band);
  if (!knock) {
    ++counters_.rejects[std::to_underlying(knock.error())];
    return;
  }
  // The filter drops IPv6 under -4, except inside a VLAN tag it leaves to the parser.
  if (ipv4_only_ && !knock->dst.is_v4()) {
    ++counters_.ipv6_ignored;
    return;
  }
  // A VLAN the host has no interface for: the kernel delivers the frame to no socket
  // but this one, so no knocker's packet arrives this way.
  const std::uint16_t vlan = frame.vlan_tag_out_of_band ? frame.vlan_tci & 0x0fff : knock->vlan_id;
  if (vlan != 0 && !ruleset_->config.any_vlan && std::ranges::find(ruleset_->vlan_ids[ring], vlan) ==
                                                     ruleset_->vlan_ids[ring].end()) {
    ++counters_.foreign_vlan;
    return;
  }
  // Forged or the host's own: never a knocker (the helper checks again).
  if (const auto bad = check_source(knock->src, ruleset_->host_prefixes, ruleset_->any_link_local)) {
    ++counters_.source_rejects[std::to_underlying(*bad)];
    return;
  }
  if (packet_budget_ && packet_budget_->take(now_ms_)) log_.line(packet_line(rings_[ring].interface(), *knock));
  if (knock->protocol == Protocol::kUdp && spa_gate_->listens_on(knock->dst_port)) {
    on_spa(*knock, frame.sec);
    return;
  }
  groups_[1 - older_][newer_count_++] = {*knock, {}, PacketTime{frame.sec, frame.nsec}};
  if (newer_count_ == kGroup) prefetch_newer_apply_older();
}

void Worker::prefetch_newer_apply_older() {
  std::array<PendingKnock, kGroup>& newer = groups_[1 - older_];
  for (std::size_t i = 0; i < newer_count_; ++i) newer[i].ahead = detector_->look_ahead(newer[i].knock);
  for (std::size_t i = 0; i < newer_count_; ++i) detector_->prefetch(newer[i].ahead);
  for (std::size_t i = 0; i < older_count_; ++i) {
    const PendingKnock& p = groups_[older_][i];
    detector_->on_knock(p.knock, p.ahead, p.time, [this](const Address& source, const DoorEvent& e) { report(source, e); });
  }
  older_ = 1 - older_;
  older_count_ = std::exchange(newer_count_, 0);
}

void Worker::apply_pending() {
  // The first round applies the older group and prefetches the newer; the second,
  // with nothing newer, applies it.
  prefetch_newer_apply_older();
  prefetch_newer_apply_older();
}

void Worker::report(const Address& source, const DoorEvent& event) {
  // A link-local source got this far because another door lets it knock.
  if (event.kind == DoorEventKind::kOpen && is_link_local(source) &&
      !ruleset_->config.doors[ruleset_->doors.origins[event.door].config_door].allow_link_local) {
    ++counters_.source_rejects[std::to_underlying(SourceReject::kLinkLocal)];
    return;
  }
  // knockd logs no wrong knocks; -v shows them.
  if (event.kind == DoorEventKind::kFail && !log_.verbose()) return;
  if (event.kind != DoorEventKind::kOpen) {
    LineBudget& budget = event.stage <= 1 ? first_knock_budget_ : later_budget_;
    if (!budget.take(now_ms_)) return;
  }
  log_.line(door_event_line(source, ruleset_->doors.doors[event.door].name, event));
  if (event.kind == DoorEventKind::kOpen && helper_) {
    if (auto sent = helper_->report_match(ruleset_->generation, static_cast<std::uint32_t>(event.door), source); !sent)
      helper_send_failed(source, ruleset_->doors.doors[event.door].name, sent.error());
  }
}

void Worker::on_spa(const Knock& knock, std::uint32_t wall_s) {
  // The clock now, not the wakeup's: a flood keeps one drain going for a long time,
  // and the budgets refill by it.
  auto grant = spa_gate_->admit(knock.src, knock.dst_port, knock.payload, wall_s, monotonic_ms());
  if (!grant) {
    ++counters_.spa_rejects[std::to_underlying(grant.error())];
    // fwknopd logs an HMAC failure without the address (its issue #374): here every
    // refusal names its source and reason, within a budget.
    if (spa_budget_.take(now_ms_))
      log_.line(str_cat(knock.src.to_string(), ": SPA packet to port ", std::to_string(knock.dst_port),
                        " refused: ", spa_reject_name(grant.error())));
    return;
  }
  ++counters_.spa_accepted;
  const std::string& door = ruleset_->config.doors[grant->door].door.name;
  log_.line(str_cat(knock.src.to_string(), ": ", door, ": SPA packet from user ", grant->user, " opens ",
                    format_open_ports(grant->ports), " for ", grant->address.to_string(), " for ",
                    std::to_string(grant->seconds), "s"));
  if (!helper_) return;
  // The gate was built with ruleset_, so the door index is its generation's.
  SpaOpenReport report{.generation = ruleset_->generation, .door = grant->door, .address = grant->address, .ports = grant->ports,
                       .seconds = grant->seconds, .digest = grant->digest, .replay_until = grant->replay_until};
  if (auto sent = helper_->report_spa_open(report); !sent) helper_send_failed(knock.src, door, sent.error());
}

void Worker::helper_send_failed(const Address& source, std::string_view door, const SysError& error) {
  // Counted always; a flood that fills the helper's socket gets a line a budget allows.
  ++counters_.helper_send_failures;
  if (helper_send_budget_.take(now_ms_))
    log_.line(str_cat("error: ", source.to_string(), ": ", door, ": not opened: ", format_sys_error(error), " (",
                      std::to_string(counters_.helper_send_failures), " not sent to the helper by this worker)"));
}

void Worker::tick() {
  detector_->expire(wall_clock(), [this](const Address& source, const DoorEvent& e) { report(source, e); });
  if (now_ms_ - last_summary_ms_ >= kSummaryIntervalMs) {
    last_summary_ms_ = now_ms_;
    const std::uint64_t held =
        first_knock_budget_.take_suppressed() + later_budget_.take_suppressed() + spa_budget_.take_suppressed();
    if (held != 0) {
      counters_.lines_suppressed += held;
      log_.line(str_cat("held back ", std::to_string(held), " knock log lines in the last ",
                        std::to_string(kSummaryIntervalMs / 1000), " s (over ",
                        std::to_string(LineBudget::kLinesPerSecond),
                        " lines/s per worker about first knocks, or as many about later stages: a "
                        "flood?); the statistics still count every knock"));
    }
    if (const std::uint64_t packets = packet_budget_ ? packet_budget_->take_suppressed() : 0; packets != 0) {
      counters_.lines_suppressed += packets;
      log_.line(str_cat("-D: held back ", std::to_string(packets), " packet lines in the last ",
                        std::to_string(kSummaryIntervalMs / 1000), " s (over ",
                        std::to_string(LineBudget::kLinesPerSecond), " lines/s per worker)"));
    }
  }
  publish();
}

void Worker::publish() {
  SnifferCounters snapshot = counters_;
  snapshot.detector = retired_detector_;
  add(snapshot.detector, detector_->counters());
  snapshot.table = retired_table_;
  add(snapshot.table, detector_->table().counters());
  snapshot.sources = detector_->table().size();
  const std::lock_guard lock(mutex_);
  published_ = snapshot;
}

bool Worker::take_mail() {
  std::uint64_t ignored;
  // Resets the eventfd so the next post wakes the poll again.
  [[maybe_unused]] const ssize_t n = read(control_.get(), &ignored, sizeof ignored);
  std::shared_ptr<const Ruleset> next;
  std::optional<std::vector<std::uint16_t>> changed;
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return false;
    next = std::move(pending_);
    changed = std::exchange(pending_changed_, std::nullopt);
  }
  if (next && changed) {
    // The detector points into the old ruleset: moved to the new one before that goes.
    detector_->rebase(next->matcher, *changed);
    ruleset_ = std::move(next);
  } else if (next) {
    start_detector(std::move(next));
  }
  return true;
}

void Worker::reload(std::shared_ptr<const Ruleset> ruleset) {
  {
    const std::lock_guard lock(mutex_);
    pending_ = std::move(ruleset);
    pending_changed_.reset();  // a reload starts afresh, even over a pending move_on
  }
  wake();
}

void Worker::move_on(std::shared_ptr<const Ruleset> ruleset, std::vector<std::uint16_t> changed) {
  {
    const std::lock_guard lock(mutex_);
    // Rebased from the rules the worker runs: a pending reload stays a fresh start, and
    // pending moves add up.
    const bool reload_pending = pending_ && !pending_changed_;
    pending_ = std::move(ruleset);
    if (!reload_pending) {
      if (!pending_changed_) pending_changed_.emplace();
      pending_changed_->insert(pending_changed_->end(), changed.begin(), changed.end());
    }
  }
  wake();
}

bool Worker::took_reload() const {
  const std::lock_guard lock(mutex_);
  return pending_ == nullptr;
}

void Worker::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake();
}

void Worker::wake() {
  const std::uint64_t one = 1;
  // Only fails if the counter would overflow, and then the worker is awake anyway.
  [[maybe_unused]] const ssize_t n = write(control_.get(), &one, sizeof one);
}

SnifferCounters Worker::counters() const {
  const std::lock_guard lock(mutex_);
  return published_;
}

}  // namespace sesame
