// decode_spa: one UDP payload sent to an SPA door to the fwknop message it carries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>

#include "core/spa/spa_keys.h"
#include "core/spa/spa_message.h"
#include "core/spa/spa_reject.h"

namespace sesame {

// fwknopd's MIN_SPA_DATA_SIZE and MAX_SPA_PACKET_LEN.
inline constexpr std::size_t kMinSpaPayload = 140;
inline constexpr std::size_t kMaxSpaPayload = 1500;

// The checks that need no key: length, the "U2FsdGVkX1" prefix absent, every byte in
// the base64 alphabet. Nullopt when the payload passes them.
std::optional<SpaReject> spa_framing_reject(std::span<const std::uint8_t> payload);

// Checks in the order that costs an attacker's packet least: length, the stripped
// "U2FsdGVkX1" prefix absent (its presence marks a replay), base64, the HMAC in constant
// time (before any decryption), then decryption and the plaintext
// (parse_spa_plaintext). Returns the first failure. No age, replay or policy check.
// Precondition: spa_keys_error(keys) is nullopt. Allocates only once the HMAC has passed.
std::expected<SpaMessage, SpaReject> decode_spa(std::span<const std::uint8_t> payload,
                                                const SpaKeys& keys);

}  // namespace sesame
