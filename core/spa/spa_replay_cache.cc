// An ordered map: lookups are O(log n) at n <= 65536, and pruning runs only when full
// or when the helper saves.
#include "core/spa/spa_replay_cache.h"

namespace sesame {

bool SpaReplayCache::contains(const SpaPayloadDigest& digest, std::int64_t now_s) const {
  const auto it = entries_.find(digest);
  return it != entries_.end() && it->second > now_s;
}

bool SpaReplayCache::insert(const SpaPayloadDigest& digest, std::int64_t until_s, std::int64_t now_s) {
  if (entries_.size() >= capacity_ && !entries_.contains(digest)) prune(now_s);
  if (entries_.size() >= capacity_ && !entries_.contains(digest)) return false;
  std::int64_t& until = entries_[digest];
  until = std::max(until, until_s);
  return true;
}

void SpaReplayCache::prune(std::int64_t now_s) {
  std::erase_if(entries_, [&](const auto& e) { return e.second <= now_s; });
}

}  // namespace sesame
