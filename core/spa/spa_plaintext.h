// parse_spa_plaintext: fwknop's decrypted "rand:user:timestamp:version:type:message...:digest".
#pragma once

#include <cstddef>
#include <expected>
#include <string_view>

#include "core/spa/spa_message.h"
#include "core/spa/spa_reject.h"

namespace sesame {

// fwknop's MIN_SPA_ENCODED_MSG_SIZE and MAX_SPA_ENCODED_MSG_SIZE.
inline constexpr std::size_t kMinSpaPlaintext = 36;
inline constexpr std::size_t kMaxSpaPlaintext = 1500;

// Checks the digest (its type inferred from its length, SHA3 tried where SHA-256 or
// SHA-512 fails, as fwknop does) and then every field in order; returns the first
// reason the text is not an fwknop 3.0.0 message. No age or policy check: the caller
// decides what the message may open.
std::expected<SpaMessage, SpaReject> parse_spa_plaintext(std::string_view plaintext);

}  // namespace sesame
