// Source checks: fixed ranges first (no table), then the host's own prefixes.
#include "core/source_check.h"

#include <algorithm>

namespace sesame {
namespace {

std::uint32_t v4_value(const Address& a) {
  const auto& b = a.bytes();
  return std::uint32_t{b[12]} << 24 | std::uint32_t{b[13]} << 16 | std::uint32_t{b[14]} << 8 | b[15];
}

bool all_zero(const Address& a, std::size_t up_to) {
  return std::all_of(a.bytes().begin(), a.bytes().begin() + up_to, [](std::uint8_t b) { return b == 0; });
}

std::optional<SourceReject> check_v4(std::uint32_t v, bool allow_link_local) {
  if (v >> 24 == 0) return SourceReject::kUnspecified;  // "this network"
  if (v >> 24 == 127) return SourceReject::kLoopback;
  if (v == 0xffffffffu) return SourceReject::kLimitedBroadcast;
  if (v >> 28 == 0xe) return SourceReject::kMulticast;
  if (v >> 16 == 0xa9fe && !allow_link_local) return SourceReject::kLinkLocal;
  return std::nullopt;
}

std::optional<SourceReject> check_v6(const Address& a, bool allow_link_local) {
  const auto& b = a.bytes();
  if (all_zero(a, 16)) return SourceReject::kUnspecified;
  if (all_zero(a, 15) && b[15] == 1) return SourceReject::kLoopback;
  if (b[0] == 0xff) return SourceReject::kMulticast;
  if (is_link_local(a) && !allow_link_local) return SourceReject::kLinkLocal;
  return std::nullopt;
}

// The directed broadcast of an IPv4 prefix: all host bits set. /31 and /32 have none
// (RFC 3021: both addresses of a /31 are hosts).
bool is_directed_broadcast(std::uint32_t v, const LocalPrefix& p) {
  if (!p.address.is_v4() || p.length > 30) return false;
  const std::uint32_t host_mask = p.length == 0 ? ~0u : (~0u >> p.length);
  return (v & ~host_mask) == (v4_value(p.address) & ~host_mask) && (v & host_mask) == host_mask;
}

}  // namespace

bool is_link_local(const Address& a) {
  const auto& b = a.bytes();
  if (a.is_v4()) return b[12] == 169 && b[13] == 254;
  return b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

std::optional<SourceReject> check_source(const Address& source, std::span<const LocalPrefix> host,
                                         bool allow_link_local) {
  const bool v4 = source.is_v4();
  if (auto fixed = v4 ? check_v4(v4_value(source), allow_link_local) : check_v6(source, allow_link_local))
    return fixed;
  for (const LocalPrefix& p : host) {
    if (p.address == source) return SourceReject::kOwnAddress;
    if (v4 && is_directed_broadcast(v4_value(source), p)) return SourceReject::kDirectedBroadcast;
  }
  return std::nullopt;
}

}  // namespace sesame
