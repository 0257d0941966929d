// AddressPrefix: an IPv4 or IPv6 network ("198.18.0.0/15", "2001:2::/48", or one address).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/address.h"

namespace sesame {

class AddressPrefix {
 public:
  // "ADDRESS" or "ADDRESS/BITS" (0-32 for IPv4, 0-128 for IPv6); nullopt for anything
  // else, including host bits set below the prefix (a likely typo).
  static std::optional<AddressPrefix> parse(std::string_view text);

  bool contains(const Address& a) const;
  // The text parse() read back: "198.18.0.0/15", "2001:2::/48".
  std::string to_string() const;
  friend bool operator==(const AddressPrefix&, const AddressPrefix&) = default;

 private:
  Address base_;
  std::uint8_t bits_ = 0;  // over the 16-byte form: IPv4's /n is 96 + n
};

// The first address of `a`'s /bits network, bits counted in a's own family (0-32 for
// IPv4, 0-128 for IPv6; more keeps every bit): the key that groups a prefix's sources.
Address network_of(const Address& a, unsigned bits);

}  // namespace sesame
