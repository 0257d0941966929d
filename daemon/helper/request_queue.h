// RequestQueue: the sniffer's matches and SPA opens waiting for the firewall, one per
// address, served fairly between prefixes (core/fair_queue.h). The helper drains its
// socket into it every round, so a slow firewall command never fills the socket and
// fails the sniffer's sends; what the queue itself cannot keep is counted by reason and
// logged (rate-limited, with a count), never dropped silently.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/fair_queue.h"
#include "core/spa_open_message.h"
#include "daemon/helper/counted_lines.h"
#include "daemon/sys/log.h"

namespace sesame {

struct QueuedRequest {
  std::array<std::uint8_t, kIpcMaxRequestSize> bytes{};
  std::size_t size = 0;
  std::span<const std::uint8_t> message() const { return {bytes.data(), size}; }
};

class RequestQueue {
 public:
  RequestQueue(const Log& log, FairQueueLimits limits = {}) : queue_(limits), drop_lines_(log, "requests dropped") {}

  // Queues a match or an SPA open that decodes, keyed by the address it opens for;
  // false for anything else (a reload, a confirmation, a malformed message), which the
  // caller dispatches at once, in order.
  bool push(std::span<const std::uint8_t> message, std::uint64_t now_ms);
  // The next request to serve, nullopt when none waits.
  std::optional<QueuedRequest> pop();
  bool empty() const { return queue_.empty(); }
  std::size_t size() const { return queue_.size(); }
  std::uint64_t dropped(QueueDrop why) const { return drops_[static_cast<std::size_t>(why)]; }
  // "queue 3 pending in 2 prefixes, 5 served, dropped: queue full 1 ..." (reasons
  // that never happened left out).
  std::string statistics() const;

 private:
  FairQueue<QueuedRequest> queue_;
  std::array<std::uint64_t, kQueueDropNames.size()> drops_{};
  std::uint64_t served_ = 0;
  CountedLines drop_lines_;
};

}  // namespace sesame
