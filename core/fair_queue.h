// FairQueue: the helper's pending requests, at most one per source address, served in
// turn between source prefixes (/24 for IPv4, /56 for IPv6), so that a flood from many
// addresses in other prefixes cannot starve one knocker's prefix.
//
// Served as fq_codel serves flows: a prefix with nothing pending that gets a request is
// "new" and is served before the backlogged ("old") prefixes, one request, then joins
// the old ones' round. A flood keeps its own prefixes backlogged, so a knocker whose
// prefix is quiet waits for one request, not for a round through the flood's prefixes.
// Unlike fq_codel, the newest new prefix goes first: a flood that starts from 256
// prefixes at once makes them all new, and with ufw (a second a call on a busy host)
// a knocker behind them would wait minutes.
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
    if (auto it = pending_.find(source); it != pending_.end()) {
      it->second = std::move(request);  // keeps its place in its prefix's turn
      return Dropped{QueueDrop::kReplaced, source};
    }
    const Address prefix = prefix_of(source);
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
    if (fresh) new_.push_front(prefix);
    else by_size_.erase({it->second.sources.size(), prefix});
    it->second.sources.push_back(source);
    by_size_.insert({it->second.sources.size(), prefix});
    return dropped;
  }

  // The next request to serve and its source: new prefixes first, then the old ones in
  // turn; nullopt when nothing is pending.
  std::optional<std::pair<Address, T>> pop() {
    std::deque<Address>& turn = new_.empty() ? old_ : new_;
    if (turn.empty()) return std::nullopt;
    const Address prefix = turn.front();
    turn.pop_front();
    auto served = take_oldest(prefix);
    if (prefixes_.contains(prefix)) old_.push_back(prefix);
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
  };

  // Removes the oldest request of `prefix` (which has one); a prefix left empty is
  // forgotten, and leaves the turn lists.
  std::pair<Address, T> take_oldest(const Address& prefix) {
    auto it = prefixes_.find(prefix);
    by_size_.erase({it->second.sources.size(), prefix});
    const Address source = it->second.sources.front();
    it->second.sources.pop_front();
    if (it->second.sources.empty()) {
      prefixes_.erase(it);
      std::erase(new_, prefix);
      std::erase(old_, prefix);
    } else {
      by_size_.insert({it->second.sources.size(), prefix});
    }
    auto request = pending_.extract(source);
    return {source, std::move(request.mapped())};
  }

  FairQueueLimits limits_;
  std::map<Address, T> pending_;                       // one per source
  std::map<Address, Prefix> prefixes_;                 // those with a request pending
  std::set<std::pair<std::size_t, Address>> by_size_;  // (pending, prefix): the fullest last
  std::deque<Address> new_;                            // prefixes not served since they had nothing pending, newest first
  std::deque<Address> old_;                            // backlogged prefixes, in turn
};

}  // namespace sesame
