// The key bounds fwknop itself enforces, checked once when a door is configured.
#include "core/spa/spa_keys.h"

#include <string>

#include "core/spa/spa_crypto.h"
#include "core/str_cat.h"

namespace sesame {

std::optional<std::string> spa_keys_error(const SpaKeys& keys) {
  if (keys.key.empty() || keys.key.size() > kMaxSpaKeySize)
    return str_cat("the key must be 1 to ", std::to_string(kMaxSpaKeySize), " bytes, not ",
                   std::to_string(keys.key.size()));
  if (keys.hmac_key.size() > kMaxSpaHmacKeySize)
    return str_cat("the HMAC key must be at most ", std::to_string(kMaxSpaHmacKeySize),
                   " bytes, not ", std::to_string(keys.hmac_key.size()));
  if (!is_spa_hmac_digest(keys.hmac_digest))
    return str_cat("fwknop offers no ", enum_name(kSpaDigestNames, keys.hmac_digest), " HMAC");
  return std::nullopt;
}

}  // namespace sesame
