// AddressPrefix over Address's 16-byte form, where an IPv4 prefix is an IPv4-mapped one.
#include "core/address_prefix.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace sesame {
namespace {

constexpr std::uint8_t kMappedBits = 96;  // ::ffff:0:0/96

bool bit(const Address& a, std::size_t i) { return (a.bytes()[i / 8] >> (7 - i % 8)) & 1; }

}  // namespace

std::optional<AddressPrefix> AddressPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto base = Address::parse(text.substr(0, slash));
  if (!base) return std::nullopt;
  const unsigned max = base->is_v4() ? 32 : 128;
  unsigned bits = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || bits > max)
      return std::nullopt;
  }
  AddressPrefix p;
  p.base_ = *base;
  p.bits_ = static_cast<std::uint8_t>(base->is_v4() ? kMappedBits + bits : bits);
  for (std::size_t i = p.bits_; i < 128; ++i)
    if (bit(p.base_, i)) return std::nullopt;
  return p;
}

bool AddressPrefix::contains(const Address& a) const {
  for (std::size_t i = 0; i < bits_; ++i)
    if (bit(a, i) != bit(base_, i)) return false;
  return true;
}

std::string AddressPrefix::to_string() const {
  const bool v4 = base_.is_v4() && bits_ >= kMappedBits;
  return base_.to_string() + "/" + std::to_string(v4 ? bits_ - kMappedBits : bits_);
}

Address network_of(const Address& a, unsigned bits) {
  const unsigned kept_bits = a.is_v4() ? kMappedBits + std::min(bits, 32u) : std::min(bits, 128u);
  std::array<std::uint8_t, 16> bytes = a.bytes();
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned kept = kept_bits > i * 8 ? std::min(kept_bits - i * 8, 8u) : 0;
    bytes[i] &= static_cast<std::uint8_t>(0xff00u >> kept);
  }
  return Address::v6(bytes);
}

}  // namespace sesame
