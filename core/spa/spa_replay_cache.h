// SpaReplayCache: the digests of accepted SPA payloads, each kept until its packet has
// aged out of the door's window, in bounded memory. The sniffer keeps one per worker;
// the helper keeps one in its state directory across restarts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "core/spa/spa_crypto.h"

namespace sesame {

// More accepted packets than this inside one age window (120 s by default) would be
// over 500 opens a second: no real door sees that.
inline constexpr std::size_t kSpaReplayCapacity = 65536;

class SpaReplayCache {
 public:
  explicit SpaReplayCache(std::size_t capacity = kSpaReplayCapacity) : capacity_(capacity) {}

  // Whether `digest` was inserted and has not expired by now_s (Unix seconds).
  bool contains(const SpaPayloadDigest& digest, std::int64_t now_s) const;
  // Remembers `digest` until `until_s`. Expired entries make room when the cache is
  // full; false if it is full of unexpired ones (the packet must then be refused).
  bool insert(const SpaPayloadDigest& digest, std::int64_t until_s, std::int64_t now_s);
  // Drops every entry expired by now_s.
  void prune(std::int64_t now_s);

  // Digest and expiry, for the helper's file.
  const std::map<SpaPayloadDigest, std::int64_t>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }

 private:
  std::size_t capacity_;
  std::map<SpaPayloadDigest, std::int64_t> entries_;
};

}  // namespace sesame
