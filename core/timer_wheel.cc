// TimerWheel: construction, schedule and cancel.
#include "core/timer_wheel.h"

#include <algorithm>
#include <bit>
#include <new>

namespace sesame {

TimerWheel::TimerWheel(std::uint32_t capacity, std::uint32_t buckets, std::uint64_t now_tick)
    : buckets_(std::bit_ceil(std::clamp(buckets, 2u, kMaxBuckets))), now_(now_tick) {
  capacity_ = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(capacity, (std::uint64_t{1} << 32) - buckets_));
  // calloc rather than a vector: zero is "not scheduled", and the kernel hands out
  // zero pages lazily, so ids the owner never uses cost no resident memory.
  links_.reset(static_cast<Link*>(std::calloc(std::size_t{capacity_} + buckets_, sizeof(Link))));
  if (!links_) throw std::bad_alloc();
  for (std::uint32_t b = 0; b < buckets_; ++b) links_[capacity_ + b] = Link{capacity_ + b, capacity_ + b};
}

std::uint64_t TimerWheel::schedule(std::uint32_t id, std::uint64_t deadline_tick) {
  if (id >= capacity_) return 0;
  const std::uint64_t fire = std::clamp(deadline_tick, now_ + 1, now_ + horizon());
  if (scheduled(id)) unlink(id);
  const std::uint32_t head = bucket_of(fire);
  const std::uint32_t first = links_[head].next;
  links_[id] = Link{first, head};
  links_[first].prev = id;
  links_[head].next = id;
  return fire;
}

void TimerWheel::cancel(std::uint32_t id) {
  if (scheduled(id)) unlink(id);
}

void TimerWheel::move(std::uint32_t from, std::uint32_t to) {
  if (advancing_ || to >= capacity_ || !scheduled(from) || scheduled(to)) return;
  const Link l = links_[from];
  links_[to] = l;
  links_[l.prev].next = to;
  links_[l.next].prev = to;
  links_[from] = Link{0, 0};
}

}  // namespace sesame
