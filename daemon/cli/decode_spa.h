// sesame decode-spa: checks and decodes one fwknop payload with given keys, for operators
// debugging a client and for known-answer tests.
#pragma once

#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "core/spa/spa_keys.h"

namespace sesame::cli {

struct DecodeSpaArgs {
  SpaKeys keys;
  std::string payload;  // the UDP payload as fwknop prints it (`fwknop -T -B FILE`)
};

// Parses `(--key K | --key-base64 K) [--hmac-key K | --hmac-key-base64 K]
// [--hmac-digest sha256|sha1|sha384|sha512|md5] [--legacy-iv] PAYLOAD`; options take
// "--name value" or "--name=value". Fails with a message for an unknown or repeated
// option, a missing value, a key that is not base64 or that fwknop would refuse
// (spa_keys_error), or not exactly one payload.
std::expected<DecodeSpaArgs, std::string> parse_decode_spa_args(std::span<const std::string_view> args);

// One "field: value" line each for rand, user, timestamp, version, type, message,
// nat_access and client_timeout (when present) and digest_type; or "reject: REASON".
struct DecodeSpaOutput {
  int status = 0;  // 0 decoded, 1 rejected
  std::string text;
};
DecodeSpaOutput decode_spa_text(const DecodeSpaArgs& args);

}  // namespace sesame::cli
