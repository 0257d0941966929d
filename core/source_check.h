// check_source: whether a knock's source address can be a knocker at all. A packet
// from an unspecified, loopback, multicast or broadcast address, or from one of the
// host's own addresses, was forged (or is the host talking to itself): no reply can
// reach it, and a grant for it only spends the grant and rate budgets (and with the
// exec backend reaches the admin's script).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "core/address.h"
#include "core/enum_names.h"

namespace sesame {

// The sniffer keeps one counter per value, indexed by the value: keep them dense from
// zero and append new reasons at the end.
enum class SourceReject : std::uint8_t {
  kUnspecified,        // 0.0.0.0/8, ::
  kLoopback,           // 127.0.0.0/8, ::1
  kMulticast,          // 224.0.0.0/4, ff00::/8
  kLimitedBroadcast,   // 255.255.255.255
  kDirectedBroadcast,  // all host bits set in one of the host's IPv4 prefixes
  kOwnAddress,         // an address the host holds
  kLinkLocal,          // 169.254.0.0/16, fe80::/10, unless the door opts in
};

inline constexpr std::size_t kSourceRejectCount = std::to_underlying(SourceReject::kLinkLocal) + 1;

inline constexpr std::array<EnumName<SourceReject>, kSourceRejectCount> kSourceRejectNames{{
    {SourceReject::kUnspecified, "unspecified"},
    {SourceReject::kLoopback, "loopback"},
    {SourceReject::kMulticast, "multicast"},
    {SourceReject::kLimitedBroadcast, "limited_broadcast"},
    {SourceReject::kDirectedBroadcast, "directed_broadcast"},
    {SourceReject::kOwnAddress, "own_address"},
    {SourceReject::kLinkLocal, "link_local"},
}};

static_assert(names_in_value_order(kSourceRejectNames),
              "kSourceRejectNames must name every SourceReject value, in value order");

constexpr std::string_view source_reject_name(SourceReject r) { return enum_name(kSourceRejectNames, r); }

// One address the host holds and the length of its prefix (bits of its own family:
// 0-32 for IPv4, 0-128 for IPv6).
struct LocalPrefix {
  Address address;
  std::uint8_t length = 0;
  friend bool operator==(const LocalPrefix&, const LocalPrefix&) = default;
};

bool is_link_local(const Address& a);

// Why `source` cannot be a knocker, given every address and prefix the host holds;
// nullopt if it can. Link-local sources pass only with `allow_link_local`.
std::optional<SourceReject> check_source(const Address& source, std::span<const LocalPrefix> host,
                                         bool allow_link_local);

}  // namespace sesame
