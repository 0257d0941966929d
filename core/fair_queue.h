// FairQueue: the helper's pending requests, at most one per source address, served in
// turn between source prefixes (/24 for IPv4, /56 for IPv6), so that a flood from many
// addresses in other prefixes cannot starve one knocker's prefix.
//
// The lightest prefix goes first: the one that sent the fewest requests since it last
// had none pending (every push counts, kept or not); prefixes that sent as many are
// served in turn, one request each. A knocker's prefix has sent one; a flood's
// prefixes, spoofing from each many times a second, have sent more, whether they are
// backlogged together or walked through one after another. (Round-robin or fq_codel's
// new-flows-first lose here: a flood that walks through fresh /24s makes a new flow
// every quarter second, more than ufw serves.)
// The size is bounded: when full, a newcomer pushes out the oldest request of the
// prefix with the most pending (fq_codel's drop from the fattest flow), or is dropped
// itself if its own prefix is that one. Each drop is counted by reason.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/address.h"
#include "core/address_prefix.h"
#include "core/enum_names.h"

namespace sesame {

struct FairQueueLimits {
  std::size_t max_pending = 4096;  // requests, all prefixes together
  std::uint8_t ipv4_prefix_length = 24;
  std::uint8_t ipv6_prefix_length = 56;
};

// What became of a pushed request, or of one it displaced.
enum class QueueDrop : std::uint8_t {
  kReplaced,   // the source's earlier pending request, superseded by its newer one
  kPushedOut,  // the oldest of the fullest prefix's requests, for a newcomer elsewhere
  kFull,       // the newcomer itself: the queue is full and its prefix has the most
};

inline constexpr std::array<EnumName<QueueDrop>, 3> kQueueDropNames{{
    {QueueDrop::kReplaced, "replaced by the same address's newer request"},
    {QueueDrop::kPushedOut, "pushed out of the busiest prefix"},
    {QueueDrop::kFull, "queue full"},
}};
static_assert(names_in_value_order(kQueueDropNames), "kQueueDropNames must list every QueueDrop in value order");
constexpr std::string_view queue_drop_name(QueueDrop d) { return enum_name(kQueueDropNames, d); }

template <class T>
class FairQueue {
 public:
  struct Dropped {
    QueueDrop why;
    Address source;
  };

  explicit FairQueue(FairQueueLimits limits = {}) : limits_(limits) {}

  // Queues `request` from `source`; returns what was dropped for it, if anything (the
  // request itself when why is kFull).
  std::optional<Dropped> push(const Address& source, T request) {
    const Address prefix = prefix_of(source);
    if (auto own = prefixes_.find(prefix); own != prefixes_.end()) {
      reorder(own, [](Prefix& p) { ++p.arrivals; });
      if (auto it = pending_.find(source); it != pending_.end()) {
        it->second = std::move(request);  // keeps its place in its prefix's turn
        return Dropped{QueueDrop::kReplaced, source};
      }
    }
    std::optional<Dropped> dropped;
    if (pending_.size() >= limits_.max_pending) {
      if (limits_.max_pending == 0) return Dropped{QueueDrop::kFull, source};
      const auto& [fullest_size, fullest] = *by_size_.rbegin();
      auto own = prefixes_.find(prefix);
      if (own != prefixes_.end() && own->second.sources.size() >= fullest_size)
        return Dropped{QueueDrop::kFull, source};
      dropped = Dropped{QueueDrop::kPushedOut, take_oldest(Address(fullest)).first};
    }
    pending_.emplace(source, std::move(request));
    auto [it, fresh] = prefixes_.try_emplace(prefix);
    if (fresh) {
      it->second = Prefix{.sources = {}, .arrivals = 1, .turn = ++turns_};
      order_.insert(order_key(it));
    } else {
      by_size_.erase({it->second.sources.size(), prefix});
    }
    it->second.sources.push_back(source);
    by_size_.insert({it->second.sources.size(), prefix});
    return dropped;
  }

  // The next request to serve and its source, from the lightest prefix (see above);
  // nullopt when nothing is pending.
  std::optional<std::pair<Address, T>> pop() {
    if (order_.empty()) return std::nullopt;
    const Address prefix = std::get<2>(*order_.begin());
    auto served = take_oldest(prefix);
    // Its next request waits for the others that sent as many.
    if (auto it = prefixes_.find(prefix); it != prefixes_.end()) reorder(it, [&](Prefix& p) { p.turn = ++turns_; });
    return served;
  }

  std::size_t size() const { return pending_.size(); }
  bool empty() const { return pending_.empty(); }
  // Prefixes with a request pending.
  std::size_t prefixes() const { return prefixes_.size(); }
  Address prefix_of(const Address& source) const {
    return network_of(source, source.is_v4() ? limits_.ipv4_prefix_length : limits_.ipv6_prefix_length);
  }

 private:
  struct Prefix {
    std::deque<Address> sources;  // in arrival order
    std::uint64_t arrivals = 0;   // pushes since it last had nothing pending
    std::uint64_t turn = 0;       // when it last joined the turn (created or served)
  };
  using Prefixes = std::map<Address, Prefix>;
  using OrderKey = std::tuple<std::uint64_t, std::uint64_t, Address>;  // arrivals, turn, prefix

  static OrderKey order_key(typename Prefixes::iterator it) {
    return {it->second.arrivals, it->second.turn, it->first};
  }
  template <class Change>
  void reorder(typename Prefixes::iterator it, Change change) {
    order_.erase(order_key(it));
    change(it->second);
    order_.insert(order_key(it));
  }

  // Removes the oldest request of `prefix` (which has one); a prefix left empty is
  // forgotten, its arrivals with it.
  std::pair<Address, T> take_oldest(const Address& prefix) {
    auto it = prefixes_.find(prefix);
    by_size_.erase({it->second.sources.size(), prefix});
    const Address source = it->second.sources.front();
    it->second.sources.pop_front();
    if (it->second.sources.empty()) {
      order_.erase(order_key(it));
      prefixes_.erase(it);
    } else {
      by_size_.insert({it->second.sources.size(), prefix});
    }
    auto request = pending_.extract(source);
    return {source, std::move(request.mapped())};
  }

  FairQueueLimits limits_;
  std::map<Address, T> pending_;                       // one per source
  Prefixes prefixes_;                                  // those with a request pending
  std::set<std::pair<std::size_t, Address>> by_size_;  // (pending, prefix): the fullest last
  std::set<OrderKey> order_;                           // the next to serve first
  std::uint64_t turns_ = 0;
};

}  // namespace sesame
