// The libcrypto calls behind fwknop's packet: HMAC, message digest, and the decryption of
// OpenSSL's "Salted__" format. No cryptography is done here by hand.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/spa/spa_digest.h"

namespace sesame {

// fwknop's RIJNDAEL_MAX_KEYSIZE: its longest passphrase; and MAX_DIGEST_BLOCK_LEN, its
// longest HMAC key.
inline constexpr std::size_t kMaxSpaKeySize = 32;
inline constexpr std::size_t kMaxSpaHmacKeySize = 128;
// fwknop's RIJNDAEL_MIN_KEYSIZE: legacy-IV mode pads shorter passphrases with '0' to it.
inline constexpr std::size_t kSpaLegacyKeySize = 16;

// The base64 text (no '=') of HMAC(digest, key, data), written to the front of `out`;
// its size, or nullopt if libcrypto fails or `out` is too small.
std::optional<std::size_t> spa_hmac_base64(SpaDigest digest, std::span<const std::uint8_t> key,
                                           std::string_view data, std::span<char> out);

// The base64 text (no '=') of the hash of `data`; as spa_hmac_base64.
std::optional<std::size_t> spa_digest_base64(SpaDigest digest, std::string_view data,
                                             std::span<char> out);

// SHA-256 of a whole wire payload: the replay cache's key.
using SpaPayloadDigest = std::array<std::uint8_t, 32>;
SpaPayloadDigest spa_payload_digest(std::span<const std::uint8_t> payload);

// Decrypts `salted` ("Salted__", an 8-byte salt, AES-256-CBC blocks) with the key and IV
// EVP_BytesToKey derives from `passphrase` and the salt (MD5, one round), as fwknop and
// `openssl enc` do; `legacy_iv` pads a passphrase under 16 bytes with '0' first
// (fwknop's ENCRYPTION_MODE legacy). Writes the plaintext to the front of `out` and
// returns its size; nullopt on bad padding or a libcrypto failure. Precondition:
// `salted` starts with "Salted__" and its size is 16 plus a positive multiple of 16,
// `out` holds at least salted.size() bytes, passphrase.size() <= kMaxSpaKeySize.
std::optional<std::size_t> spa_decrypt(std::span<const std::uint8_t> passphrase, bool legacy_iv,
                                       std::span<const std::uint8_t> salted,
                                       std::span<std::uint8_t> out);

}  // namespace sesame
