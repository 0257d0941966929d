// Op-stream target for TimerWheel, checked after every op against a std::map of each
// scheduled id's fire tick. Input: capacity, buckets, start tick, then ops; callbacks
// of advance() read their own action bytes from the same stream.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>

#include "core/bytes.h"
#include "core/timer_wheel.h"

namespace {

using sesame::ByteReader;
using sesame::TimerWheel;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// The wheel's documented behaviour in the plainest terms: a map from id to the tick it
// fires at, and a clock.
struct Model {
  std::uint32_t capacity;
  std::uint64_t buckets;
  std::uint64_t now;
  std::map<std::uint32_t, std::uint64_t> fire;

  std::uint64_t schedule(std::uint32_t id, std::uint64_t deadline) {
    if (id >= capacity) return 0;
    return fire[id] = std::clamp(deadline, now + 1, now + buckets - 1);
  }
  void cancel(std::uint32_t id) { fire.erase(id); }
};

// A deadline near now, in the past, or far beyond the horizon.
std::uint64_t deadline(ByteReader& in, std::uint64_t now) {
  const std::uint8_t how = in.u8();
  if (how & 0x80) return now + in.be32();
  const auto delta = static_cast<std::int8_t>(how << 1);
  return delta < 0 && std::uint64_t(-delta) > now ? 0 : now + static_cast<std::uint64_t>(std::int64_t{delta});
}

void check_all(const TimerWheel& wheel, const Model& model) {
  check(wheel.now() == model.now);
  for (std::uint32_t id = 0; id < model.capacity + 4; ++id) {
    check(wheel.scheduled(id) == model.fire.contains(id));
    check(!wheel.firing(id));
  }
}

void advance(TimerWheel& wheel, Model& model, ByteReader& in, std::uint64_t target, bool act) {
  if (target <= model.now) {
    bool called = false;
    wheel.advance(target, [&](std::uint32_t) { called = true; });
    check(!called);
    return;
  }
  // After a gap longer than a revolution, every id fires in the last revolution, at
  // the tick that shares its bucket.
  if (target - model.now > model.buckets) {
    for (auto& [id, tick] : model.fire) tick = target - (target - tick) % model.buckets;
    model.now = target - model.buckets;
  }
  wheel.advance(target, [&](std::uint32_t id) {
    const auto it = model.fire.find(id);
    check(it != model.fire.end());
    check(it->second == wheel.now() && wheel.now() <= target && wheel.now() >= model.now);
    model.now = wheel.now();
    // Everything due earlier has fired.
    for (const auto& [other, tick] : model.fire) check(tick >= model.now);
    check(wheel.firing(id));
    model.fire.erase(it);  // unscheduled when on_due returns, unless on_due moved it
    bool moved = false;  // on_due cancelled or re-scheduled id
    for (bool more = act; more && in.ok();) {
      const std::uint8_t action = in.u8();
      const auto other = static_cast<std::uint32_t>(in.u8() % (model.capacity + 2));
      switch (action % 6) {
        case 0:
          more = false;
          break;
        case 1: {
          const std::uint64_t d = deadline(in, model.now);
          check(wheel.schedule(id, d) == model.schedule(id, d));
          moved = true;
          break;
        }
        case 2:
          wheel.cancel(other);
          model.cancel(other);
          moved |= other == id;
          break;
        case 3: {
          const std::uint64_t d = deadline(in, model.now);
          check(wheel.schedule(other, d) == model.schedule(other, d));
          moved |= other == id;
          break;
        }
        case 4: {
          bool called = false;
          wheel.advance(target + 5, [&](std::uint32_t) { called = true; });
          check(!called);
          break;
        }
        case 5:
          check(wheel.firing(id) == !moved);
          break;
      }
    }
    // Until on_due returns, an id it left alone is still scheduled.
    check(wheel.scheduled(id) == (model.fire.contains(id) || !moved));
  });
  for (const auto& [id, tick] : model.fire) check(tick > target);
  model.now = target;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteReader in(std::span<const std::uint8_t>(data, size));
  const std::uint32_t capacity = in.u8() % 65;
  const std::uint32_t buckets = in.u8() % 20;
  const std::uint64_t start = in.be32();
  if (!in.ok()) return 0;
  TimerWheel wheel(capacity, buckets, start);
  check(wheel.capacity() == capacity);
  check(wheel.buckets() >= std::max(buckets, 2u) && std::has_single_bit(wheel.buckets()));
  check(wheel.horizon() == wheel.buckets() - 1);
  Model model{capacity, wheel.buckets(), start, {}};
  while (in.remaining() > 0) {
    const std::uint8_t op = in.u8();
    const auto id = static_cast<std::uint32_t>(in.u8() % (capacity + 4));  // some out of range
    switch (op % 6) {
      case 0: {
        const std::uint64_t d = deadline(in, model.now);
        check(wheel.schedule(id, d) == model.schedule(id, d));
        break;
      }
      case 1:
        wheel.cancel(id);
        model.cancel(id);
        break;
      case 2:
        advance(wheel, model, in, model.now + in.u8() % (2 * model.buckets + 2), false);
        break;
      case 3:
        advance(wheel, model, in, model.now + in.u8() % (model.buckets + 2), true);
        break;
      case 4:
        // A long idle gap, or time going back (ignored).
        advance(wheel, model, in, op & 0x80 ? model.now + in.be32() : model.now - std::min<std::uint64_t>(model.now, id), false);
        break;
      case 5: {
        // An owner moving its slot: id's tick goes to `to` if `to` is free and in range.
        const auto to = static_cast<std::uint32_t>(in.u8() % (capacity + 4));
        wheel.move(id, to);
        if (to < capacity && model.fire.contains(id) && !model.fire.contains(to)) {
          model.fire[to] = model.fire[id];
          model.fire.erase(id);
        }
        break;
      }
    }
    check_all(wheel, model);
  }
  return 0;
}
