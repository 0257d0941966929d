// The plaintext parser, field by field in fwknop's order (lib/fko_decode.c), each field
// with fwknop's length bound.
#include "core/spa/spa_plaintext.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>

#include "core/spa/base64.h"
#include "core/spa/spa_crypto.h"
#include "core/spa/spa_fuzzing.h"

namespace sesame {
namespace {

// rand, user, timestamp, version, type, message, nat, server_auth, timeout, digest.
constexpr std::size_t kMaxFields = 10;
// The fields every type has before the ones its type adds (rand to message, digest).
constexpr std::size_t kBaseFields = 7;
constexpr std::size_t kRandomSize = 16;         // FKO_RAND_VAL_SIZE
constexpr std::size_t kMaxUserField = 64;       // MAX_SPA_USERNAME_SIZE
constexpr std::size_t kMaxTimestampField = 12;  // MAX_SPA_TIMESTAMP_SIZE
constexpr std::size_t kMaxVersionField = 8;     // MAX_SPA_VERSION_SIZE
constexpr std::size_t kMaxTypeField = 2;        // MAX_SPA_MESSAGE_TYPE_SIZE
constexpr std::size_t kMaxMessageField = 256;   // MAX_SPA_MESSAGE_SIZE, also NAT and auth
constexpr std::size_t kMaxNatHost = 64;
constexpr std::uint32_t kMaxClientTimeout = 2 << 15;  // fwknop's bound for the field

bool all_digits(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

template <class T>
std::optional<T> number(std::string_view s) {
  T v{};
  if (!all_digits(s)) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// A base64 field of 1..max_field characters, decoded.
std::optional<std::string> base64_field(std::string_view field, std::size_t max_field) {
  if (field.empty() || field.size() > max_field) return std::nullopt;
  std::array<std::uint8_t, kMaxMessageField> bytes;
  const auto n = decode_unpadded_base64(field, bytes);
  if (!n || *n == 0) return std::nullopt;
  return std::string(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(*n));
}

// fwknop's validate_username: printable, none of " / \ [ ] : ; | = , + * ? < >.
bool valid_user(std::string_view user) {
  constexpr std::string_view kForbidden = "\"/\\[]:;|=,+*?<>";
  return std::ranges::all_of(user, [&](char c) {
    return c >= 0x20 && c <= 0x7e && kForbidden.find(c) == std::string_view::npos;
  });
}

// Dotted-quad IPv4 only, as fwknop's have_allow_ip: 7 to 15 digits and dots.
std::optional<Address> allow_ipv4(std::string_view text) {
  if (text.size() < 7 || text.size() > 15 ||
      !std::ranges::all_of(text, [](char c) { return c == '.' || (c >= '0' && c <= '9'); }))
    return std::nullopt;
  const auto a = Address::parse(text);
  if (!a || !a->is_v4()) return std::nullopt;
  return a;
}

// "tcp/22" or "udp/53".
std::optional<SpaPort> port_spec(std::string_view spec) {
  const auto slash = spec.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view proto = spec.substr(0, slash);
  const auto port = number<std::uint16_t>(spec.substr(slash + 1));
  if (!port || *port == 0 || spec.size() - slash - 1 > 5) return std::nullopt;
  if (proto == "tcp") return SpaPort{Protocol::kTcp, *port};
  if (proto == "udp") return SpaPort{Protocol::kUdp, *port};
  return std::nullopt;
}

// "IPv4,proto/port[,proto/port...]"; a command message is "IPv4,command".
bool parse_access(SpaMessage& m) {
  const std::string_view text = m.message;
  const auto comma = text.find(',');
  if (comma == std::string_view::npos || comma + 1 >= text.size()) return false;
  const auto allow = allow_ipv4(text.substr(0, comma));
  if (!allow) return false;
  m.allow = *allow;
  if (m.type == SpaMessageType::kCommand) return true;
  std::string_view rest = text.substr(comma + 1);
  while (true) {
    const auto next = rest.find(',');
    const auto port = port_spec(rest.substr(0, next));
    if (!port || m.ports.size() == kMaxSpaPorts) return false;
    m.ports.push_back(*port);
    if (next == std::string_view::npos) return true;
    rest.remove_prefix(next + 1);
  }
}

// fwknop's validate_nat_access_msg: "host,port", one comma, no " /?\"'\\" in the host.
bool valid_nat_access(std::string_view nat) {
  const auto comma = nat.find(',');
  if (comma == std::string_view::npos || comma == 0 || comma > kMaxNatHost ||
      nat.find(',', comma + 1) != std::string_view::npos)
    return false;
  if (nat.substr(0, comma).find_first_of(" /?\"'\\") != std::string_view::npos) return false;
  const auto port = number<std::uint16_t>(nat.substr(comma + 1));
  return port && *port != 0 && nat.size() - comma - 1 <= 5;
}

bool digest_matches(SpaDigest d, std::string_view covered, std::string_view digest) {
  std::array<char, kMaxSpaDigestBase64Size> computed;
  const auto n = spa_digest_base64(d, covered, computed);
  return n && *n == digest.size() && CRYPTO_memcmp(computed.data(), digest.data(), *n) == 0;
}

// The digest type its base64 length names, SHA3 tried where SHA-2 does not match.
std::expected<SpaDigest, SpaReject> check_digest(std::string_view covered, std::string_view digest) {
  std::optional<SpaDigest> type;
  for (SpaDigest d : {SpaDigest::kMd5, SpaDigest::kSha1, SpaDigest::kSha256, SpaDigest::kSha384,
                      SpaDigest::kSha512})
    if (spa_digest_base64_size(d) == digest.size()) type = d;
  if (!type) return std::unexpected(SpaReject::kBadDigestLength);
  if constexpr (kSpaFuzzing) return *type;
  if (digest_matches(*type, covered, digest)) return *type;
  const auto sha3 = *type == SpaDigest::kSha256   ? std::optional(SpaDigest::kSha3_256)
                    : *type == SpaDigest::kSha512 ? std::optional(SpaDigest::kSha3_512)
                                                  : std::nullopt;
  if (sha3 && digest_matches(*sha3, covered, digest)) return *sha3;
  return std::unexpected(SpaReject::kDigestMismatch);
}

}  // namespace

std::expected<SpaMessage, SpaReject> parse_spa_plaintext(std::string_view text) {
  using std::unexpected;
  if (text.size() < kMinSpaPlaintext || text.size() > kMaxSpaPlaintext ||
      !std::ranges::all_of(text, [](char c) { return c >= 0x20 && c <= 0x7e; }))
    return unexpected(SpaReject::kBadPlaintext);

  std::array<std::string_view, kMaxFields> fields;
  std::size_t count = 0;
  for (std::string_view rest = text;;) {
    if (count == kMaxFields) return unexpected(SpaReject::kBadFieldCount);
    const auto colon = rest.find(':');
    fields[count++] = rest.substr(0, colon);
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  if (count < kBaseFields) return unexpected(SpaReject::kBadFieldCount);

  const std::string_view digest = fields[count - 1];
  const auto digest_type = check_digest(text.substr(0, text.size() - digest.size() - 1), digest);
  if (!digest_type) return unexpected(digest_type.error());

  SpaMessage m;
  m.digest = *digest_type;
  if (fields[0].size() != kRandomSize || !all_digits(fields[0]))
    return unexpected(SpaReject::kBadRandom);
  m.rand = fields[0];

  auto user = base64_field(fields[1], kMaxUserField);
  if (!user || !valid_user(*user)) return unexpected(SpaReject::kBadUser);
  m.user = std::move(*user);

  const auto timestamp = fields[2].size() <= kMaxTimestampField ? number<std::uint64_t>(fields[2])
                                                                : std::nullopt;
  if (!timestamp) return unexpected(SpaReject::kBadTimestamp);
  m.timestamp = *timestamp;

  if (fields[3].empty() || fields[3].size() > kMaxVersionField)
    return unexpected(SpaReject::kBadVersion);
  m.version = fields[3];

  const auto type = fields[4].size() <= kMaxTypeField ? number<std::uint8_t>(fields[4]) : std::nullopt;
  if (!type || *type >= kSpaMessageTypeNames.size()) return unexpected(SpaReject::kBadMessageType);
  m.type = static_cast<SpaMessageType>(*type);

  // The type fixes the fields after the message; only server_auth is optional.
  const std::size_t required = kBaseFields + (has_nat_access(m.type) ? 1 : 0) +
                               (has_client_timeout(m.type) ? 1 : 0);
  if (count != required && count != required + 1) return unexpected(SpaReject::kBadFieldCount);
  std::size_t next = 6;

  auto message = base64_field(fields[5], kMaxMessageField);
  if (!message) return unexpected(SpaReject::kBadMessage);
  m.message = std::move(*message);
  if (!parse_access(m)) return unexpected(SpaReject::kBadMessage);

  if (has_nat_access(m.type)) {
    auto nat = base64_field(fields[next++], kMaxMessageField);
    if (!nat || !valid_nat_access(*nat)) return unexpected(SpaReject::kBadNatAccess);
    m.nat_access = std::move(*nat);
  }
  if (count == required + 1) {
    auto auth = base64_field(fields[next++], kMaxMessageField);
    if (!auth) return unexpected(SpaReject::kBadServerAuth);
    m.server_auth = std::move(*auth);
  }
  if (has_client_timeout(m.type)) {
    const auto timeout = number<std::uint32_t>(fields[next++]);
    if (!timeout || *timeout > kMaxClientTimeout) return unexpected(SpaReject::kBadClientTimeout);
    m.client_timeout = *timeout;
  }
  return m;
}

}  // namespace sesame
