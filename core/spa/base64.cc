// Unpadded base64 through libcrypto's block coder: the checks it does not make (alphabet,
// length, trailing bits) are made here first.
#include "core/spa/base64.h"

#include <openssl/evp.h>

#include <array>
#include <cstring>

namespace sesame {
namespace {

// 1500 bytes of payload, plus the 10-character prefix fwknop strips and padding.
constexpr std::size_t kMaxText = 1536;

constexpr int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

bool is_unpadded_base64(std::string_view text) {
  if (!unpadded_base64_decoded_size(text.size())) return false;
  for (char c : text)
    if (sextet(c) < 0) return false;
  return true;
}

std::optional<std::size_t> decode_unpadded_base64(std::string_view text,
                                                  std::span<std::uint8_t> out) {
  const auto size = unpadded_base64_decoded_size(text.size());
  if (!size || *size > out.size() || text.size() > kMaxText - 3 || !is_unpadded_base64(text))
    return std::nullopt;
  // The last character's low bits past the data must be zero (2 bits after 3
  // characters, 4 after 2), or two texts would decode to the same bytes.
  if (text.size() % 4 != 0) {
    const int last = sextet(text.back());
    if ((text.size() % 4 == 2 && (last & 0x0f) != 0) || (text.size() % 4 == 3 && (last & 0x03) != 0))
      return std::nullopt;
  }
  std::array<unsigned char, kMaxText> padded;
  std::memcpy(padded.data(), text.data(), text.size());
  std::size_t n = text.size();
  while (n % 4 != 0) padded[n++] = '=';
  // EVP_DecodeBlock writes whole triplets (zeros for the padding): decode into a scratch
  // buffer so `out` needs only the real size.
  std::array<unsigned char, kMaxText / 4 * 3> decoded;
  if (EVP_DecodeBlock(decoded.data(), padded.data(), static_cast<int>(n)) < 0) return std::nullopt;
  std::memcpy(out.data(), decoded.data(), *size);
  return size;
}

std::optional<std::size_t> encode_unpadded_base64(std::span<const std::uint8_t> bytes,
                                                  std::span<char> out) {
  const std::size_t padded = (bytes.size() + 2) / 3 * 4;
  if (bytes.size() > kMaxText / 4 * 3) return std::nullopt;
  std::array<unsigned char, kMaxText + 1> text;  // EVP_EncodeBlock adds a NUL
  const int n = EVP_EncodeBlock(text.data(), bytes.data(), static_cast<int>(bytes.size()));
  if (n < 0 || static_cast<std::size_t>(n) != padded) return std::nullopt;
  std::size_t size = padded;
  while (size > 0 && text[size - 1] == '=') --size;
  if (size > out.size()) return std::nullopt;
  std::memcpy(out.data(), text.data(), size);
  return size;
}

std::optional<std::vector<std::uint8_t>> decode_base64_key(std::string_view text) {
  std::string_view unpadded = text;
  while (unpadded.ends_with('=') && text.size() - unpadded.size() < 2) unpadded.remove_suffix(1);
  // Padding, when present, must complete the last quartet.
  if (unpadded.size() != text.size() && text.size() % 4 != 0) return std::nullopt;
  std::vector<std::uint8_t> key(unpadded.size() / 4 * 3 + 2);
  const auto n = decode_unpadded_base64(unpadded, key);
  if (!n) return std::nullopt;
  key.resize(*n);
  return key;
}

std::string encode_base64_key(std::span<const std::uint8_t> key) {
  std::string text(kMaxText, '\0');
  const auto n = encode_unpadded_base64(key, text);
  text.resize(n ? *n : 0);
  while (text.size() % 4 != 0) text += '=';
  return text;
}

}  // namespace sesame
