// Address text conversion. inet_pton/inet_ntop are pure libc formatting, no syscall.
#include "core/address.h"

#include <arpa/inet.h>

namespace sesame {

std::optional<Address> Address::parse(std::string_view text) {
  // Bounded copy: inet_pton needs a terminated string and no valid address is longer.
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  std::array<std::uint8_t, 16> raw{};
  if (inet_pton(AF_INET, buf, raw.data()) == 1)
    return Address::v4(std::uint32_t{raw[0]} << 24 | std::uint32_t{raw[1]} << 16 |
                       std::uint32_t{raw[2]} << 8 | raw[3]);
  if (inet_pton(AF_INET6, buf, raw.data()) == 1) return Address::v6(raw);
  return std::nullopt;
}

std::string Address::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  const char* out = is_v4() ? inet_ntop(AF_INET, bytes_.data() + 12, buf, sizeof buf)
                            : inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
  return out ? std::string(out) : std::string();
}

}  // namespace sesame
