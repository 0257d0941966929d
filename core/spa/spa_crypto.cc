// HMAC, digests and AES-256-CBC through OpenSSL 3's libcrypto.
#include "core/spa/spa_crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <memory>

#include "core/spa/base64.h"

namespace sesame {
namespace {

const EVP_MD* evp_md(SpaDigest d) {
  switch (d) {
    case SpaDigest::kMd5: return EVP_md5();
    case SpaDigest::kSha1: return EVP_sha1();
    case SpaDigest::kSha256: return EVP_sha256();
    case SpaDigest::kSha384: return EVP_sha384();
    case SpaDigest::kSha512: return EVP_sha512();
    case SpaDigest::kSha3_256: return EVP_sha3_256();
    case SpaDigest::kSha3_512: return EVP_sha3_512();
  }
  return nullptr;
}

constexpr std::size_t kSaltOffset = 8;  // after "Salted__"
constexpr std::size_t kSaltSize = 8;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

}  // namespace

std::optional<std::size_t> spa_hmac_base64(SpaDigest digest, std::span<const std::uint8_t> key,
                                           std::string_view data, std::span<char> out) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac;
  unsigned int size = 0;
  // HMAC() with a null key pointer would fall back to a static buffer: pass a real one.
  static constexpr unsigned char kEmpty = 0;
  if (HMAC(evp_md(digest), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
           &size) == nullptr)
    return std::nullopt;
  return encode_unpadded_base64(std::span(mac.data(), size), out);
}

std::optional<std::size_t> spa_digest_base64(SpaDigest digest, std::string_view data,
                                             std::span<char> out) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md;
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &size, evp_md(digest), nullptr) != 1)
    return std::nullopt;
  return encode_unpadded_base64(std::span(md.data(), size), out);
}

SpaPayloadDigest spa_payload_digest(std::span<const std::uint8_t> payload) {
  SpaPayloadDigest d{};
  unsigned int size = 0;
  // SHA-256 of at most 1500 bytes in memory cannot fail short of memory corruption.
  EVP_Digest(payload.data(), payload.size(), d.data(), &size, EVP_sha256(), nullptr);
  return d;
}

std::optional<std::size_t> spa_decrypt(std::span<const std::uint8_t> passphrase, bool legacy_iv,
                                       std::span<const std::uint8_t> salted,
                                       std::span<std::uint8_t> out) {
  std::array<unsigned char, kMaxSpaKeySize> pass{};
  std::ranges::copy(passphrase, pass.begin());
  std::size_t pass_size = passphrase.size();
  if (legacy_iv && pass_size < kSpaLegacyKeySize) {
    std::fill(pass.begin() + static_cast<std::ptrdiff_t>(pass_size),
              pass.begin() + kSpaLegacyKeySize, '0');
    pass_size = kSpaLegacyKeySize;
  }
  std::array<unsigned char, 32> key;
  std::array<unsigned char, 16> iv;
  const EVP_CIPHER* cipher = EVP_aes_256_cbc();
  const int derived = EVP_BytesToKey(cipher, EVP_md5(), salted.data() + kSaltOffset, pass.data(),
                                     static_cast<int>(pass_size), 1, key.data(), iv.data());
  OPENSSL_cleanse(pass.data(), pass.size());
  if (derived != static_cast<int>(key.size())) return std::nullopt;

  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  const auto blocks = salted.subspan(kSaltOffset + kSaltSize);
  int n = 0;
  int last = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, key.data(), iv.data()) == 1 &&
      EVP_DecryptUpdate(ctx.get(), out.data(), &n, blocks.data(), static_cast<int>(blocks.size())) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), out.data() + n, &last) == 1;  // checks the PKCS#7 padding
  OPENSSL_cleanse(key.data(), key.size());
  OPENSSL_cleanse(iv.data(), iv.size());
  if (!ok) return std::nullopt;
  return static_cast<std::size_t>(n + last);
}

}  // namespace sesame
