// Unpadded base64, as fwknop writes every field: the standard alphabet, '=' stripped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sesame {

// Bytes that `n` base64 characters (no '=') decode to; nullopt for n % 4 == 1, a length
// no encoder produces.
constexpr std::optional<std::size_t> unpadded_base64_decoded_size(std::size_t n) {
  if (n % 4 == 1) return std::nullopt;
  return n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
}

// True if every byte is in A-Z a-z 0-9 + / and the length is one an encoder makes.
bool is_unpadded_base64(std::string_view text);

// Decodes `text` into the front of `out` and returns the byte count; nullopt if
// `text` is not unpadded base64, its unused trailing bits are not zero (so each byte
// string has exactly one encoding), or `out` is too small.
std::optional<std::size_t> decode_unpadded_base64(std::string_view text,
                                                  std::span<std::uint8_t> out);

// Encodes `bytes` into the front of `out` without '='; returns the character count, or
// nullopt if `out` is too small.
std::optional<std::size_t> encode_unpadded_base64(std::span<const std::uint8_t> bytes,
                                                  std::span<char> out);

// A key as fwknop's KEY_BASE64 and HMAC_KEY_BASE64 hold it (standard base64, '=' padding
// optional): its bytes, or nullopt if it is not base64.
std::optional<std::vector<std::uint8_t>> decode_base64_key(std::string_view text);
// The key as KEY_BASE64 writes it: standard base64 with '=' padding.
std::string encode_base64_key(std::span<const std::uint8_t> key);

}  // namespace sesame
