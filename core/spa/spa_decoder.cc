// fwknop's server-side checks (fko_verify_hmac, _rijndael_decrypt) over libcrypto, on
// stack buffers sized by kMaxSpaPayload.
#include "core/spa/spa_decoder.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include "core/spa/base64.h"
#include "core/spa/spa_crypto.h"
#include "core/spa/spa_fuzzing.h"
#include "core/spa/spa_plaintext.h"

namespace sesame {
namespace {

// base64("Salted__") without its last, salt-dependent character: fwknop strips it from
// every packet, so a payload that starts with it was put back together by someone else.
constexpr std::string_view kSaltedPrefix = "U2FsdGVkX1";
constexpr std::string_view kSalted = "Salted__";
constexpr std::size_t kSaltedHeader = 16;  // "Salted__" and the 8-byte salt
constexpr std::size_t kAesBlock = 16;

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::optional<SpaReject> spa_framing_reject(std::span<const std::uint8_t> payload) {
  if (payload.size() < kMinSpaPayload) return SpaReject::kTooShort;
  if (payload.size() > kMaxSpaPayload) return SpaReject::kTooLong;
  const std::string_view text = as_text(payload);
  if (text.starts_with(kSaltedPrefix)) return SpaReject::kPrefixReplay;
  // The whole alphabet test; decode_spa checks the lengths of the parts it splits.
  for (char c : text)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
      return SpaReject::kNotBase64;
  return std::nullopt;
}

std::expected<SpaMessage, SpaReject> decode_spa(std::span<const std::uint8_t> payload,
                                                const SpaKeys& keys) {
  using std::unexpected;
  if constexpr (kSpaFuzzing) {
    if (payload.size() > kMaxSpaPayload) return unexpected(SpaReject::kTooLong);
    return parse_spa_plaintext(as_text(payload));
  }
  if (const auto reject = spa_framing_reject(payload)) return unexpected(*reject);
  const std::string_view text = as_text(payload);

  // The ciphertext's base64 with the prefix restored, as the HMAC covers it.
  const std::size_t hmac_size = keys.hmac_key.empty() ? 0 : spa_digest_base64_size(keys.hmac_digest);
  const std::string_view body = text.substr(0, text.size() - hmac_size);
  const std::string_view hmac = text.substr(body.size());
  std::array<char, kSaltedPrefix.size() + kMaxSpaPayload> salted_text;
  std::ranges::copy(kSaltedPrefix, salted_text.begin());
  std::ranges::copy(body, salted_text.begin() + kSaltedPrefix.size());
  const std::string_view covered(salted_text.data(), kSaltedPrefix.size() + body.size());
  if (!is_unpadded_base64(covered) || !is_unpadded_base64(hmac))
    return unexpected(SpaReject::kNotBase64);

  if (hmac_size != 0) {
    std::array<char, kMaxSpaDigestBase64Size> computed;
    const auto n = spa_hmac_base64(keys.hmac_digest, keys.hmac_key, covered, computed);
    if (!n || *n != hmac.size() || CRYPTO_memcmp(computed.data(), hmac.data(), *n) != 0)
      return unexpected(SpaReject::kHmacMismatch);
  }

  std::array<std::uint8_t, (kSaltedPrefix.size() + kMaxSpaPayload) / 4 * 3 + 3> salted;
  const auto salted_size = decode_unpadded_base64(covered, salted);
  if (!salted_size) return unexpected(SpaReject::kNotBase64);
  if (*salted_size < kSaltedHeader + kAesBlock || (*salted_size - kSaltedHeader) % kAesBlock != 0 ||
      std::memcmp(salted.data(), kSalted.data(), kSalted.size()) != 0)
    return unexpected(SpaReject::kBadCiphertext);

  std::array<std::uint8_t, salted.size()> plain;
  const auto plain_size =
      spa_decrypt(keys.key, keys.legacy_iv, std::span(salted.data(), *salted_size), plain);
  // fwknop's own test for a wrong key: the plaintext must open with 16 digits and ':'.
  constexpr std::size_t kRandom = 16;
  if (!plain_size || *plain_size <= kRandom ||
      !std::all_of(plain.begin(), plain.begin() + kRandom,
                   [](std::uint8_t c) { return c >= '0' && c <= '9'; }) ||
      plain[kRandom] != ':')
    return unexpected(SpaReject::kDecryptFailed);
  auto message = parse_spa_plaintext(as_text(std::span(plain.data(), *plain_size)));
  OPENSSL_cleanse(plain.data(), plain.size());
  return message;
}

}  // namespace sesame
