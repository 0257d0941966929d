// SpaDigest: the hash functions fwknop uses for its message digest and its HMAC.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "core/enum_names.h"

namespace sesame {

// fwknop's names for them (`--digest-type`, `--hmac-digest-type`, HMAC_DIGEST_TYPE).
// SHA3 appears only as a message digest: fwknop infers it from a length SHA-256 or
// SHA-512 shares.
enum class SpaDigest : std::uint8_t { kMd5, kSha1, kSha256, kSha384, kSha512, kSha3_256, kSha3_512 };

inline constexpr std::array<EnumName<SpaDigest>, 7> kSpaDigestNames{{
    {SpaDigest::kMd5, "md5"},
    {SpaDigest::kSha1, "sha1"},
    {SpaDigest::kSha256, "sha256"},
    {SpaDigest::kSha384, "sha384"},
    {SpaDigest::kSha512, "sha512"},
    {SpaDigest::kSha3_256, "sha3_256"},
    {SpaDigest::kSha3_512, "sha3_512"},
}};
static_assert(names_in_value_order(kSpaDigestNames),
    "kSpaDigestNames must name every SpaDigest value, in value order");

// The hashes a door may use for its HMAC: fwknop's HMAC_DIGEST_TYPE choices.
constexpr bool is_spa_hmac_digest(SpaDigest d) {
  return d != SpaDigest::kSha3_256 && d != SpaDigest::kSha3_512;
}

// Length of the digest in bytes, and of its base64 text with the '=' stripped.
constexpr std::size_t spa_digest_size(SpaDigest d) {
  constexpr std::array<std::size_t, 7> kSizes{16, 20, 32, 48, 64, 32, 64};
  return kSizes[std::to_underlying(d)];
}
constexpr std::size_t spa_digest_base64_size(SpaDigest d) {
  return (spa_digest_size(d) * 4 + 2) / 3;
}
static_assert(spa_digest_base64_size(SpaDigest::kMd5) == 22 &&
                  spa_digest_base64_size(SpaDigest::kSha1) == 27 &&
                  spa_digest_base64_size(SpaDigest::kSha256) == 43 &&
                  spa_digest_base64_size(SpaDigest::kSha384) == 64 &&
                  spa_digest_base64_size(SpaDigest::kSha512) == 86,
              "fwknop's MD5_B64_LEN .. SHA512_B64_LEN: the decoder infers the type from them");

// The largest, for buffers that hold any of them.
inline constexpr std::size_t kMaxSpaDigestSize = 64;
inline constexpr std::size_t kMaxSpaDigestBase64Size = 86;

}  // namespace sesame
