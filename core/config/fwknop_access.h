// parse_fwknop_access: fwknop's access.conf, one SPA door per SOURCE stanza, for
// `sesame import-fwknop` (existing keys keep working unchanged).
#pragma once

#include <expected>
#include <string_view>

#include "core/config/config.h"
#include "core/config/config_error.h"

namespace sesame {

// Reads the stanzas' SOURCE, OPEN_PORTS, RESTRICT_PORTS, KEY, KEY_BASE64, HMAC_KEY,
// HMAC_KEY_BASE64, HMAC_DIGEST_TYPE, ENCRYPTION_MODE (cbc or legacy),
// FW_ACCESS_TIMEOUT, MAX_FW_TIMEOUT, REQUIRE_USERNAME, REQUIRE_SOURCE_ADDRESS and
// ACCESS_EXPIRE into SPA doors named "fwknop-N" (N counts stanzas from 1), firewall
// ufw, listening on `interface`. Fails at the first line sesame cannot honour: any other
// keyword (GPG, commands, NAT...), a keyword before the first SOURCE, a value it
// cannot read, a stanza without KEY, HMAC key or OPEN_PORTS, or RESTRICT_PORTS that
// leaves no port. The door checks (key sizes...) are parse_toml_config's, on the TOML
// written from the result.
std::expected<Config, ConfigError> parse_fwknop_access(std::string_view text, std::string_view file,
                                                       std::string_view interface);

}  // namespace sesame
