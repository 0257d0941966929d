// OpenLimiter: how often the helper may change the firewall for new grants. Each open
// runs ufw (a Python process, ~0.2 s) or nft; a flood of completed knocks from spoofed
// sources must not turn into a flood of firewall changes, nor one source hold the
// helper busy. Token buckets: one for all sources, one per source address.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>
#include <utility>

#include "core/address.h"
#include "core/token_bucket.h"
#include "core/enum_names.h"

namespace sesame {

struct OpenLimits {
  std::uint32_t global_burst = 20;
  std::uint64_t global_interval_ms = 100;  // 10 opens a second after the burst
  std::uint32_t source_burst = 4;
  std::uint64_t source_interval_ms = 15'000;  // 4 a minute after the burst
  // An IPv6 "source" is its /64 (the prefix one host is commonly given): per /128, one
  // host could open without limit.
  std::uint8_t ipv6_prefix_length = 64;
  // Sources remembered at once; beyond it, sources whose bucket is full again are
  // forgotten, and if none is, the new source is refused (memory stays bounded).
  std::size_t max_sources = 8192;
};

enum class OpenVerdict : std::uint8_t { kAllowed, kSourceLimited, kGlobalLimited, kTooManySources };

// As the helper's log says why it refused.
inline constexpr std::array<EnumName<OpenVerdict>, 4> kOpenVerdictNames{{
    {OpenVerdict::kAllowed, "allowed"},
    {OpenVerdict::kSourceLimited, "too many opens from this address"},
    {OpenVerdict::kGlobalLimited, "too many opens from all addresses"},
    {OpenVerdict::kTooManySources, "too many addresses opening at once"},
}};

static_assert(names_in_value_order(kOpenVerdictNames),
              "kOpenVerdictNames must list every OpenVerdict in value order");

constexpr std::string_view open_verdict_name(OpenVerdict v) { return enum_name(kOpenVerdictNames, v); }

class OpenLimiter {
 public:
  explicit OpenLimiter(OpenLimits limits = {}) : limits_(limits), global_(limits.global_burst, limits.global_interval_ms) {}

  // Whether `source` may have a new grant opened at now_ms; an allowed open uses a
  // token from both buckets, a refused one from neither. IPv6 sources share the
  // bucket of their ipv6_prefix_length prefix.
  OpenVerdict admit(const Address& source, std::uint64_t now_ms);
  std::size_t sources() const { return sources_.size(); }
  // Milliseconds until the bucket for all sources has a token (0: it has one now).
  std::uint64_t global_wait(std::uint64_t now_ms) const { return global_.wait(now_ms); }

 private:
  void forget_full(std::uint64_t now_ms);
  // The key of source's bucket: itself for IPv4, its prefix for IPv6.
  Address bucket_key(const Address& source) const;

  OpenLimits limits_;
  TokenBucket global_;
  std::map<Address, TokenBucket> sources_;
};

}  // namespace sesame
