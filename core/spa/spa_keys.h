// SpaKeys: what one SPA door decodes with, as fwknop's access.conf stanza holds it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/spa/spa_digest.h"

namespace sesame {

struct SpaKeys {
  // KEY, or KEY_BASE64 decoded: always the passphrase EVP_BytesToKey derives the AES key
  // and IV from, never the AES key itself. 1 to 32 bytes.
  std::vector<std::uint8_t> key;
  // HMAC_KEY or HMAC_KEY_BASE64 decoded, up to 128 bytes; empty: the packet carries no HMAC.
  std::vector<std::uint8_t> hmac_key;
  SpaDigest hmac_digest = SpaDigest::kSha256;
  bool legacy_iv = false;  // ENCRYPTION_MODE legacy
  friend bool operator==(const SpaKeys&, const SpaKeys&) = default;
};

// Why `keys` cannot decode anything (a key length fwknop refuses, or an HMAC digest it
// does not offer), as an error message; nullopt when they can.
std::optional<std::string> spa_keys_error(const SpaKeys& keys);

}  // namespace sesame
