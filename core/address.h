// Address: an IPv4 or IPv6 address as a 16-byte value (IPv4 kept IPv4-mapped).
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sesame {

class Address {
 public:
  constexpr Address() = default;

  static constexpr Address v4(std::uint32_t host_order) {
    Address a;
    a.bytes_[10] = 0xff;
    a.bytes_[11] = 0xff;
    a.bytes_[12] = static_cast<std::uint8_t>(host_order >> 24);
    a.bytes_[13] = static_cast<std::uint8_t>(host_order >> 16);
    a.bytes_[14] = static_cast<std::uint8_t>(host_order >> 8);
    a.bytes_[15] = static_cast<std::uint8_t>(host_order);
    return a;
  }
  // Precondition: bytes.size() == 16 (network order).
  static constexpr Address v6(std::span<const std::uint8_t, 16> bytes) {
    Address a;
    for (std::size_t i = 0; i < 16; ++i) a.bytes_[i] = bytes[i];
    return a;
  }
  // Parses dotted IPv4 or RFC 4291 IPv6 text; nullopt if it is neither.
  static std::optional<Address> parse(std::string_view text);

  // Two word compares at run time: every frame's source and destination ask (g++ 12
  // leaves the byte loop a loop).
  constexpr bool is_v4() const {
    if consteval {
      for (int i = 0; i < 10; ++i)
        if (bytes_[i] != 0) return false;
      return bytes_[10] == 0xff && bytes_[11] == 0xff;
    } else {
      std::uint64_t head;
      std::uint32_t mid;
      std::memcpy(&head, bytes_.data(), 8);
      std::memcpy(&mid, bytes_.data() + 8, 4);
      constexpr std::uint32_t kMapped = std::endian::native == std::endian::little ? 0xffff0000u : 0x0000ffffu;
      return (head | (mid ^ kMapped)) == 0;
    }
  }
  constexpr const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  // Dotted quad for IPv4, RFC 5952 text for IPv6: the form knockd logs and %IP% takes.
  std::string to_string() const;

  // Two 64-bit compares: equality runs on every table probe, where the
  // defaulted comparison of a byte array becomes a call to memcmp.
  friend constexpr bool operator==(const Address& a, const Address& b) {
    if consteval {
      return a.bytes_ == b.bytes_;
    } else {
      std::uint64_t x[2], y[2];
      std::memcpy(x, a.bytes_.data(), 16);
      std::memcpy(y, b.bytes_.data(), 16);
      return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
    }
  }
  friend constexpr auto operator<=>(const Address& a, const Address& b) { return a.bytes_ <=> b.bytes_; }

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace sesame
