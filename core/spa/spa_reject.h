// SpaReject: why a UDP payload sent to an SPA door is not an fwknop packet for its keys.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "core/enum_names.h"

namespace sesame {

// In the order decode_spa checks (cheapest and unauthenticated first). The sniffer keeps
// one counter per value: keep them dense from zero and append new reasons at the end.
enum class SpaReject : std::uint8_t {
  kTooShort,           // below fwknopd's MIN_SPA_DATA_SIZE (140 bytes)
  kTooLong,            // above 1500 bytes (fwknop's MAX_SPA_PACKET_LEN)
  kPrefixReplay,       // starts with "U2FsdGVkX1": a seen packet replayed with its prefix restored
  kNotBase64,          // a byte outside A-Z a-z 0-9 + /, a base64 length no encoder makes
  kHmacMismatch,       // the HMAC trailer is not the door's HMAC of the rest
  kBadCiphertext,      // not "Salted__", salt and whole AES blocks
  kDecryptFailed,      // bad PKCS#7 padding, or no 16 digits and ':' first: the wrong key
  kBadPlaintext,       // plaintext length out of bounds, or a byte that is not printable ASCII
  kBadFieldCount,      // fewer or more ':' fields than the message type has
  kBadDigestLength,    // the last field's length is no digest's base64 length
  kDigestMismatch,     // the digest is not the hash of the fields before it
  kBadRandom,          // the first field is not 16 digits
  kBadUser,            // empty, over 64 bytes, not base64, or a character fwknop forbids
  kBadTimestamp,       // empty, over 12 digits, or not digits
  kBadVersion,         // empty or over 8 bytes
  kBadMessageType,     // not a number 0 to 6
  kBadMessage,         // not "IPv4,proto/port[,proto/port...]" (or "IPv4,command" for type 0)
  kBadNatAccess,       // not "host,port"
  kBadServerAuth,      // not base64
  kBadClientTimeout,   // not digits, or above 65536
  // The sniffer's checks (SpaGate), after or around decoding:
  kSourceNotAllowed,   // no SPA door on this port takes packets from this source
  kOverBudget,         // the source's or the worker's crypto budget is spent: a flood?
  kReplay,             // this exact payload was accepted before
  kStale,              // the timestamp is further from the server's clock than max_age
  kExpired,            // the door's expires date has passed
  kRefusedMessageType, // a command or NAT message: sesame grants access messages only
  kUserNotAllowed,     // not the door's require_user
  kSourceAddressRequired,  // 0.0.0.0 to a door with require_source_address
  kPortNotAllowed,     // a port the door does not list
  kReplayCacheFull,    // every replay slot holds a packet still inside its age window
};

// Follows the last value: move it along when appending.
inline constexpr std::size_t kSpaRejectCount = std::to_underlying(SpaReject::kReplayCacheFull) + 1;

// The one list of names, as counters, logs and `sesame decode-spa` print them.
inline constexpr std::array<EnumName<SpaReject>, kSpaRejectCount> kSpaRejectNames{{
    {SpaReject::kTooShort, "too_short"},
    {SpaReject::kTooLong, "too_long"},
    {SpaReject::kPrefixReplay, "prefix_replay"},
    {SpaReject::kNotBase64, "not_base64"},
    {SpaReject::kHmacMismatch, "hmac_mismatch"},
    {SpaReject::kBadCiphertext, "bad_ciphertext"},
    {SpaReject::kDecryptFailed, "decrypt_failed"},
    {SpaReject::kBadPlaintext, "bad_plaintext"},
    {SpaReject::kBadFieldCount, "bad_field_count"},
    {SpaReject::kBadDigestLength, "bad_digest_length"},
    {SpaReject::kDigestMismatch, "digest_mismatch"},
    {SpaReject::kBadRandom, "bad_random"},
    {SpaReject::kBadUser, "bad_user"},
    {SpaReject::kBadTimestamp, "bad_timestamp"},
    {SpaReject::kBadVersion, "bad_version"},
    {SpaReject::kBadMessageType, "bad_message_type"},
    {SpaReject::kBadMessage, "bad_message"},
    {SpaReject::kBadNatAccess, "bad_nat_access"},
    {SpaReject::kBadServerAuth, "bad_server_auth"},
    {SpaReject::kBadClientTimeout, "bad_client_timeout"},
    {SpaReject::kSourceNotAllowed, "source_not_allowed"},
    {SpaReject::kOverBudget, "over_budget"},
    {SpaReject::kReplay, "replay"},
    {SpaReject::kStale, "stale"},
    {SpaReject::kExpired, "expired"},
    {SpaReject::kRefusedMessageType, "refused_message_type"},
    {SpaReject::kUserNotAllowed, "user_not_allowed"},
    {SpaReject::kSourceAddressRequired, "source_address_required"},
    {SpaReject::kPortNotAllowed, "port_not_allowed"},
    {SpaReject::kReplayCacheFull, "replay_cache_full"},
}};

static_assert(names_in_value_order(kSpaRejectNames),
    "kSpaRejectNames must name every SpaReject value, in value order, so spa_reject_name can index it");

constexpr std::string_view spa_reject_name(SpaReject r) {
  return enum_name(kSpaRejectNames, r);
}

}  // namespace sesame
