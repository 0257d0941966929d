// Op-stream target for FairQueue, checked after every op against a std::map of each
// source's pending value and each prefix's arrivals: the bound, one request per source,
// every request served or dropped exactly once, the lightest prefix served first.
// Input: max_pending, prefix lengths, then ops (push source value, or pop).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>

#include "core/bytes.h"
#include "core/fair_queue.h"

namespace {

using sesame::Address;
using sesame::ByteReader;
using sesame::FairQueue;
using sesame::QueueDrop;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// A few IPv4 /24s and IPv6 /56s, so that prefixes fill and collide.
Address source(std::uint8_t b) {
  if (b & 0x80) {
    std::array<std::uint8_t, 16> v6{0x20, 0x01, 0x00, 0x02};
    v6[6] = b & 0x03;
    v6[7] = (b >> 2) & 0x01;
    v6[15] = (b >> 3) & 0x03;
    return Address::v6(v6);
  }
  return Address::v4(0xc6130000u | std::uint32_t((b >> 3) & 0x03) << 8 | (b & 0x07));
}

struct Model {
  std::map<Address, std::uint16_t> pending;
  std::map<Address, std::uint64_t> arrivals;  // per prefix with a request pending

  std::size_t in_prefix(const FairQueue<std::uint16_t>& q, const Address& prefix) const {
    return std::ranges::count_if(pending, [&](const auto& e) { return q.prefix_of(e.first) == prefix; });
  }
  void forget_if_empty(const FairQueue<std::uint16_t>& q, const Address& prefix) {
    if (in_prefix(q, prefix) == 0) arrivals.erase(prefix);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteReader in(std::span<const std::uint8_t>(data, size));
  const std::size_t max_pending = in.u8() % 24;
  const auto v4 = static_cast<std::uint8_t>(in.u8() % 33);
  const auto v6 = static_cast<std::uint8_t>(in.u8() % 129);
  if (!in.ok()) return 0;
  FairQueue<std::uint16_t> q({.max_pending = max_pending, .ipv4_prefix_length = v4, .ipv6_prefix_length = v6});
  Model model;
  while (in.remaining() > 0) {
    const std::uint8_t op = in.u8();
    if (op & 1) {
      const Address a = source(in.u8());
      const std::uint16_t value = in.be16();
      if (!in.ok()) break;
      const Address prefix = q.prefix_of(a);
      const bool had_prefix = model.arrivals.contains(prefix);
      const auto dropped = q.push(a, value);
      if (model.pending.contains(a)) {
        check(dropped && dropped->why == QueueDrop::kReplaced && dropped->source == a);
        model.pending[a] = value;
        ++model.arrivals[prefix];
      } else if (model.pending.size() >= max_pending) {
        check(dropped.has_value());
        if (dropped->why == QueueDrop::kFull) {
          // Only a prefix that has the most pending is refused (or any, when nothing fits).
          check(dropped->source == a && (had_prefix || max_pending == 0));
          if (had_prefix) ++model.arrivals[prefix];
        } else {
          // The victim's prefix had more pending than the newcomer's.
          check(dropped->why == QueueDrop::kPushedOut && model.pending.contains(dropped->source));
          const Address victim = q.prefix_of(dropped->source);
          check(victim != prefix && model.in_prefix(q, victim) > model.in_prefix(q, prefix));
          model.pending.erase(dropped->source);
          model.forget_if_empty(q, victim);
          model.pending[a] = value;
          model.arrivals[prefix] = had_prefix ? model.arrivals[prefix] + 1 : 1;
        }
      } else {
        check(!dropped);
        model.pending[a] = value;
        model.arrivals[prefix] = had_prefix ? model.arrivals[prefix] + 1 : 1;
      }
    } else {
      const auto served = q.pop();
      check(served.has_value() == !model.pending.empty());
      if (served) {
        const auto it = model.pending.find(served->first);
        check(it != model.pending.end() && it->second == served->second);
        const Address prefix = q.prefix_of(served->first);
        // No prefix with a request pending has sent fewer.
        for (const auto& [other, count] : model.arrivals) check(count >= model.arrivals.at(prefix));
        model.pending.erase(it);
        model.forget_if_empty(q, prefix);
      }
    }
    check(q.size() == model.pending.size() && q.size() <= max_pending);
    check(q.prefixes() == model.arrivals.size());
  }
  return 0;
}
