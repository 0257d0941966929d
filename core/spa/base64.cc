// Unpadded base64 by hand rather than through libcrypto's block coder, so that reading
// a config (which decodes SPA keys) needs no libcrypto: sesame-helper reads the config
// and does no cryptography. Every check is made before a byte is written.
#include "core/spa/base64.h"

namespace sesame {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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
  if (!size || *size > out.size() || !is_unpadded_base64(text)) return std::nullopt;
  // The last character's low bits past the data must be zero (2 bits after 3
  // characters, 4 after 2), or two texts would decode to the same bytes.
  if (text.size() % 4 != 0) {
    const int last = sextet(text.back());
    if ((text.size() % 4 == 2 && (last & 0x0f) != 0) || (text.size() % 4 == 3 && (last & 0x03) != 0))
      return std::nullopt;
  }
  // Sextets go into a bit accumulator; each time it holds 8 bits or more, its top byte
  // is written. The leftover bits at the end are the zero bits checked above.
  std::uint32_t bits = 0;
  int count = 0;
  std::size_t n = 0;
  for (char c : text) {
    bits = (bits << 6) | static_cast<std::uint32_t>(sextet(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[n++] = static_cast<std::uint8_t>(bits >> count);
    }
  }
  return n;
}

std::optional<std::size_t> encode_unpadded_base64(std::span<const std::uint8_t> bytes,
                                                  std::span<char> out) {
  const std::size_t size = bytes.size() / 3 * 4 + (bytes.size() % 3 == 0 ? 0 : bytes.size() % 3 + 1);
  if (size > out.size()) return std::nullopt;
  std::uint32_t bits = 0;
  int count = 0;
  std::size_t n = 0;
  for (std::uint8_t b : bytes) {
    bits = (bits << 8) | b;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out[n++] = kAlphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out[n++] = kAlphabet[(bits << (6 - count)) & 0x3f];
  return n;
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
  std::string text((key.size() + 2) / 3 * 4, '\0');
  const auto n = encode_unpadded_base64(key, text);
  text.resize(*n);  // the buffer holds the padded length, never less than the unpadded
  while (text.size() % 4 != 0) text += '=';
  return text;
}

}  // namespace sesame
