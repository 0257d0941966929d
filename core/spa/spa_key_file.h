// The key file an SPA door may name: fwknop's key lines, as `fwknop --key-gen` prints them.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "core/spa/spa_keys.h"

namespace sesame {

// Reads "KEY_BASE64: ...", "HMAC_KEY_BASE64: ...", "KEY: ..." and "HMAC_KEY: ..." lines
// (the colon may be a space instead, as in access.conf) into `keys`; blank lines and
// '#' comments are skipped. Fails with "line N: why" for any other line, a key given
// twice, base64 that does not decode, or no KEY at all.
std::expected<void, std::string> read_spa_key_file(std::string_view text, SpaKeys& keys);

}  // namespace sesame
