// SpaMessage: the fields of one decrypted fwknop packet (protocol 3.0.0).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/enum_names.h"
#include "core/knock.h"
#include "core/spa/spa_digest.h"

namespace sesame {

// fwknop's fko_message_type_t, whose numbers are on the wire.
enum class SpaMessageType : std::uint8_t {
  kCommand,
  kAccess,
  kNatAccess,
  kClientTimeoutAccess,
  kClientTimeoutNatAccess,
  kLocalNatAccess,
  kClientTimeoutLocalNatAccess,
};

inline constexpr std::array<EnumName<SpaMessageType>, 7> kSpaMessageTypeNames{{
    {SpaMessageType::kCommand, "command"},
    {SpaMessageType::kAccess, "access"},
    {SpaMessageType::kNatAccess, "nat_access"},
    {SpaMessageType::kClientTimeoutAccess, "client_timeout_access"},
    {SpaMessageType::kClientTimeoutNatAccess, "client_timeout_nat_access"},
    {SpaMessageType::kLocalNatAccess, "local_nat_access"},
    {SpaMessageType::kClientTimeoutLocalNatAccess, "client_timeout_local_nat_access"},
}};
static_assert(names_in_value_order(kSpaMessageTypeNames),
    "kSpaMessageTypeNames must name every SpaMessageType value, in value order");

constexpr bool has_nat_access(SpaMessageType t) {
  return t == SpaMessageType::kNatAccess || t == SpaMessageType::kClientTimeoutNatAccess ||
         t == SpaMessageType::kLocalNatAccess || t == SpaMessageType::kClientTimeoutLocalNatAccess;
}
constexpr bool has_client_timeout(SpaMessageType t) {
  return t == SpaMessageType::kClientTimeoutAccess || t == SpaMessageType::kClientTimeoutNatAccess ||
         t == SpaMessageType::kClientTimeoutLocalNatAccess;
}

// One "proto/port" of an access message.
struct SpaPort {
  Protocol protocol = Protocol::kTcp;
  std::uint16_t port = 0;
  friend bool operator==(const SpaPort&, const SpaPort&) = default;
};

// An access message names at most this many ports; fwknop's 256-byte message bound
// allows about 30, no client sends more than a few.
inline constexpr std::size_t kMaxSpaPorts = 16;

struct SpaMessage {
  std::string rand;       // 16 decimal digits
  std::string user;       // decoded from base64
  std::uint64_t timestamp = 0;  // the client's clock, seconds since the epoch
  std::string version;    // "3.0.0"
  SpaMessageType type = SpaMessageType::kAccess;
  std::string message;    // decoded: "198.18.0.2,tcp/22"
  std::optional<std::string> nat_access;    // decoded "host,port", NAT types only
  std::optional<std::string> server_auth;   // decoded, when the client sent one
  std::optional<std::uint32_t> client_timeout;  // seconds, client-timeout types only
  SpaDigest digest = SpaDigest::kSha256;    // inferred from the digest's length
  // From `message`: the address to open for (0.0.0.0 asks for the packet's source)
  // and, except for command messages, the ports asked for.
  Address allow;
  std::vector<SpaPort> ports;
};

}  // namespace sesame
